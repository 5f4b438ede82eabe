"""The URL and the ``Request`` a fetch sends: scheme guessing, ``-u``, headers and bodies, as curl does."""

from __future__ import annotations

import argparse
import re
from urllib.parse import quote, urlsplit

from ..request import Request
from ..validate import check_header, check_token
from .args import Data
from .failures import FAILED_INIT, MALFORMED_URL, Failure
from .form import multipart
from .sources import read_source

__all__ = ["make_request", "target_url"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?!\d)")  # "host:8080" is a host and a port
_AUTHORITY_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})
_HOST = re.compile(r"[^\s/?#@]+")
_SPLIT_AUTHORITY = re.compile(r"([^/?#]*)(.*)", re.DOTALL)


def target_url(options: argparse.Namespace) -> str:
    """The URL to open: ``http://`` added when no scheme is given (as curl does), ``-u`` put in it.

    Raises :class:`Failure` (exit 3) for a URL whose authority cannot name a host.
    """
    url: str = options.url
    if "://" not in url and _SCHEME.match(url) is None:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme.lower() in _AUTHORITY_SCHEMES:
        try:
            parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError as exc:
            raise Failure(MALFORMED_URL, f"URL rejected: {exc}: {url}") from None
        host = parts.netloc.rpartition("@")[2]
        if _HOST.fullmatch(host) is None:
            raise Failure(MALFORMED_URL, f"URL rejected: bad host name in {url!r}")
    if options.user is not None:
        url = _with_user(url, options.user)
    return url


def _with_user(url: str, user: str) -> str:
    """``url`` carrying ``-u``'s credentials (they win over any in the URL); the plugins send them."""
    scheme, sep, rest = url.partition("://")
    if not sep:  # no authority to carry credentials (data:, file:/...)
        return url
    name, colon, password = user.partition(":")
    if not colon:
        import getpass

        password = getpass.getpass(f"Enter host password for user '{name}':")
    authority, tail = _SPLIT_AUTHORITY.fullmatch(rest).groups()  # type: ignore[union-attr]
    userinfo = f"{quote(name, safe='')}:{quote(password, safe='')}"
    return f"{scheme}://{userinfo}@{authority.rpartition('@')[2]}{tail}"


def make_request(options: argparse.Namespace, url: str) -> Request:
    """The request the flags describe; :class:`Failure` for a header or body that cannot be sent."""
    headers: dict[str, str] = {}
    data = _body(options.data or [])
    if options.form:
        data, headers["Content-Type"] = multipart(options.form)
    if any(item.kind == "json" for item in options.data or []):
        headers |= {"Content-Type": "application/json", "Accept": "application/json"}
    if options.user_agent is not None:
        headers["User-Agent"] = options.user_agent
    if options.referer is not None:
        headers["Referer"] = options.referer
    for header in options.header:
        name, colon, value = header.partition(":")
        if not colon:
            raise Failure(FAILED_INIT, f"header {header!r} is not of the form 'Name: value'")
        headers[name.strip()] = value.strip()
    try:
        request = Request(url, data=data)
    except ValueError as exc:
        raise Failure(MALFORMED_URL, str(exc)) from None
    method = "HEAD" if options.head and options.method is None else options.method
    try:  # what the command line says to send, refused before anything is sent
        if method is not None:
            check_token(method, "method")
            request.method = method
        for name, value in headers.items():
            check_header(name, value)
            request.add_header(name, value)
    except ValueError as exc:
        raise Failure(FAILED_INIT, str(exc)) from None
    return request


def _body(items: list[Data]) -> bytes | None:
    """The body of every data flag, in order: ``-d`` pieces joined by ``&``, ``--json`` ones end to end."""
    if not items:
        return None
    pieces = [_piece(item) for item in items]
    joiner = b"" if all(item.kind == "json" for item in items) else b"&"
    return joiner.join(pieces)


def _piece(item: Data) -> bytes:
    if item.kind == "raw" or not item.text.startswith("@"):
        return item.text.encode()
    content = read_source(item.text[1:])
    # curl's -d reads a file as text and drops its line breaks; --data-binary and --json keep them.
    return content.replace(b"\r", b"").replace(b"\n", b"") if item.kind == "ascii" else content
