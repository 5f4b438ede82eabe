"""``CONNECT`` tunnels through an HTTP proxy, with the proxy's refusal kept as a response.

``http.client`` turns a refused ``CONNECT`` into an ``OSError`` and drops the status, headers and body;
a ``407`` must instead reach the opener's error stage so that a proxy authentication handler can answer
it and retry.
"""

from __future__ import annotations

import http.client
from typing import TYPE_CHECKING

from urlplug.validate import check_header

from .response import HTTPResponse

if TYPE_CHECKING:
    import socket


def split_hostport(hostport: str, default_port: int) -> tuple[str, int]:
    """``("host", port)`` from ``host[:port]`` (IPv6 addresses in brackets), as ``http.client`` reads it."""
    host, colon, port = hostport.rpartition(":")
    if not colon or "]" in port:
        host, port = hostport, ""
    if host[:1] == "[" and host[-1:] == "]":
        host = host[1:-1]
    if not port:
        return host, default_port
    if not port.isascii() or not port.isdigit():
        raise http.client.InvalidURL(f"nonnumeric port: {port!r}")
    return host, int(port)


def request_tunnel(
    sock: socket.socket, target: str, proxy_authorization: str | None, debuglevel: int = 0
) -> HTTPResponse:
    """Ask the proxy at the other end of ``sock`` for a tunnel to ``target`` (``host[:port]``).

    Returns the proxy's answer: a 2xx answer has no body and the tunnel is open on ``sock``; any
    other status is a complete response (read its body, then close it) and the socket is done.
    """
    host, port = split_hostport(target, 443)
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy_authorization is not None:
        check_header("Proxy-Authorization", proxy_authorization)
        lines.append(f"Proxy-Authorization: {proxy_authorization}")
    message = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    if debuglevel > 0:
        print("send:", repr(message))
    sock.sendall(message)
    answer = HTTPResponse(sock, debuglevel, method="CONNECT")
    try:
        answer.begin()
    except BaseException:
        answer.close()
        raise
    if not 200 <= answer.status < 300:
        answer.will_close = True
    return answer
