"""Failures before a response head: refused connections, resets, TLS errors; which are retried."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator

import pytest

import urlplug
from tests.servers.daemons import free_port
from tests.servers.http import LoopbackHTTPServer, ScriptedServer, read_request
from urlplug_retry import RetryAttempt, RetryHandler

from .conftest import Sleeps

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfine"

Opener = Callable[..., urlplug.OpenerDirector]
Start = Callable[..., ScriptedServer]


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` with a TCP reset rather than an orderly shutdown."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def reset_first(sock: socket.socket, number: int) -> None:
    """Connection 1 reads the request and resets; later ones answer 200."""
    read_request(sock)
    if number == 1:
        _reset(sock)
        return
    sock.sendall(OK)


class LateServer:
    """Starts listening on a port that refused connections until then: on the first sleep."""

    def __init__(self) -> None:
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.thread: threading.Thread | None = None

    def __call__(self, seconds: float) -> None:
        if self.listener is None:
            self.listener = socket.create_server(("127.0.0.1", self.port))
            self.thread = threading.Thread(target=self._answer_one, daemon=True)
            self.thread.start()

    def _answer_one(self) -> None:
        assert self.listener is not None
        sock, _ = self.listener.accept()
        with sock:
            read_request(sock)
            sock.sendall(OK)

    def close(self) -> None:
        if self.thread is not None:
            self.thread.join(5)
        if self.listener is not None:
            self.listener.close()


@pytest.fixture
def late_server() -> Iterator[LateServer]:
    server = LateServer()
    yield server
    server.close()


def test_refused_connection_is_retried_until_the_server_listens(
    make_opener: Opener, late_server: LateServer
) -> None:
    retry = RetryHandler()
    opener = make_opener(retry)
    retry.sleep = late_server
    url = f"http://127.0.0.1:{late_server.port}/"
    with opener.open(url, timeout=5) as response:
        assert response.read() == b"fine"
    first, last = response.retry_history
    assert (first.method, first.url, first.status) == ("GET", url, None)
    assert isinstance(first.error, urlplug.URLError)
    assert isinstance(first.error.reason, ConnectionRefusedError)
    assert last == RetryAttempt("GET", url, None, 200)


def test_refused_every_time_raises_the_last_error_with_the_history(
    make_opener: Opener, sleeps: Sleeps
) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    opener = make_opener()
    with pytest.raises(urlplug.URLError) as info:
        opener.open(url, timeout=5)
    history = info.value.retry_history  # type: ignore[attr-defined]
    assert [(a.method, a.url, a.status) for a in history] == [("GET", url, None)] * 3
    assert all(isinstance(a.error.reason, ConnectionRefusedError) for a in history)
    assert history[-1].error is info.value
    assert sleeps == [0.0, 1.0]


def test_refused_post_is_not_retried(make_opener: Opener, sleeps: Sleeps) -> None:
    with pytest.raises(urlplug.URLError) as info:
        make_opener().open(f"http://127.0.0.1:{free_port()}/", data=b"order=1", timeout=5)
    assert isinstance(info.value.reason, ConnectionRefusedError)
    assert not hasattr(info.value, "retry_history")
    assert sleeps == []


def test_reset_after_sending_is_not_retried_by_default(make_opener: Opener, scripted_server: Start) -> None:
    server = scripted_server(reset_first)
    with pytest.raises((urlplug.URLError, ConnectionError)) as info:
        make_opener().open(server.url(), timeout=5)
    assert not hasattr(info.value, "retry_history")
    assert server.connections == 1


def test_reset_after_sending_is_retried_with_read_retries(
    make_opener: Opener, scripted_server: Start, sleeps: Sleeps
) -> None:
    server = scripted_server(reset_first)
    with make_opener(RetryHandler(read=1)).open(server.url(), timeout=5) as response:
        assert response.read() == b"fine"
    failed, answered = response.retry_history
    assert isinstance(failed.error, ConnectionError | urlplug.URLError)
    assert answered.status == 200
    assert server.connections == 2
    assert sleeps == [0.0]


def test_reset_of_a_put_with_an_iterator_body_is_never_retried(
    make_opener: Opener, scripted_server: Start
) -> None:
    server = scripted_server(reset_first)
    request = urlplug.Request(server.url(), data=iter([b"part one, ", b"part two"]), method="PUT")
    with pytest.raises((urlplug.URLError, ConnectionError)):
        make_opener(RetryHandler(read=5)).open(request, timeout=5)
    assert server.connections == 1


def test_read_retries_are_capped_by_read(make_opener: Opener, scripted_server: Start) -> None:
    def always_reset(sock: socket.socket, number: int) -> None:
        read_request(sock)
        _reset(sock)

    server = scripted_server(always_reset)
    with pytest.raises((urlplug.URLError, ConnectionError)) as info:
        make_opener(RetryHandler(total=10, read=2)).open(server.url(), timeout=5)
    assert len(info.value.retry_history) == 3  # type: ignore[attr-defined]
    assert server.connections == 3


def test_certificate_failure_is_not_retried(make_opener: Opener, server_tls: ssl.SSLContext) -> None:
    server = LoopbackHTTPServer(tls=server_tls).start()
    try:
        with pytest.raises(urlplug.URLError) as info:
            make_opener(RetryHandler(total=5, connect=5)).open(server.url(), timeout=5)
        assert isinstance(info.value.reason, ssl.SSLError)
        assert not hasattr(info.value, "retry_history")  # set on every retried request's error
    finally:
        server.stop()


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="connect must be a count of retries"):
        RetryHandler(connect=-1)
