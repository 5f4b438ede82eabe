"""Loopback HTTP(S) servers for the tests: routes, a record of requests, and connection counts."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

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
    server: LoopbackHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(length) if length else b""
        seen = Seen(
            self.command, self.path, {k: v for k, v in self.headers.items()}, body, self.connection_number
        )
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
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
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
        name = host or self.server_address[0]
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
def https_server(server_tls: ssl.SSLContext) -> Iterator[LoopbackHTTPServer]:
    """An HTTPS server on 127.0.0.1 whose certificate (for localhost and 127.0.0.1) ``ca`` signed."""
    server = LoopbackHTTPServer(tls=server_tls).start()
    yield server
    server.stop()
