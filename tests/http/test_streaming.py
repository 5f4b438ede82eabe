"""Responses stream from the socket: a large body never sits in memory."""

from __future__ import annotations

import socket
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, ScriptedServer, read_request

TIMEOUT = 10
MIB = 1024 * 1024
SIZE = 32 * MIB
BLOCK = b"\xab" * MIB


def _read_in_blocks(response: object, block: int) -> int:
    total = 0
    while data := response.read(block):  # type: ignore[attr-defined]
        total += len(data)
    return total


@pytest.fixture
def measured() -> Iterator[Callable[[], int]]:
    tracemalloc.start()
    yield lambda: tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()


def test_large_body_with_a_length_streams(
    opener: urlplug.OpenerDirector,
    scripted_server: Callable[..., ScriptedServer],
    measured: Callable[[], int],
) -> None:
    def large(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % SIZE)
        for _ in range(SIZE // MIB):
            sock.sendall(BLOCK)

    server = scripted_server(large)
    with opener.open(server.url("/big"), timeout=TIMEOUT) as response:
        assert _read_in_blocks(response, 64 * 1024) == SIZE
    assert measured() < 4 * MIB


def test_large_chunked_body_streams(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, measured: Callable[[], int]
) -> None:
    http_server.routes["/chunked"] = lambda seen: Reply(200, [], (BLOCK for _ in range(SIZE // MIB)))
    with opener.open(http_server.url("/chunked"), timeout=TIMEOUT) as response:
        assert _read_in_blocks(response, 64 * 1024) == SIZE
    assert measured() < 8 * MIB


def test_readinto_fills_a_caller_buffer(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/bytes"] = lambda seen: Reply(200, [], bytes(range(256)) * 64)
    buffer = bytearray(1000)
    received = bytearray()
    with opener.open(http_server.url("/bytes"), timeout=TIMEOUT) as response:
        while n := response.readinto(buffer):
            received += buffer[:n]
    assert received == bytes(range(256)) * 64


def test_lines_can_be_iterated(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/lines"] = lambda seen: Reply(200, [], b"one\ntwo\nthree")
    with opener.open(http_server.url("/lines"), timeout=TIMEOUT) as response:
        assert list(response) == [b"one\n", b"two\n", b"three"]


def test_read_minus_one_stops_at_the_end_of_the_body(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    with opener.open(http_server.url("/whole"), timeout=TIMEOUT) as response:
        assert response.read(-1) == b"GET /whole"
    with opener.open(http_server.url("/again"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /again"
    assert http_server.connections == 1
