"""Requests written and responses read directly, for the common requests on stock ``http.client`` connections.

``http.client`` writes a request header by header and checks every name and value again, though the
handler has checked them just before. For a request with a plain method and target, text header
values including ``Host`` and no body or a body of bytes of declared length, :func:`request_head`
builds the bytes ``http.client`` would send, in one pass; :func:`send` and :func:`receive` then do
what ``HTTPConnection.request`` and ``getresponse`` would. Anything else goes through ``http.client``.
"""

from __future__ import annotations

import http.client
import re
import sys
from typing import Any

from .response import HTTPResponse

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"})
_EXPECTS_BODY = frozenset({"PATCH", "POST", "PUT"})  # sent with Content-Length: 0 when bodiless
_BYTES = (bytes, bytearray, memoryview)
_TARGET_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")  # as http.client: no controls, no spaces
# What a stock connection sends and receives with; a class or method patched in later is not stock.
_STOCK = (
    http.client.HTTPConnection.request,
    http.client.HTTPConnection.getresponse,
    http.client.HTTPConnection.send,
)


def is_stock(conn: Any) -> bool:
    """Whether ``conn`` sends and receives as ``http.client`` does, untouched by patches or debugging."""
    cls = type(conn)
    return (
        cls.__module__ == "http.client"
        and (cls.request, cls.getresponse, cls.send) == _STOCK
        and conn.debuglevel <= 0
    )


def request_head(method: str, target: str, headers: dict[str, Any], body: Any) -> bytes | None:
    """The bytes of the request line and headers, or ``None`` when ``http.client`` must write them.

    ``headers`` are the title-cased headers to send, already checked. As ``http.client`` does, the
    head asks for ``Accept-Encoding: identity`` unless the request names an encoding, and a
    bodiless POST, PUT or PATCH says ``Content-Length: 0``.
    """
    if method not in _METHODS or "Host" not in headers or "Transfer-Encoding" in headers:
        return None
    target = target or "/"  # "http://host:8080" asks for the root, as http.client writes it
    if not target.isascii() or _TARGET_FORBIDDEN.search(target) is not None:
        return None  # http.client raises InvalidURL for it
    if body is not None and (not isinstance(body, _BYTES) or "Content-Length" not in headers):
        return None
    lines = [f"{method} {target} HTTP/1.1\r\n"]
    if "Accept-Encoding" not in headers:
        lines.append("Accept-Encoding: identity\r\n")
    if body is None and method in _EXPECTS_BODY and "Content-Length" not in headers:
        lines.append("Content-Length: 0\r\n")
    for name, value in headers.items():
        if type(value) is not str:
            return None
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")


def send(conn: http.client.HTTPConnection, head: bytes, body: Any) -> None:
    """Send a head from :func:`request_head` and its body on ``conn``, connecting it if need be."""
    if conn.sock is None:
        conn.connect()
    sock = conn.sock
    assert sock is not None
    if isinstance(body, bytes):
        head += body  # one send: no delayed-ACK wait between head and body
    sys.audit("http.client.send", conn, head)  # what http.client's own send reports
    sock.sendall(head)
    if body is not None and not isinstance(body, bytes):
        sys.audit("http.client.send", conn, body)
        sock.sendall(body)


def receive(conn: http.client.HTTPConnection, method: str) -> Any:
    """Read the response to what :func:`send` sent, as ``conn.getresponse()`` would."""
    response = HTTPResponse(conn.sock, method=method)
    try:
        response.begin()
    except BaseException:
        response.close()
        raise
    if response.will_close:
        conn.close()  # the response keeps the socket open until its body is read
    return response
