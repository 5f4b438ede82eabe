"""``HTTPCookieProcessor``: an ``http.cookiejar`` jar on every HTTP(S) request and response."""

from __future__ import annotations

import http.cookiejar
from typing import TYPE_CHECKING, Any

from urlplug import BaseHandler

if TYPE_CHECKING:
    from urlplug import Request

__all__ = ["HTTPCookieProcessor"]


class HTTPCookieProcessor(BaseHandler):
    """Keep cookies in ``cookiejar`` (a new ``http.cookiejar.CookieJar`` by default).

    Every HTTP and HTTPS request gets the cookies the jar returns for it, as an unredirected
    ``Cookie`` header, and every response — redirects included, since they pass through here before
    the redirect is followed — offers its ``Set-Cookie`` headers to the jar. What is stored and
    what is sent is the jar's policy's decision (``http.cookiejar.DefaultCookiePolicy``: domain
    matching, blocked domains, ``Secure`` cookies over HTTPS only, third-party rules for
    unverifiable requests).
    """

    def __init__(self, cookiejar: http.cookiejar.CookieJar | None = None) -> None:
        if cookiejar is None:
            cookiejar = http.cookiejar.CookieJar()
        self.cookiejar = cookiejar

    def http_request(self, request: Request) -> Request:
        """Add the jar's cookies for ``request``."""
        # http.cookiejar is typed for urllib.request.Request; it only uses methods ours shares.
        self.cookiejar.add_cookie_header(request)  # type: ignore[arg-type]
        return request

    def http_response(self, request: Request, response: Any) -> Any:
        """Store the cookies ``response`` sets, as the jar's policy allows."""
        self.cookiejar.extract_cookies(response, request)  # type: ignore[arg-type]
        return response

    https_request = http_request
    https_response = http_response
