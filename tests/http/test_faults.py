"""Misbehaving servers: truncated bodies and heads, malformed heads, limits, drips and silence."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import urlplug
from tests.servers.http import ScriptedServer, read_request

TIMEOUT = 5
Start = Callable[..., ScriptedServer]


def answer(raw: bytes, *, linger: float = 0.0) -> Callable[[socket.socket, int], None]:
    """A script that reads one request, sends ``raw`` and closes (after ``linger`` seconds)."""

    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(raw)
        if linger:
            time.sleep(linger)

    return script


def _open(
    opener: urlplug.OpenerDirector, server: ScriptedServer, timeout: float = TIMEOUT
) -> http.client.HTTPResponse:
    return opener.open(server.url("/"), timeout=timeout)  # type: ignore[no-any-return]


# --- truncated bodies -----------------------------------------------------------------------------

TRUNCATED = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 40


def test_short_body_raises_on_read(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead) as caught,
    ):
        response.read()
    assert caught.value.partial == b"x" * 40
    assert caught.value.expected == 60


def test_short_body_raises_on_read_in_blocks(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    received = b""
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        while block := response.read(16):
            received += block
    assert len(received) <= 40


def test_short_body_raises_on_read_of_exactly_the_length(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead) as caught,
    ):
        response.read(100)
    assert caught.value.partial == b"x" * 40


def test_short_body_raises_on_readinto(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    buffer = bytearray(64)
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        while response.readinto(buffer):
            pass


def test_short_body_raises_on_read1(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        while response.read1(1000):
            pass


def test_short_body_raises_on_iteration(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nline one\nline tw"
    with _open(opener, scripted_server(answer(raw))) as response:
        lines = []
        with pytest.raises(http.client.IncompleteRead):
            for line in response:
                lines.append(line)
    assert lines == [b"line one\n"]


@pytest.mark.parametrize(
    "read_all",
    [
        lambda response: response.read(),
        lambda response: response.read(100),
        lambda response: [response.read(16) for _ in range(7)],
        lambda response: response.readinto(bytearray(100)),
    ],
    ids=["read()", "read(length)", "read(16)", "readinto"],
)
def test_a_cut_body_never_goes_back_to_the_pool(
    opener: urlplug.OpenerDirector, scripted_server: Start, read_all: Callable[[Any], object]
) -> None:
    handler = next(h for h in opener.handlers if isinstance(h, urlplug.HTTPHandler))
    with (
        _open(opener, scripted_server(answer(TRUNCATED))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        read_all(response)
    assert len(handler.pool) == 0


CHUNKED_CUT = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nonly part"


def test_cut_chunked_body_raises_on_read(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    with (
        _open(opener, scripted_server(answer(CHUNKED_CUT))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        response.read()


def test_cut_chunked_body_raises_on_read_in_blocks(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    with (
        _open(opener, scripted_server(answer(CHUNKED_CUT))) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        while response.read(4):
            pass


def test_chunked_body_without_last_chunk_raises(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    with _open(opener, scripted_server(answer(raw))) as response, pytest.raises(http.client.IncompleteRead):
        response.read()


def test_urlretrieve_reports_a_short_body(scripted_server: Start, tmp_path: Path) -> None:
    server = scripted_server(answer(TRUNCATED))
    with pytest.raises(urlplug.ContentTooShortError):
        urlplug.urlretrieve(server.url("/file"), tmp_path / "out")


def test_body_until_close_is_read_whole(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"
    with _open(opener, scripted_server(answer(raw))) as response:
        assert response.read() == b"all of it"


# --- heads cut short or malformed -------------------------------------------------------------


def test_no_answer_at_all_is_remote_disconnected(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    with pytest.raises(http.client.RemoteDisconnected):
        _open(opener, scripted_server(answer(b"")))


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 200 O",
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Half: va",
    ],
    ids=["in-status-line", "after-status-line", "in-headers"],
)
def test_head_cut_short_is_an_error_not_an_empty_200(
    opener: urlplug.OpenerDirector, scripted_server: Start, raw: bytes
) -> None:
    with pytest.raises(http.client.HTTPException, match="in the middle of the response head"):
        _open(opener, scripted_server(answer(raw)))


@pytest.mark.parametrize(
    "status_line",
    [
        b"HELLO",
        b"HTTP/1.1",
        b"HTTP/1.1 2000 Too big",
        b"HTTP/1.1 OK 200",
        b"ICY 200 OK",
        b"HTTP/1.1 \xb200 X",
    ],
)
def test_malformed_status_line_is_bad_status_line(
    opener: urlplug.OpenerDirector, scripted_server: Start, status_line: bytes
) -> None:
    with pytest.raises(http.client.BadStatusLine):
        _open(opener, scripted_server(answer(status_line + b"\r\nContent-Length: 0\r\n\r\n")))


def test_unknown_protocol_version_is_refused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    with pytest.raises(http.client.UnknownProtocol):
        _open(opener, scripted_server(answer(b"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n")))


def test_header_line_without_colon_is_refused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nno colon here\r\n\r\n"
    with pytest.raises(http.client.HTTPException, match="malformed response header"):
        _open(opener, scripted_server(answer(raw)))


def test_header_name_with_trailing_space_is_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n"
    with pytest.raises(http.client.HTTPException, match="malformed response header"):
        _open(opener, scripted_server(answer(raw)))


def test_conflicting_content_lengths_are_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"
    with pytest.raises(http.client.HTTPException, match="invalid Content-Length"):
        _open(opener, scripted_server(answer(raw)))


def test_repeated_equal_content_lengths_are_accepted(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc"
    with _open(opener, scripted_server(answer(raw))) as response:
        assert response.read() == b"abc"


def test_folded_header_is_joined(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\nContent-Length: 0\r\n\r\n"
    with _open(opener, scripted_server(answer(raw))) as response:
        assert response.headers["X-Long"] == "one two"


def test_folded_line_with_no_field_above_is_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    raw = b"HTTP/1.1 200 OK\r\n  stray: continuation\r\nContent-Length: 0\r\n\r\n"
    with pytest.raises(http.client.HTTPException, match="malformed response header"):
        _open(opener, scripted_server(answer(raw)))


def test_bare_lf_line_endings_are_accepted(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.0 200 OK\nContent-Length: 2\nX-A: b\n\nok"
    with _open(opener, scripted_server(answer(raw))) as response:
        assert (response.headers["X-A"], response.read()) == ("b", b"ok")


def test_interim_100_continue_is_skipped(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"
    with _open(opener, scripted_server(answer(raw))) as response:
        assert (response.status, response.read()) == (200, b"done")


def _head_with(count: int) -> bytes:
    fields = b"".join(b"X-H%d: v\r\n" % n for n in range(count - 1))
    return b"HTTP/1.1 200 OK\r\n" + fields + b"Content-Length: 2\r\n\r\nok"


def test_one_hundred_headers_are_accepted(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    with _open(opener, scripted_server(answer(_head_with(100)))) as response:
        assert len(response.headers) == 100
        assert response.read() == b"ok"


def test_more_than_one_hundred_headers_are_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        _open(opener, scripted_server(answer(_head_with(101))))


def test_endless_headers_are_cut_off(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    def endless(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(100_000):
            sock.sendall(b"X-%d: v\r\n" % n)

    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        _open(opener, scripted_server(endless))


def test_over_long_header_line_is_refused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\nContent-Length: 0\r\n\r\n"
    with pytest.raises(http.client.LineTooLong, match="header line"):
        _open(opener, scripted_server(answer(raw)))


def test_over_long_status_line_is_refused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    raw = b"HTTP/1.1 200 " + b"O" * 70_000 + b"\r\n\r\n"
    with pytest.raises(http.client.LineTooLong, match="status line"):
        _open(opener, scripted_server(answer(raw)))


# --- slow and silent servers ------------------------------------------------------------------


def test_silent_server_times_out(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    def silent(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.recv(1)  # until the client gives up

    with pytest.raises(TimeoutError):
        _open(opener, scripted_server(silent), timeout=0.2)


def test_dripping_head_is_cut_off_by_the_overall_deadline(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: " + b"z" * 40 + b"\r\n\r\n"

    def drip(sock: socket.socket, number: int) -> None:
        read_request(sock)
        for byte in head:
            sock.sendall(bytes([byte]))
            time.sleep(0.05)  # each byte well within the timeout, the whole head far beyond it

    with pytest.raises(TimeoutError, match="response head"):
        _open(opener, scripted_server(drip), timeout=0.5)


def test_slow_but_timely_head_is_read(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    def slow(sock: socket.socket, number: int) -> None:
        read_request(sock)
        for part in (b"HTTP/1.1 200 OK\r\n", b"Content-Length: 2\r\n", b"\r\nok"):
            sock.sendall(part)
            time.sleep(0.02)

    with _open(opener, scripted_server(slow), timeout=2) as response:
        assert response.read() == b"ok"


def test_body_reads_get_the_whole_timeout_again_after_a_slow_head(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        time.sleep(0.6)  # the head takes most of the 1 s timeout ...
        sock.sendall(b"Content-Length: 4\r\n")
        time.sleep(0.1)
        sock.sendall(b"\r\n")
        time.sleep(0.8)  # ... and the body comes later than what was left of it, within a fresh 1 s
        sock.sendall(b"body")

    with _open(opener, scripted_server(script), timeout=1.0) as response:
        assert response.read() == b"body"
