"""The pooled HTTP(S) transport: get a connection, send a request on it, read the response head.

``AbstractHTTPHandler.do_open`` hands every request for ``http.client``'s own connection classes here;
this module is imported by the first request, with ``http.client``. One route serves every request:

1. :func:`request_head` turns the request into the bytes of its head (refusing what cannot be sent
   before any connection is taken);
2. :func:`open_pooled` takes an idle connection from the pool (polled: one with bytes waiting or
   closed by the server is dropped) or makes one with :func:`connect` (through a ``CONNECT``
   tunnel for HTTPS through a proxy, or over a socket from a :class:`Dial`, such as a SOCKS proxy's);
3. :func:`send` writes the head and the body;
4. the :class:`~urlplug_http.response.HTTPResponse` reads the head, holding the connection's
   :class:`~urlplug_http.pool.Lease` from the start: it gives the connection back once its body
   is read to the end, or closes it.

``http.client`` connects (``connect()``, TLS with SNI, its audit events); urlplug writes the request
itself, as ``http.client`` would byte for byte, because every header was checked just before.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import socket
import sys
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from urlplug import Timeout, URLTimeoutError
from urlplug.errors import url_error
from urlplug.validate import check_header

from .pool import ConnectionPool, Lease
from .response import HTTPResponse

if TYPE_CHECKING:
    import ssl

    from urlplug import Request

_DEFAULT_TIMEOUT: Any = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
# Methods that may be sent again when a kept-alive connection turns out to be dead (RFC 9110 9.2.2).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_EXPECTS_BODY = frozenset({"PATCH", "POST", "PUT"})  # sent with Content-Length: 0 when bodiless
_REPLAYABLE = (bytes, bytearray, memoryview)
_TARGET_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")  # as http.client: no controls, no spaces
_BLOCK = 65536


_found_stock: dict[bool, tuple[Any, ...]] = {}  # secure -> the class and methods last found stock


def stock(secure: bool) -> bool:
    """Whether ``http.client``'s connection class for the scheme is its own, unpatched one.

    A class or method put in its place (VCR.py, a test double, ``mock.patch``) is not stock: such
    requests go through ``http.client``'s own ``request()`` and ``getresponse()`` instead.
    """
    cls = http.client.HTTPSConnection if secure else http.client.HTTPConnection
    current = (cls, cls.request, cls.getresponse, cls.send, cls.connect)
    if _found_stock.get(secure) == current:  # the same objects as last time: no need to look closer
        return True
    if cls.__module__ == "http.client" and all(
        getattr(method, "__module__", None) == "http.client" for method in current[1:]
    ):
        _found_stock[secure] = current
        return True
    return False


class Dial(Protocol):
    """Makes the TCP connections of a route that does not dial the origin itself (a SOCKS proxy).

    Called with the origin's host and port and the timeout (seconds, or ``None``), it returns a
    socket connected to the origin; the transport speaks HTTP on it, after TLS for HTTPS (verified
    against the origin's name). It raises ``OSError`` when it cannot connect. Dials that route the
    same way must be equal and hash alike: they are part of the pool's key.
    """

    def __call__(self, host: str, port: int, timeout: float | None) -> socket.socket: ...


class TunnelRefused(Exception):
    """The proxy refused to open a ``CONNECT`` tunnel; ``answer`` is its complete response."""

    def __init__(self, answer: HTTPResponse) -> None:
        super().__init__(f"Tunnel connection failed: {answer.status} {answer.reason}")
        self.answer = answer


# --- the request head --------------------------------------------------------------------------


def request_head(method: str, target: str, headers: dict[str, Any], body: Any) -> bytes:
    """The bytes of the request line and headers, as ``http.client`` would write them.

    ``headers`` are the title-cased headers to send, already checked for control characters. As
    ``http.client`` does, the head asks for ``Accept-Encoding: identity`` unless the request names
    an encoding, and a bodiless POST, PUT or PATCH says ``Content-Length: 0``. Raises
    ``http.client.InvalidURL`` for a target with spaces or control characters and ``ValueError`` for
    a header value that HTTP cannot carry (outside latin-1).
    """
    target = target or "/"  # "http://host:8080" asks for the root
    if _TARGET_FORBIDDEN.search(target) is not None:
        raise http.client.InvalidURL(f"URL can't contain control characters. {target!r}")
    if not target.isascii():
        target.encode("ascii")  # UnicodeEncodeError, as http.client raises it
    lines = [f"{method} {target} HTTP/1.1\r\n"]
    if "Accept-Encoding" not in headers:
        lines.append("Accept-Encoding: identity\r\n")
    if body is None and method in _EXPECTS_BODY and "Content-Length" not in headers:
        lines.append("Content-Length: 0\r\n")
    for name, value in headers.items():
        lines.append(f"{name}: {value}\r\n" if type(value) is str else _line(name, value))
    lines.append("\r\n")
    text = "".join(lines)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return _encode_slowly(lines)


def _line(name: str, value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return f"{name}: {bytes(value).decode('latin-1')}\r\n"
    return f"{name}: {value}\r\n"


def _encode_slowly(lines: list[str]) -> bytes:
    """Encode a head with a character outside latin-1: a ``Host`` by IDNA, anything else refused."""
    request_line, *fields = lines
    encoded = [request_line.encode("ascii")]  # UnicodeEncodeError for a non-ASCII target, as http.client
    for line in fields:
        try:
            encoded.append(line.encode("latin-1"))
        except UnicodeEncodeError:
            name, _, value = line.partition(": ")
            if name == "Host":
                try:
                    encoded.append(b"Host: " + _idna(value.strip()) + b"\r\n")
                    continue
                except UnicodeError:
                    pass
            raise ValueError(
                f"header {name!r} cannot be sent: its value {value.strip()!r} is not latin-1 text "
                "(HTTP headers carry latin-1; encode the value, e.g. with RFC 8187 or percent-encoding)"
            ) from None
    return b"".join(encoded)


def _idna(authority: str) -> bytes:
    """An international ``host[:port]`` as the ASCII name DNS and servers know it."""
    host, colon, port = authority.rpartition(":")
    if not colon or not port.isdigit():
        host, colon, port = authority, "", ""
    return host.encode("idna") + (f":{port}".encode() if colon else b"")


def content_length(data: Any, method: str) -> int | None:
    """The size of a request body: bytes-like objects and seekable binary files; else ``None``.

    No body is a length of 0 for the methods that expect one (POST, PUT, PATCH), as in ``http.client``.
    """
    if data is None:
        return 0 if method.upper() in _EXPECTS_BODY else None
    if hasattr(data, "read"):
        return _file_length(data)
    try:
        return memoryview(data).nbytes
    except TypeError:
        return None


def _file_length(file: Any) -> int | None:
    if isinstance(file, io.TextIOBase):
        return None
    try:
        if not file.seekable():
            return None
        position: int = file.tell()
        size: int = file.seek(0, os.SEEK_END)
        file.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return max(size - position, 0)


# --- sending -----------------------------------------------------------------------------------


def send(conn: http.client.HTTPConnection, head: bytes, body: Any, chunked: bool) -> None:
    """Write ``head`` and ``body`` on ``conn``'s (connected) socket.

    ``body`` is ``None``, bytes-like, a binary or text file (read in blocks) or an iterable of
    bytes; ``chunked`` frames it in chunks. Text is sent as latin-1, as ``http.client`` does.
    """
    sock = conn.sock
    assert sock is not None
    debug = conn.debuglevel > 0
    if type(body) is bytes and not chunked:
        head += body  # one send: no delayed-ACK wait between head and body
        body = None
    _write(conn, sock, head, debug)
    if body is None:
        return
    if isinstance(body, _REPLAYABLE) and not chunked:
        _write(conn, sock, body, debug)
        return
    for block in _blocks(body):
        if chunked:
            if block:  # an empty chunk would end the body
                _write(conn, sock, b"%X\r\n%s\r\n" % (len(block), block), debug)
        else:
            _write(conn, sock, block, debug)
    if chunked:
        _write(conn, sock, b"0\r\n\r\n", debug)


def _write(conn: http.client.HTTPConnection, sock: socket.socket, data: Any, debug: bool) -> None:
    if debug:
        print("send:", repr(data))
    sys.audit("http.client.send", conn, data)  # what http.client's own send reports
    sock.sendall(data)


def _blocks(body: Any) -> Any:
    """The body's bytes in blocks: a file read ``_BLOCK`` at a time, an iterable as it comes."""
    if isinstance(body, _REPLAYABLE):
        yield bytes(body)
        return
    read = getattr(body, "read", None)
    if read is not None:
        while block := read(_BLOCK):
            yield block.encode("iso-8859-1") if isinstance(block, str) else block
        return
    for block in body:
        yield block.encode("iso-8859-1") if isinstance(block, str) else bytes(block)


# --- the pooled route --------------------------------------------------------------------------


def open_pooled(
    pool: ConnectionPool,
    req: Request,
    headers: dict[str, Any],
    proxy_authorization: str | None,
    secure: bool,
    context: ssl.SSLContext | None,
    debuglevel: int | None,
    dial: Dial | None = None,
) -> HTTPResponse:
    """Send ``req`` (with the checked, title-cased ``headers``) on a pooled connection; its response.

    New connections come from ``dial`` when given (see :class:`Dial`), else from ``req.host``.
    Raises :class:`TunnelRefused` when a proxy refuses the tunnel, ``URLError`` when the request
    cannot be sent, ``URLTimeoutError`` when a time limit runs out, and ``http.client.HTTPException``
    (or ``OSError``) when the response head is bad. A :class:`~urlplug.Timeout` as ``req.timeout``
    bounds connecting by its ``connect``, sending and each wait for the response by its ``read``,
    and all of it, the body's reads included, by what is left of its ``total``.
    """
    host = req.host
    method = req.get_method()
    body = req.data
    if body is not None and "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        # A body set after the request stage (by a later plugin): framed as http.client would.
        length = content_length(body, method)
        headers["Content-Length" if length is not None else "Transfer-Encoding"] = (
            str(length) if length is not None else "chunked"
        )
    head = request_head(method, req.selector, headers, body)  # refused here, before any connection
    chunked = "Transfer-Encoding" in headers
    tunnel = req._tunnel_host
    key: Hashable = (secure, host, context, tunnel, req.has_proxy(), dial)
    replayable = method in _IDEMPOTENT and (body is None or isinstance(body, _REPLAYABLE))
    timeout = req.timeout
    limits = timeout if isinstance(timeout, Timeout) else None

    conn = pool.get(key)
    if conn is not None:
        if limits is not None:
            _limit_reads(conn, limits)
        elif conn.timeout != timeout:
            conn.sock.settimeout(socket.getdefaulttimeout() if timeout is _DEFAULT_TIMEOUT else timeout)
            conn.timeout = timeout
        response = _exchange(pool, key, conn, head, body, chunked, method, limits, retry=replayable)
        if response is not None:
            return response
    connect_timeout = timeout if limits is None else limits.connect_timeout()
    conn = connect(secure, host, tunnel, context, connect_timeout, proxy_authorization, debuglevel, dial)
    if limits is not None:
        _limit_reads(conn, limits)
    response = _exchange(pool, key, conn, head, body, chunked, method, limits, retry=False)
    assert response is not None
    return response


def _limit_reads(conn: http.client.HTTPConnection, limits: Timeout) -> None:
    """Give ``conn``'s socket the timeout for sending and reading the head under ``limits``.

    ``conn.timeout`` then holds ``limits``, so that the next request with a plain number resets it.
    A connection whose time has already run out is closed.
    """
    try:
        seconds = limits.read_timeout()
    except URLTimeoutError:
        conn.close()
        raise
    assert conn.sock is not None
    conn.sock.settimeout(seconds)
    conn.timeout = limits  # type: ignore[assignment]


def _exchange(
    pool: ConnectionPool,
    key: Hashable,
    conn: http.client.HTTPConnection,
    head: bytes,
    body: Any,
    chunked: bool,
    method: str,
    limits: Timeout | None,
    retry: bool,
) -> HTTPResponse | None:
    """Send the request on ``conn`` and read the response head.

    With ``retry`` (a kept-alive connection and a request that can be sent again), a connection
    that fails before any byte of the response arrives is closed and ``None`` returned.
    """
    try:
        send(conn, head, body, chunked)
    except OSError as exc:
        conn.close()
        if retry and isinstance(exc, ConnectionError):
            return None
        raise url_error(exc) from exc
    except BaseException:
        conn.close()
        raise
    sock = conn.sock
    assert sock is not None
    response = HTTPResponse(sock, conn.debuglevel, method=method, lease=pool.lease(key, conn), limits=limits)
    try:
        response.begin()
    except http.client.RemoteDisconnected:
        response.close()
        if retry:
            return None
        raise
    except BaseException:
        response.close()
        raise
    return response


# --- new connections ---------------------------------------------------------------------------


def connect(
    secure: bool,
    host: str,
    tunnel: str | None,
    context: ssl.SSLContext | None,
    timeout: Any,
    proxy_authorization: str | None,
    debuglevel: int | None,
    dial: Dial | None = None,
) -> http.client.HTTPConnection:
    """A new connection to ``host``, through the proxy ``host`` to ``tunnel`` for HTTPS, or to
    ``host`` over a socket from ``dial``.

    Raises :class:`TunnelRefused` when the proxy refuses the tunnel and ``URLError`` when the
    connection cannot be made (``URLTimeoutError`` when ``timeout`` runs out).
    """
    conn: http.client.HTTPConnection
    if dial is not None:
        conn = _dialled(dial, secure, host, context, timeout)
    elif not secure:
        conn = http.client.HTTPConnection(host, timeout=timeout)
    elif tunnel is None:
        conn = http.client.HTTPSConnection(host, timeout=timeout, context=context)
    else:
        conn = _through_tunnel(host, tunnel, context, timeout, proxy_authorization, debuglevel)
    if debuglevel is not None:
        conn.set_debuglevel(debuglevel)
    if conn.sock is None:
        try:
            conn.connect()
        except OSError as exc:
            conn.close()
            raise url_error(exc) from exc
    return conn


def _through_tunnel(
    proxy: str,
    target: str,
    context: ssl.SSLContext | None,
    timeout: Any,
    proxy_authorization: str | None,
    debuglevel: int | None,
) -> http.client.HTTPSConnection:
    """An HTTPS connection to ``target`` inside a ``CONNECT`` tunnel through ``proxy``."""
    assert context is not None
    plain = http.client.HTTPConnection(proxy, timeout=timeout)
    if debuglevel is not None:
        plain.set_debuglevel(debuglevel)
    try:
        plain.connect()
        sock, plain.sock = plain.sock, None
    except OSError as exc:
        plain.close()
        raise url_error(exc) from exc
    assert sock is not None
    with _closed_on_failure(sock):
        answer = request_tunnel(sock, target, proxy_authorization, plain.debuglevel)
        if not 200 <= answer.status < 300:
            raise TunnelRefused(answer)
        answer.close()
        origin, port = split_hostport(target, 443)
        conn = http.client.HTTPSConnection(origin, port, timeout=timeout, context=context)
        conn.sock = context.wrap_socket(sock, server_hostname=origin)
    return conn


@contextlib.contextmanager
def _closed_on_failure(sock: socket.socket) -> Iterator[None]:
    """Close ``sock`` when the block fails (an ``OSError`` raised as ``URLError``); a refused tunnel
    keeps it, since the proxy's answer is read from it."""
    try:
        yield
    except TunnelRefused:
        raise
    except OSError as exc:
        sock.close()
        raise url_error(exc) from exc
    except BaseException:
        sock.close()
        raise


def _dialled(
    dial: Dial, secure: bool, host: str, context: ssl.SSLContext | None, timeout: Any
) -> http.client.HTTPConnection:
    """A connection to ``host`` on a socket from ``dial``, with TLS to ``host`` when ``secure``."""
    origin, port = split_hostport(host, 443 if secure else 80)
    conn: http.client.HTTPConnection
    if secure:
        assert context is not None
        conn = http.client.HTTPSConnection(origin, port, timeout=timeout, context=context)
    else:
        context = None
        conn = http.client.HTTPConnection(origin, port, timeout=timeout)
    try:
        sock = dial(origin, port, socket.getdefaulttimeout() if timeout is _DEFAULT_TIMEOUT else timeout)
    except OSError as exc:
        raise url_error(exc) from exc
    with _closed_on_failure(sock):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as http.client's connect()
        conn.sock = context.wrap_socket(sock, server_hostname=origin) if context is not None else sock
    return conn


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
    other status is a complete response that owns the socket (read its body, then close it).
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
    refused_owns_socket = Lease(sock)
    answer = HTTPResponse(sock, debuglevel, method="CONNECT", lease=refused_owns_socket)
    try:
        answer.begin()
    except BaseException:
        answer.close()
        raise
    if 200 <= answer.status < 300:
        refused_owns_socket.keep()  # the tunnel goes on over the socket
    else:
        answer.will_close = True
    return answer
