"""``URLCredentialsProcessor``: ``http://user:password@host/`` sends Basic credentials to that host.

As curl, requests and httpx do. This module is imported by every ``build_opener()`` (the processor
joins every opener), so it imports nothing that a request without credentials does not need.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from urlplug import BaseHandler

from .authorization import basic_authorization

if TYPE_CHECKING:
    from urlplug import Request

__all__ = ["URLCredentialsProcessor", "split_userinfo"]

# scheme "://" authority rest: the authority ends at the first "/", "?" or "#" (RFC 3986, 3.2).
_AUTHORITY = re.compile(r"([^:/?#]+://)([^/?#]*)(.*)", re.DOTALL)


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without its userinfo, and the percent-decoded ``(user, password)`` it held, if any.

    ``http://a%40b:p%3Aw@host/x`` gives ``("http://host/x", ("a@b", "p:w"))``; a user without a
    password gets an empty password, as curl and requests send it; ``http://@host/`` gives no credentials.
    """
    parts = _AUTHORITY.fullmatch(url)
    if parts is None:
        return url, None
    scheme, authority, rest = parts.groups()
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        return url, None
    stripped = scheme + hostport + rest
    if not userinfo:
        return stripped, None
    user, _, password = userinfo.partition(":")
    return stripped, (unquote(user), unquote(password))


class URLCredentialsProcessor(BaseHandler):
    """Takes ``user:password@`` out of HTTP(S) URLs and sends it as Basic ``Authorization``.

    The userinfo is removed from the request's URL before the HTTP handler reads it, so it never
    reaches the ``Host`` header, the request line, a proxy or ``response.geturl()``. The header is a
    regular one: the redirect handler keeps it within the origin and drops it on a redirect to
    another origin, as it does every ``Authorization``. An ``Authorization`` the request already
    carries wins over the URL's. Joins every opener while ``urlplug-auth`` is installed; URLs without
    userinfo pass untouched.
    """

    handler_order = 400  # before HTTPHandler (500) writes Host from the URL

    def http_request(self, req: Request) -> Request:
        """Move the URL's credentials, if any, into an ``Authorization`` header."""
        if "@" not in req.host:  # the common case, without parsing
            return req
        url, credentials = split_userinfo(req.full_url)
        if url != req.full_url:
            req.full_url = url
        if credentials is not None and not req.has_header("Authorization"):
            req.add_header("Authorization", basic_authorization(*credentials))
        return req

    https_request = http_request
