"""``HTTPRedirectHandler``: follows 301, 302, 303, 307 and 308 without leaking credentials."""

from __future__ import annotations

import functools
import re
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from urlplug import BaseHandler, HTTPError, Request
from urlplug.origin import same_origin
from urlplug.response import discard

if TYPE_CHECKING:
    from email.message import Message

_FOLLOWED_SCHEMES = frozenset({"http", "https", "ftp"})
# Headers that belong to one origin: never carried to another one.
_ORIGIN_BOUND = frozenset({"Authorization", "Cookie", "Proxy-authorization"})
# Leading and trailing C0 controls and spaces are stripped, tabs and newlines removed, as browsers do
# (WHATWG URL); anything left that is a control character makes the target unusable.
_EDGES = "".join(map(chr, range(0x21)))
_REMOVED = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class HTTPRedirectHandler(BaseHandler):
    """Follows redirects: ``http_error_301/302/303/307/308`` open the ``Location`` (or ``URI``) target.

    301, 302 and 303 turn a POST into a GET without its body (as browsers do; 303 does so for any
    method but HEAD); 307 and 308 repeat the method and body. Only ``http``, ``https`` and ``ftp``
    targets are followed. ``Authorization``, ``Cookie`` and ``Proxy-Authorization`` are dropped when
    the target is another origin; unredirected headers are never carried. A URL visited more than
    ``max_repeats`` times, or more than ``max_redirections`` redirects in all, is taken for a loop.
    """

    max_repeats = 4
    """How often one URL may be redirected to in one chain."""

    max_redirections = 10
    """How many redirects one chain may have in all."""

    inf_msg = (
        "The HTTP server returned a redirect error that would lead to an infinite loop.\n"
        "The last 30x error message was:\n"
    )

    def redirect_request(
        self, req: Request, fp: Any, code: int, msg: str, headers: Message, newurl: str
    ) -> Request | None:
        """Return the ``Request`` to send to ``newurl`` for a ``code`` redirect of ``req``.

        Raises ``HTTPError`` when the redirect must not be followed automatically (a method other
        than GET, HEAD or POST on 301/302, or a 307/308 whose body cannot be sent again). Return
        ``None`` in a subclass to let another handler try.
        """
        method = req.get_method()
        data = None
        if (code == 303 and method != "HEAD") or (code in (301, 302) and method == "POST"):
            method = "GET"
        elif code in (307, 308) and method not in ("GET", "HEAD"):
            data = req.data
            if data is not None and not isinstance(data, bytes | bytearray | memoryview):
                raise HTTPError(
                    req.full_url, code, f"{msg} - the request body cannot be sent again", headers, fp
                )
        elif code not in (301, 302, 303, 307, 308) or method not in ("GET", "HEAD"):
            raise HTTPError(req.full_url, code, msg, headers, fp)

        newurl = newurl.replace(" ", "%20")
        within_origin = same_origin(req.full_url, newurl)
        kept = {
            name: value
            for name, value in req.headers.items()
            if (within_origin or name not in _ORIGIN_BOUND)
            and (data is not None or not (name.startswith("Content-") or name == "Transfer-encoding"))
        }
        return Request(
            newurl,
            data=data,
            headers=kept,
            origin_req_host=req.origin_req_host,
            unverifiable=True,
            method=method,
        )

    def http_error_302(self, req: Request, fp: Any, code: int, msg: str, headers: Message) -> Any:
        """Follow the redirect to ``Location`` (or ``URI``); ``None`` when the response names none."""
        location = headers.get("location")
        if location is None:
            location = headers.get("uri")
            if location is None:
                return None
        newurl = self._target(req, fp, code, msg, headers, str(location))
        new = self.redirect_request(req, fp, code, msg, headers, newurl)
        if new is None:
            return None

        visited: dict[str, int] = getattr(req, "redirect_dict", None) or {}
        if visited.get(newurl, 0) >= self.max_repeats or len(visited) >= self.max_redirections:
            raise HTTPError(req.full_url, code, self.inf_msg + msg, headers, fp)
        visited[newurl] = visited.get(newurl, 0) + 1
        req.redirect_dict = new.redirect_dict = visited  # type: ignore[attr-defined]

        discard(fp)
        assert self.parent is not None
        return self.parent.open(new, timeout=req.timeout)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def _target(self, req: Request, fp: Any, code: int, msg: str, headers: Message, location: str) -> str:
        """The absolute URL a ``Location`` value points to, or ``HTTPError`` if it must not be followed."""
        url, refusal = _resolve(req.full_url, location)
        if refusal is not None:
            raise HTTPError(
                url, code, f"{msg} - Redirection to url {url!r} is not allowed: {refusal}", headers, fp
            )
        return url


# A pure function of its two strings, and the same redirects come back again and again.
@functools.lru_cache(maxsize=256)
def _resolve(base: str, location: str) -> tuple[str, str | None]:
    """``(absolute target, None)``, or ``(cleaned location, why it must not be followed)``."""
    url = _REMOVED.sub("", location.strip(_EDGES))
    if _CONTROL.search(url):
        return url, "it contains control characters"
    parts = urlsplit(url)
    if parts.scheme.lower() not in _FOLLOWED_SCHEMES and parts.scheme:
        return url, "only http, https and ftp targets are followed"
    if not parts.path and parts.netloc:
        parts = parts._replace(path="/")
    url = urlunsplit(parts)
    # Header values were decoded as ISO-8859-1: recover the bytes and percent-encode them.
    try:
        url = quote(url, encoding="iso-8859-1", safe=string.punctuation)
    except UnicodeEncodeError:
        url = quote(url, safe=string.punctuation)
    base_url, _, fragment = base.partition("#")
    url = urljoin(base_url, url)
    if urlsplit(url).scheme.lower() not in _FOLLOWED_SCHEMES:
        return url, "only http, https and ftp targets are followed"
    if fragment and "#" not in url:  # RFC 9110 10.2.2: the fragment carries over
        url = f"{url}#{fragment}"
    return url, None
