"""``Request``: one URL request, with urllib2's methods and Python 3's attributes."""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from .validate import check_url

_GLOBAL_DEFAULT_TIMEOUT: Any = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_AUTHORITY = re.compile(r"//([^/?#]*)(.*)", re.DOTALL)
_PORT = re.compile(r":\d*$", re.ASCII)


class Request:
    """An abstraction of a URL request.

    ``data`` makes an HTTP request a POST unless ``method`` says otherwise. ``headers`` are added as
    if by :meth:`add_header`. ``origin_req_host`` and ``unverifiable`` are the RFC 2965 notions used
    for third-party cookies. The fragment is kept in :attr:`full_url` but never sent.
    """

    timeout: Any = _GLOBAL_DEFAULT_TIMEOUT

    def __init__(
        self,
        url: str,
        data: Any = None,
        headers: Mapping[str, Any] | None = None,
        origin_req_host: str | None = None,
        unverifiable: bool = False,
        method: str | None = None,
    ) -> None:
        self.full_url = url
        self.headers: dict[str, Any] = {}
        self.unredirected_hdrs: dict[str, Any] = {}
        self._data = data
        self._tunnel_host: str | None = None
        if headers:
            for key, value in headers.items():
                self.add_header(key, value)
        self._origin_req_host = origin_req_host
        self.unverifiable = unverifiable
        if method:
            self.method = method  # checked when sent, with the headers

    # --- the URL -----------------------------------------------------------------------------

    @property
    def full_url(self) -> str:
        """The URL given, fragment included. Setting it re-parses type, host and selector."""
        if self.fragment:
            return f"{self._full_url}#{self.fragment}"
        return self._full_url

    @full_url.setter
    def full_url(self, url: str) -> None:
        if not isinstance(url, str):
            raise TypeError(f"URL must be a str, not {type(url).__name__}: {url!r}")
        check_url(url)
        url = url.strip(" ")
        if url[:1] == "<" and url[-1:] == ">":  # urllib2 accepted '<URL:type://host/path>'
            url = url[1:-1].strip(" ")
            if url[:4].upper() == "URL:":
                url = url[4:].strip(" ")
        url, _, fragment = url.partition("#")
        self._full_url = url
        self.fragment = fragment or None
        self._parse()

    @full_url.deleter
    def full_url(self) -> None:
        self._full_url = None  # type: ignore[assignment]
        self.fragment = None
        self.selector = ""

    def _parse(self) -> None:
        url = self._full_url
        scheme, colon, rest = url.partition(":")
        if not url:
            raise ValueError("empty URL: a URL needs a scheme, such as 'http://host/path'")
        if not colon or _SCHEME.fullmatch(scheme) is None:
            raise ValueError(f"unknown url type: {url!r} (no scheme, such as 'http:')")
        self.type = scheme.lower()
        authority = _AUTHORITY.match(rest)
        if authority is None:
            self.host = ""
            self.selector = rest
        else:
            host, selector = authority.groups()
            self.host = unquote(host) if "%" in host else host
            # "http://host?q" asks for "/?q": a request line needs a path.
            self.selector = selector if selector[:1] in ("/", "") else "/" + selector

    # --- the body ----------------------------------------------------------------------------

    @property
    def data(self) -> Any:
        """The body to send (bytes, a file or an iterable), or ``None``."""
        return self._data

    @data.setter
    def data(self, data: Any) -> None:
        if data is not self._data:
            self._data = data
            # A Content-length computed for the old body would now be wrong.
            self.remove_header("Content-length")

    @data.deleter
    def data(self) -> None:
        self.data = None

    def get_method(self) -> str:
        """The HTTP method: ``method`` if set, else POST with data and GET without."""
        method: str | None = getattr(self, "method", None)
        if method is not None:
            return method
        return "POST" if self._data is not None else "GET"

    # --- headers -----------------------------------------------------------------------------

    def add_header(self, key: str, val: Any) -> None:
        """Set header ``key`` (stored as ``key.capitalize()``), replacing any earlier value.

        As in urllib2, the name and value are checked when the request is sent, not here.
        """
        self.headers[key.capitalize()] = val

    def add_unredirected_header(self, key: str, val: Any) -> None:
        """Set a header that is not carried over to a redirected request."""
        self.unredirected_hdrs[key.capitalize()] = val

    def has_header(self, header_name: str) -> bool:
        """Whether the header is set, as a regular or an unredirected header."""
        return header_name in self.headers or header_name in self.unredirected_hdrs

    def get_header(self, header_name: str, default: Any = None) -> Any:
        """The value of a regular or unredirected header, or ``default``."""
        return self.headers.get(header_name, self.unredirected_hdrs.get(header_name, default))

    def remove_header(self, header_name: str) -> None:
        """Remove a header, regular or unredirected."""
        self.headers.pop(header_name, None)
        self.unredirected_hdrs.pop(header_name, None)

    def header_items(self) -> list[tuple[str, Any]]:
        """All headers as ``(name, value)`` pairs; regular headers win over unredirected ones."""
        return list({**self.unredirected_hdrs, **self.headers}.items())

    # --- proxies -----------------------------------------------------------------------------

    def set_proxy(self, host: str, type: str) -> None:
        """Route the request through proxy ``host`` of scheme ``type``.

        The selector becomes the original URL; for ``https`` the original host is kept for a
        ``CONNECT`` tunnel instead.
        """
        if self._origin_req_host is None:  # the origin's host, not the proxy's (http.cookiejar)
            self._origin_req_host = self.origin_req_host
        if self.type == "https" and not self._tunnel_host:
            self._tunnel_host = self.host
        else:
            self.type = type
            self.selector = self._full_url  # the fragment stays with the client, proxy or not
        self.host = host

    def has_proxy(self) -> bool:
        """Whether the request goes through a proxy that is sent the full URL."""
        return self.selector == self._full_url

    # --- RFC 2965 ----------------------------------------------------------------------------

    @property
    def origin_req_host(self) -> str:
        """The request-host of the origin transaction (by default, this URL's host without port)."""
        if self._origin_req_host is None:
            host = self.host or str(self.get_header("Host", ""))
            return _PORT.sub("", host, count=1).lower()
        return self._origin_req_host

    @origin_req_host.setter
    def origin_req_host(self, value: str | None) -> None:
        self._origin_req_host = value

    # --- urllib2's accessors -----------------------------------------------------------------

    def get_full_url(self) -> str:
        """Return the URL given in the constructor (or set since)."""
        return self.full_url

    def get_type(self) -> str:
        """Return the URL's scheme."""
        return self.type

    def get_host(self) -> str:
        """Return the host to which a connection will be made."""
        return self.host

    def get_selector(self) -> str:
        """Return the part of the URL that is sent to the server."""
        return self.selector

    def add_data(self, data: Any) -> None:
        """Set the body (urllib2's spelling of ``request.data = data``)."""
        self.data = data

    def has_data(self) -> bool:
        """Whether the request has a body."""
        return self._data is not None

    def get_data(self) -> Any:
        """Return the body."""
        return self._data

    def get_origin_req_host(self) -> str:
        """Return the request-host of the origin transaction."""
        return self.origin_req_host

    def is_unverifiable(self) -> bool:
        """Whether the request is unverifiable in the RFC 2965 sense."""
        return self.unverifiable

    def __repr__(self) -> str:
        return f"<Request {self.get_method()} {self.full_url!r}>"
