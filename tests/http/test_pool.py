"""The keep-alive pool: reuse, what is never reused, retries, limits, close, forks."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from collections.abc import Callable, Iterator

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, ScriptedServer, Seen, read_request
from urlplug_http import ConnectionPool, HTTPHandler, HTTPSHandler

TIMEOUT = 5
Start = Callable[..., ScriptedServer]


def fetch(opener: urlplug.OpenerDirector, url: str, **kwargs: object) -> bytes:
    with opener.open(url, timeout=TIMEOUT, **kwargs) as response:
        return response.read()  # type: ignore[no-any-return]


def test_sequential_requests_share_one_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    for n in range(5):
        assert fetch(opener, http_server.url(f"/{n}")) == f"GET /{n}".encode()
    assert http_server.connections == 1


def test_https_requests_share_one_connection(
    tls_opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer
) -> None:
    for _ in range(3):
        fetch(tls_opener, https_server.url("/s"))
    assert https_server.connections == 1


def test_posts_share_the_connection(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    for n in range(3):
        fetch(opener, http_server.url("/p"), data=b"n=%d" % n)
    assert [s.body for s in http_server.seen] == [b"n=0", b"n=1", b"n=2"]
    assert http_server.connections == 1


def test_chunked_response_read_to_the_end_frees_the_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/chunks"] = lambda seen: Reply(200, [], iter([b"ab", b"cd", b"ef"]))
    for _ in range(3):
        assert fetch(opener, http_server.url("/chunks")) == b"abcdef"
    assert http_server.connections == 1


def test_bodyless_responses_free_the_connection_at_once(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/none"] = lambda seen: Reply(204)
    for _ in range(3):
        opener.open(http_server.url("/none"), timeout=TIMEOUT)  # never read, never closed
        opener.open(urlplug.Request(http_server.url("/h"), method="HEAD"), timeout=TIMEOUT)
    assert http_server.connections == 1


def test_unread_response_keeps_its_connection_out_of_the_pool(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    first = opener.open(http_server.url("/a"), timeout=TIMEOUT)
    fetch(opener, http_server.url("/b"))
    assert http_server.connections == 2
    assert first.read() == b"GET /a"
    first.close()


def test_response_closed_before_the_end_is_not_reused(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    with opener.open(http_server.url("/long"), timeout=TIMEOUT) as response:
        response.read(2)
    fetch(opener, http_server.url("/next"))
    assert http_server.connections == 2


def test_response_read_to_the_end_without_close_is_reused(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    response = opener.open(http_server.url("/x"), timeout=TIMEOUT)
    while response.read(3):
        pass
    fetch(opener, http_server.url("/y"))
    assert http_server.connections == 1
    response.close()


def test_connection_close_from_the_server_is_honoured(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/bye"] = lambda seen: Reply(200, [("Connection", "close")], b"bye")
    for _ in range(2):
        assert fetch(opener, http_server.url("/bye")) == b"bye"
    assert http_server.connections == 2


def test_http_1_0_without_keep_alive_is_not_reused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def old(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = scripted_server(old)
    for _ in range(2):
        assert fetch(opener, server.url()) == b"ok"
    assert server.connections == 2


def test_http_1_0_with_keep_alive_is_reused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    def old(sock: socket.socket, number: int) -> None:
        while read_request(sock):
            sock.sendall(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok")

    server = scripted_server(old)
    for _ in range(3):
        assert fetch(opener, server.url()) == b"ok"
    assert server.connections == 1


def test_truncated_response_connection_is_not_reused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        while read_request(sock):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
            sock.shutdown(socket.SHUT_WR)

    server = scripted_server(script)
    for _ in range(2):
        with (
            opener.open(server.url(), timeout=TIMEOUT) as response,
            pytest.raises(http.client.IncompleteRead),
        ):
            response.read()
    assert server.connections == 2


# --- a server that closes kept-alive connections ------------------------------------------------


def closes_after_each_response(sock: socket.socket, number: int) -> None:
    """Answers one request and closes, without saying so: the next reuse finds a dead socket."""
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\nconn %d" % (len(b"conn %d" % number), number))


def test_get_on_a_connection_closed_between_requests_succeeds(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(closes_after_each_response)
    assert fetch(opener, server.url()) == b"conn 1"
    server.wait_finished(1)
    assert fetch(opener, server.url()) == b"conn 2"


def test_post_on_a_connection_closed_between_requests_succeeds(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(closes_after_each_response)
    assert fetch(opener, server.url(), data=b"1") == b"conn 1"
    server.wait_finished(1)
    assert fetch(opener, server.url(), data=b"2") == b"conn 2"


def drops_reused_requests(requests: list[tuple[int, bytes]]) -> Callable[[socket.socket, int], None]:
    """Answers the first request on a connection; reads the next one and hangs up without a word."""

    def script(sock: socket.socket, number: int) -> None:
        data = read_request(sock)
        requests.append((number, data.split(b" ", 1)[0]))
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        data = read_request(sock)
        if data:
            requests.append((number, data.split(b" ", 1)[0]))

    return script


def test_idempotent_request_is_retried_once_on_a_fresh_connection(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    requests: list[tuple[int, bytes]] = []
    server = scripted_server(drops_reused_requests(requests))
    fetch(opener, server.url())
    assert fetch(opener, urlplug.Request(server.url(), data=b"x", method="PUT")) == b"ok"  # type: ignore[arg-type]
    assert requests == [(1, b"GET"), (1, b"PUT"), (2, b"PUT")]


def test_post_is_never_retried(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    requests: list[tuple[int, bytes]] = []
    server = scripted_server(drops_reused_requests(requests))
    fetch(opener, server.url())
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(opener, server.url(), data=b"pay once")
    assert requests == [(1, b"GET"), (1, b"POST")]


def test_request_with_a_streamed_body_is_never_retried(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    requests: list[tuple[int, bytes]] = []
    server = scripted_server(drops_reused_requests(requests))
    fetch(opener, server.url())
    with pytest.raises(OSError):  # the send or the response fails: either way, never sent again
        fetch(opener, urlplug.Request(server.url(), data=iter([b"a", b"b"]), method="PUT"))  # type: ignore[arg-type]
    assert requests == [(1, b"GET"), (1, b"PUT")]


def test_fresh_connection_failure_is_not_retried(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def hang_up(sock: socket.socket, number: int) -> None:
        read_request(sock)

    server = scripted_server(hang_up)
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(opener, server.url())
    assert server.connections == 1


def test_failure_after_response_bytes_is_not_retried(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200")

    server = scripted_server(script)
    fetch(opener, server.url())
    with pytest.raises(http.client.HTTPException, match="middle of the response head"):
        fetch(opener, server.url())
    assert server.connections == 1


# --- timeouts on kept-alive connections -------------------------------------------------------


def test_each_request_timeout_applies_to_a_reused_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    def slow(seen: Seen) -> Reply:
        time.sleep(0.5)
        return Reply(200, [], b"late")

    http_server.routes["/slow"] = slow
    fetch(opener, http_server.url("/fast"))
    with pytest.raises(TimeoutError):
        opener.open(http_server.url("/slow"), timeout=0.1)
    assert fetch(opener, http_server.url("/slow")) == b"late"


# --- limits and keys ----------------------------------------------------------------------------


def test_idle_connections_older_than_the_limit_are_dropped(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    opener = make_opener(HTTPHandler(pool=ConnectionPool(idle_timeout=0)))
    for _ in range(3):
        fetch(opener, http_server.url("/"))
        time.sleep(0.001)
    assert http_server.connections == 3


def test_no_idle_connections_are_kept_with_max_per_key_zero(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    pool = ConnectionPool(max_per_key=0)
    opener = make_opener(HTTPHandler(pool=pool))
    for _ in range(2):
        fetch(opener, http_server.url("/"))
    assert http_server.connections == 2
    assert len(pool) == 0


def test_total_idle_connections_are_bounded(
    make_opener: Callable[..., urlplug.OpenerDirector],
    http_server: LoopbackHTTPServer,
    scripted_server: Start,
) -> None:
    pool = ConnectionPool(max_total=1)
    opener = make_opener(HTTPHandler(pool=pool))
    other = LoopbackHTTPServer().start()
    try:
        fetch(opener, http_server.url("/"))
        fetch(opener, other.url("/"))
        assert len(pool) == 1
    finally:
        other.stop()


def test_idle_connections_per_key_are_bounded(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    pool = ConnectionPool(max_per_key=2)
    opener = make_opener(HTTPHandler(pool=pool))
    responses = [opener.open(http_server.url(f"/{n}"), timeout=TIMEOUT) for n in range(4)]
    for response in responses:
        response.read()
        response.close()
    assert http_server.connections == 4
    assert len(pool) == 2


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        ConnectionPool(max_per_key=-1)


def test_tls_contexts_do_not_share_connections(
    make_opener: Callable[..., urlplug.OpenerDirector], https_server: LoopbackHTTPServer, ca: object
) -> None:
    pool = ConnectionPool()
    contexts = []
    for _ in range(2):
        context = ssl.create_default_context()
        ca.configure_trust(context)  # type: ignore[attr-defined]
        contexts.append(context)
    openers = [make_opener(HTTPSHandler(context=c, pool=pool)) for c in contexts]
    for opener in openers * 2:
        fetch(opener, https_server.url("/"))
    assert https_server.connections == 2


def test_one_pool_can_serve_two_handlers(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    pool = ConnectionPool()
    for _ in range(2):
        fetch(make_opener(HTTPHandler(pool=pool)), http_server.url("/"))
    assert http_server.connections == 1


# --- closing ----------------------------------------------------------------------------------


def test_opener_close_closes_idle_connections(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    handler = HTTPHandler()
    opener = make_opener(handler)
    fetch(opener, http_server.url("/"))
    assert len(handler.pool) == 1
    opener.close()
    assert len(handler.pool) == 0


def test_connection_in_use_at_close_is_closed_when_done(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    handler = HTTPHandler()
    opener = make_opener(handler)
    response = opener.open(http_server.url("/"), timeout=TIMEOUT)
    opener.close()
    assert response.read() == b"GET /"
    response.close()
    assert len(handler.pool) == 0


def test_pool_works_again_after_close(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    handler = next(h for h in opener.handlers if isinstance(h, HTTPHandler))
    fetch(opener, http_server.url("/"))
    handler.pool.close()
    fetch(opener, http_server.url("/"))
    fetch(opener, http_server.url("/"))
    assert http_server.connections == 2


# --- forks --------------------------------------------------------------------------------------


@pytest.fixture
def forking() -> Iterator[None]:
    if not hasattr(os, "fork"):
        pytest.skip("no fork() on this platform")
    yield


@pytest.mark.usefixtures("forking")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_does_not_share_the_parents_connections(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    fetch(opener, http_server.url("/parent"))
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report which connection served it, then leave at once
        code = 1
        try:
            fetch(opener, http_server.url("/child"))
            code = 0
        finally:
            os.write(writer, bytes([code]))
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        assert pipe.read() == b"\x00"
    os.waitpid(pid, 0)
    fetch(opener, http_server.url("/parent-again"))
    by_path = {seen.path: seen.connection for seen in http_server.seen}
    assert by_path["/child"] != by_path["/parent"]
    assert by_path["/parent-again"] == by_path["/parent"]


def test_tls_connection_closed_between_requests_is_replaced(
    tls_opener: urlplug.OpenerDirector, scripted_server: Start, server_tls: ssl.SSLContext
) -> None:
    server = scripted_server(closes_after_each_response, tls=server_tls)
    assert fetch(tls_opener, server.url()) == b"conn 1"
    server.wait_finished(1)
    assert fetch(tls_opener, server.url()) == b"conn 2"


def test_tls_posts_share_the_connection(
    tls_opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer
) -> None:
    for n in range(3):
        fetch(tls_opener, https_server.url("/p"), data=b"n=%d" % n)
    assert https_server.connections == 1


def test_switching_protocols_connection_is_not_reused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def upgrade(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")

    server = scripted_server(upgrade)
    for _ in range(2):
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(server.url(), timeout=TIMEOUT)
        caught.value.close()
        assert caught.value.code == 101
    assert server.connections == 2
