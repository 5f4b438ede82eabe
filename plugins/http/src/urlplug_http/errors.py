"""``HTTPErrorProcessor`` and ``HTTPDefaultErrorHandler``: what becomes of a non-2xx response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from urlplug import BaseHandler, HTTPError

if TYPE_CHECKING:
    from email.message import Message

    from urlplug import Request


class HTTPErrorProcessor(BaseHandler):
    """Passes 2xx responses on and hands every other one to the opener's error stage.

    The error stage runs ``http_error_<code>`` handlers (redirects, authentication) and ends in
    ``HTTPDefaultErrorHandler``, which raises ``HTTPError``.
    """

    handler_order = 1000  # after every other response processor

    def http_response(self, request: Request, response: Any) -> Any:
        """Return a 2xx response as it is; the error stage's answer for any other status."""
        code = response.code
        if not 200 <= code < 300:
            assert self.parent is not None
            response = self.parent.error("http", request, response, code, response.msg, response.info())
        return response

    https_response = http_response


class HTTPDefaultErrorHandler(BaseHandler):
    """The last resort of the HTTP error stage: every unhandled status becomes an ``HTTPError``."""

    def http_error_default(self, req: Request, fp: Any, code: int, msg: str, hdrs: Message) -> NoReturn:
        """Raise ``HTTPError`` for ``req``; the error is also the response (its body can be read)."""
        raise HTTPError(req.full_url, code, msg, hdrs, fp)
