"""Timeouts over HTTP: connect, head, body reads, pairs, ``Timeout`` and a total across redirects."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.http import FullListener, ScriptedServer, read_request
from urlplug import Timeout, URLError, URLTimeoutError

Start = Callable[..., ScriptedServer]
BODY = b"0123456789"


def _silent(sock: socket.socket, number: int) -> None:
    read_request(sock)
    sock.recv(1)  # until the client gives up


def _head_then_stall(sock: socket.socket, number: int) -> None:
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")
    sock.recv(1)


def _trickle(sock: socket.socket, number: int) -> None:
    """The head at once, then the body a byte every 50 ms: each read is quick, the whole is not."""
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    for byte in BODY:
        time.sleep(0.05)
        sock.sendall(bytes([byte]))


def _late_answers(delay: float) -> Callable[[socket.socket, int], None]:
    """``/a`` redirects to ``/b``, ``/b`` answers ``ok``; each answer comes ``delay`` seconds late."""

    def script(sock: socket.socket, number: int) -> None:
        while request := read_request(sock):
            time.sleep(delay)
            if request.startswith(b"GET /a "):
                sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n")
            else:
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    return script


# --- connecting ------------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [0.2, (0.2, 5), Timeout(connect=0.2), Timeout(total=0.2)])
def test_connect_timeout_raises_url_timeout_error(
    opener: urlplug.OpenerDirector, full_listener: FullListener, timeout: Any
) -> None:
    with pytest.raises(URLTimeoutError) as caught:
        opener.open(full_listener.url(), timeout=timeout)
    assert isinstance(caught.value.reason, TimeoutError | str)


def test_tls_handshake_is_bounded_by_the_connect_limit(
    tls_opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def mute(sock: socket.socket, number: int) -> None:
        while sock.recv(4096):  # takes the ClientHello, never answers it
            pass

    server = scripted_server(mute)
    with pytest.raises(URLTimeoutError):
        tls_opener.open(f"https://127.0.0.1:{server.port}/", timeout=Timeout(connect=0.2, read=5))


def test_read_limit_of_a_pair_does_not_bound_connecting(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_late_answers(0.0))
    with opener.open(server.url("/b"), timeout=(5, 0.2)) as response:
        assert response.read() == b"ok"


# --- the response head -----------------------------------------------------------------------


@pytest.mark.parametrize("caught_as", [URLError, TimeoutError])
def test_silent_server_is_caught_as_url_error_and_as_timeout_error(
    opener: urlplug.OpenerDirector, scripted_server: Start, caught_as: type
) -> None:
    server = scripted_server(_silent)
    with pytest.raises(caught_as) as caught:
        opener.open(server.url(), timeout=0.2)
    assert isinstance(caught.value, URLTimeoutError)


@pytest.mark.parametrize(
    ("timeout", "message"),
    [
        ((5, 0.2), "response head"),
        (Timeout(read=0.2), "response head"),
        (Timeout(read=5, total=0.3), r"total timeout of 0\.3 s ran out"),
    ],
)
def test_head_timeout_comes_from_the_read_limit_or_the_total(
    opener: urlplug.OpenerDirector, scripted_server: Start, timeout: Any, message: str
) -> None:
    server = scripted_server(_silent)
    with pytest.raises(URLTimeoutError, match=message):
        opener.open(server.url(), timeout=timeout)


# --- the body --------------------------------------------------------------------------------


@pytest.mark.parametrize("read", ["read", "read1", "readline", "readinto", "peek"])
def test_stalled_body_raises_url_timeout_error_from_every_read(
    opener: urlplug.OpenerDirector, scripted_server: Start, read: str
) -> None:
    server = scripted_server(_head_then_stall)
    with opener.open(server.url(), timeout=0.2) as response:
        assert response.read(5) == b"01234"
        arguments = (bytearray(5),) if read == "readinto" else (5,)
        with pytest.raises(URLTimeoutError):
            getattr(response, read)(*arguments)


def test_stalled_body_leaves_the_connection_out_of_the_pool(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_head_then_stall)
    with opener.open(server.url(), timeout=0.2) as response, pytest.raises(URLTimeoutError):
        response.read()
    server.wait_finished(1)  # the client closed it
    assert server.connections == 1


def test_trickling_body_is_cut_off_by_the_total(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_trickle)
    response = opener.open(server.url(), timeout=Timeout(read=5, total=0.25))
    with response, pytest.raises(URLTimeoutError, match=r"total timeout of 0\.25 s ran out"):
        response.read()


def test_trickling_body_is_read_whole_with_a_read_limit_alone(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_trickle)
    with opener.open(server.url(), timeout=Timeout(read=0.4)) as response:
        assert response.read() == BODY


def test_body_within_the_total_reads_whole(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    server = scripted_server(_trickle)
    with opener.open(server.url(), timeout=Timeout(read=0.4, total=5)) as response:
        assert response.fileno() == response.fp.fileno() >= 0  # type: ignore[union-attr]
        assert response.read(3) == b"012"
        assert response.readline() == b"3456789"


# --- redirects and kept-alive connections ----------------------------------------------------


def test_redirects_share_one_total(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    server = scripted_server(_late_answers(0.2))  # each exchange alone fits in the total, both do not
    with pytest.raises(URLTimeoutError):
        opener.open(server.url("/a"), timeout=Timeout(total=0.3))


def test_redirects_within_the_total_are_followed(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_late_answers(0.05))
    with opener.open(server.url("/a"), timeout=Timeout(total=5)) as response:
        assert response.read() == b"ok"
    assert response.url.endswith("/b")


def test_a_kept_connection_forgets_the_total_of_the_last_request(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(_late_answers(0.0))
    with opener.open(server.url("/b"), timeout=Timeout(total=0.2)) as response:
        assert response.read() == b"ok"
    time.sleep(0.25)  # that total has run out by now
    server.script = _late_answers(0.3)
    with opener.open(server.url("/b"), timeout=None) as response:
        assert response.read() == b"ok"
    assert server.connections == 1


# --- the connection classes urllib2 code brings ----------------------------------------------


class _OwnConnectionHandler(urlplug.HTTPHandler):  # type: ignore[name-defined,misc]
    def http_open(self, req: urlplug.Request) -> Any:
        import http.client

        return self.do_open(http.client.HTTPConnection, req)


def test_a_timeout_reaches_a_classic_connection_class_as_numbers(
    make_opener: Callable[..., urlplug.OpenerDirector], scripted_server: Start, full_listener: FullListener
) -> None:
    opener = make_opener(_OwnConnectionHandler)
    with pytest.raises(URLTimeoutError):
        opener.open(full_listener.url(), timeout=Timeout(connect=0.2))
    server = scripted_server(_silent)
    with pytest.raises(URLTimeoutError):
        opener.open(server.url(), timeout=Timeout(connect=5, read=0.2))
