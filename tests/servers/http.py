"""Loopback HTTP(S) servers for the tests: routes, a record of requests, and connection counts."""

from __future__ import annotations

import contextlib
import errno
import http.server
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self

import pytest


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int  # which accepted connection carried it (1, 2, ...)


@dataclass
class Reply:
    """What a route answers: status, headers and body (``body`` may be an iterator of chunks)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterator[bytes] = b""
    reason: str | None = None


Route = Callable[[Seen], Reply]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the head and body go out in separate writes
    server: LoopbackHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, self.path, dict(self.headers.items()), body, self.connection_number)
        self.server.seen.append(seen)
        route = self.server.routes.get(self.path.split("?")[0], self.server.default_route)
        reply = route(seen)
        self.send_response(reply.status, reply.reason)
        names = {name.lower() for name, _ in reply.headers}
        for name, value in reply.headers:
            self.send_header(name, value)
        if isinstance(reply.body, bytes | bytearray):
            if "content-length" not in names and "transfer-encoding" not in names:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in reply.body:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        if any(k.lower() == "connection" and v.lower() == "close" for k, v in reply.headers):
            self.close_connection = True

    def _read_chunked(self) -> bytes:
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

    def setup(self) -> None:
        with self.server.lock:
            self.server.connections += 1
            self.connection_number = self.server.connections
        super().setup()


def _ok(seen: Seen) -> Reply:
    return Reply(200, [("Content-Type", "text/plain")], f"{seen.method} {seen.path}".encode())


class LoopbackHTTPServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP/1.1 keep-alive server on 127.0.0.1 with a route table.

    ``routes`` maps a path (without query) to a function ``Seen -> Reply``; other paths answer
    ``200 "<METHOD> <path>"``. ``seen`` lists every request, ``connections`` counts accepted
    connections (so tests can prove reuse).
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), _Handler)
        self.tls = tls
        self.routes: dict[str, Route] = {}
        self.default_route: Route = _ok
        self.seen: list[Seen] = []
        self.connections = 0
        self.lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients that hang up are normal
        pass

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str = "/", host: str | None = None) -> str:
        scheme = "https" if self.tls is not None else "http"
        name = host or str(self.server_address[0])
        if ":" in name:
            name = f"[{name}]"
        return f"{scheme}://{name}:{self.port}{path}"

    def start(self) -> LoopbackHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)


@pytest.fixture
def http_server() -> Iterator[LoopbackHTTPServer]:
    """A plain HTTP server on 127.0.0.1."""
    server = LoopbackHTTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def other_http_server() -> Iterator[LoopbackHTTPServer]:
    """A second plain HTTP server on 127.0.0.1: another origin (another port) than ``http_server``."""
    server = LoopbackHTTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def https_server(server_tls: ssl.SSLContext) -> Iterator[LoopbackHTTPServer]:
    """An HTTPS server on 127.0.0.1 whose certificate (for localhost and 127.0.0.1) ``ca`` signed."""
    server = LoopbackHTTPServer(tls=server_tls).start()
    yield server
    server.stop()


# --- raw servers for misbehaviour -------------------------------------------------------------

Script = Callable[[socket.socket, int], None]


class ScriptedServer:
    """A TCP server on 127.0.0.1 whose every connection runs ``script(sock, number)``.

    The script reads and writes raw bytes, so tests can truncate, drip, stall or close at will.
    ``connections`` counts accepted connections; the socket is closed when the script returns.
    """

    def __init__(self, script: Script, tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.tls = tls
        self.connections = 0
        self.finished = 0  # connections whose script returned and whose socket is closed
        self.errors: list[BaseException] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
                self._open.append(sock)
            thread = threading.Thread(target=self._run, args=(sock, number), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, sock: socket.socket, number: int) -> None:
        try:
            sock.settimeout(5)
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            self.script(sock, number)
        except OSError:
            pass  # the client hung up: normal for these tests
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            sock.close()
            with self._lock:
                self.finished += 1

    def wait_finished(self, count: int, timeout: float = 5.0) -> None:
        """Wait until ``count`` connections have been served and closed by the server."""
        deadline = time.monotonic() + timeout
        while self.finished < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server finished {self.finished} connections, not {count}")
            time.sleep(0.005)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)


def read_request(sock: socket.socket) -> bytes:
    """Read one request head (and a ``Content-Length`` body) from ``sock``; ``b""`` at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            while len(body) < int(value):
                body += sock.recv(65536)
    return data


@pytest.fixture
def scripted_server() -> Iterator[Callable[..., ScriptedServer]]:
    """``start(script, tls=None)`` starts a :class:`ScriptedServer`; all are stopped afterwards."""
    started: list[ScriptedServer] = []

    def start(script: Script, tls: ssl.SSLContext | None = None) -> ScriptedServer:
        server = ScriptedServer(script, tls).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# --- a small forward proxy --------------------------------------------------------------------


@dataclass
class ProxySeen:
    """One request as the proxy received it."""

    method: str
    target: str
    headers: dict[str, str]


class ForwardProxy(ScriptedServer):
    """An HTTP proxy on 127.0.0.1: ``CONNECT`` tunnels and absolute-form requests it answers itself.

    With ``credentials`` set, a request without ``Proxy-Authorization: <credentials>`` gets
    ``407`` with ``Proxy-Authenticate: Basic realm="proxy"`` and a body. ``seen`` records requests.
    Absolute-form requests are answered ``200 "proxied <METHOD> <URL>"`` without contacting anyone.
    """

    def __init__(self, credentials: str | None = None) -> None:
        super().__init__(self._serve)
        self.credentials = credentials
        self.seen: list[ProxySeen] = []

    def _serve(self, sock: socket.socket, number: int) -> None:
        while data := read_request(sock):
            head = data.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in head[1:])
            self.seen.append(ProxySeen(method, target, headers))
            refusal = self.refuse(method, target, headers, number)
            if refusal is not None:
                sock.sendall(refusal)
                continue
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
                sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                relay(sock, upstream)
                return
            body = f"proxied {method} {target}".encode()
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    def refuse(self, method: str, target: str, headers: dict[str, str], number: int) -> bytes | None:
        """The ``407`` to answer a request without the right credentials with, or ``None``."""
        if self.credentials is None or headers.get("Proxy-Authorization") == self.credentials:
            return None
        body = b"proxy authentication required"
        return (
            b"HTTP/1.1 407 Proxy Authentication Required\r\n"
            b'Proxy-Authenticate: Basic realm="proxy"\r\n'
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )


def relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways between ``client`` and ``upstream`` until both ends are done."""

    def pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join(5)
    upstream.close()


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    """An open :class:`ForwardProxy`."""
    proxy = ForwardProxy().start()
    yield proxy
    proxy.stop()


@pytest.fixture
def auth_proxy() -> Iterator[ForwardProxy]:
    """A :class:`ForwardProxy` that wants ``Proxy-Authorization: Basic dXNlcjpwYXNz`` (user:pass)."""
    proxy = ForwardProxy("Basic dXNlcjpwYXNz").start()
    yield proxy
    proxy.stop()


# --- a server that accepts nothing ------------------------------------------------------------


class FullListener:
    """A listening socket on 127.0.0.1 whose backlog is full and that never accepts.

    The kernel drops further connection attempts, so a client's connect waits until its timeout:
    a real connect timeout on loopback. ``url(path, scheme)`` points at it.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=0)
        self._fillers: list[socket.socket] = []
        self._fill()

    def _fill(self) -> None:
        """Connect until an attempt is left waiting: the backlog is then full."""
        address = self._listener.getsockname()
        for _ in range(16):
            filler = socket.socket()
            filler.setblocking(False)
            self._fillers.append(filler)
            if filler.connect_ex(address) not in (0, errno.EINPROGRESS):
                raise OSError(f"could not fill the backlog of {address}")
            _, writable, _ = select.select([], [filler], [], 0.05)
            if not writable:
                return
        raise OSError(f"the backlog of {address} never filled up")

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        for sock in [*self._fillers, self._listener]:
            sock.close()


@pytest.fixture
def full_listener() -> Iterator[FullListener]:
    """A :class:`FullListener`: connecting to it times out."""
    listener = FullListener()
    yield listener
    listener.close()
