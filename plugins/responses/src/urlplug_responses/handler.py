"""``ResponsesHandler``: HTTP(S) requests answered by the active ``responses`` mock, if one runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from urlplug import BaseHandler

from .active import active_mock

if TYPE_CHECKING:
    from urlplug import Request, Response

__all__ = ["ResponsesHandler"]


class ResponsesHandler(BaseHandler):
    """Answers HTTP and HTTPS requests from the active ``responses`` mock; does nothing without one.

    Joins every opener through the ``urlplug.handlers`` entry point. While a mock runs
    (``@responses.activate``, ``with responses.RequestsMock():``, ``responses.start()``), each
    request is matched, recorded and answered by it as a ``requests`` call would be, and the rest
    of the chain (error processing, redirects, authentication, cookies) runs on the answer. A
    request the mock passes through (``add_passthru``) goes on to the HTTP handler.

    A classic handler (``http_open``/``https_open``), so that building an opener does not import
    pluggy's hook machinery for it.
    """

    # In the open stage, after whatever prepares or answers requests before the network (proxies
    # at 100) and just before the HTTP(S) handlers (500): the mock stands in for the network.
    handler_order = 490

    def http_open(self, request: Request) -> Response | None:
        """The active mock's answer to ``request``, or ``None`` to let the HTTP handler send it."""
        mock = active_mock()
        if mock is None:
            return None
        from .bridge import answer

        return answer(mock, request)

    https_open = http_open

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
