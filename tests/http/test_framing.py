"""Framing that cannot be confused: one response's bytes are never read as the next one's.

Each test's server is a raw socket script on loopback. Scripts that serve several requests on one
connection answer the first request with a misframed response and every later one (on any
connection) truthfully with ``true answer <n>``, so a test can tell which answer a request got.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Callable

import pytest

import urlplug
from tests.servers.http import ScriptedServer, read_request
from urlplug_http.response import HTTPResponse

TIMEOUT = 5
Start = Callable[..., ScriptedServer]


def truthful_after(
    first: bytes, *, then: float = 0.0, late: bytes = b""
) -> Callable[[socket.socket, int], None]:
    """A script: the first request of connection 1 gets ``first`` (and ``late``, ``then`` seconds
    after); every other request gets a correct ``true answer <connection number>``."""

    def script(sock: socket.socket, number: int) -> None:
        misframed = number == 1
        while read_request(sock):
            if misframed:
                sock.sendall(first)
                if late:
                    time.sleep(then)
                    sock.sendall(late)
                misframed = False
            else:
                body = f"true answer {number}".encode()
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    return script


def fetch(opener: urlplug.OpenerDirector, server: ScriptedServer, method: str = "GET") -> bytes:
    with opener.open(urlplug.Request(server.url("/"), method=method), timeout=TIMEOUT) as response:
        return response.read()  # type: ignore[no-any-return]


# --- §1: Transfer-Encoding is combined from every field -----------------------------------------


def test_chunked_then_an_empty_transfer_encoding_is_still_chunked(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    first = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding:\r\nContent-Length: 0\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n"
    )
    server = scripted_server(truthful_after(first))
    assert fetch(opener, server) == b"hello"
    assert fetch(opener, server) == b"true answer 2"  # both framings at once: never reused


def test_a_last_coding_other_than_chunked_reads_to_the_close(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello")

    assert fetch(opener, scripted_server(script)) == b"5\r\nhello"


# --- §2: folded framing fields are read as the caller sees them ---------------------------------


def test_folded_content_length_is_framed_from_the_value_the_caller_sees(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(truthful_after(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 0\r\n\r\n0123456789"))
    with pytest.raises(http.client.HTTPException, match="invalid Content-Length"):
        fetch(opener, server)


def test_folded_transfer_encoding_is_framed_from_the_value_the_caller_sees(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    first = b"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    server = scripted_server(truthful_after(first))
    with opener.open(server.url("/"), timeout=TIMEOUT) as response:
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.read() == b"abc"
    assert fetch(opener, server) == b"true answer 1"


# --- §3: status lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status_line",
    [
        b"HTTP/1.1 099 Low",
        b"HTTP/1.1 000 Zero",
        b"HTTP/1.1\xa0200 OK",
        b"HTTP/1.x 200 OK",
        b"HTTP/1.1 2000 OK",
    ],
)
def test_bad_status_lines_are_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start, status_line: bytes
) -> None:
    server = scripted_server(truthful_after(status_line + b"\r\nContent-Length: 0\r\n\r\n"))
    with pytest.raises(http.client.HTTPException):
        fetch(opener, server)


# --- §4: a connection is reused only when nothing is waiting on it ------------------------------


@pytest.mark.parametrize(
    ("method", "first"),
    [
        ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"),
        ("GET", b"HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged",
        ),
        (  # a body larger than one buffered read: the stray bytes come with a later read
            "GET",
            b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
            + b"x" * 100000
            + b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged",
        ),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged",
        ),
    ],
    ids=[
        "HEAD with a body",
        "204 with a body",
        "304 with a body",
        "after a small body",
        "after a large body",
        "after a chunked body",
    ],
)
def test_bytes_after_a_complete_response_end_the_connection(
    opener: urlplug.OpenerDirector, scripted_server: Start, method: str, first: bytes
) -> None:
    server = scripted_server(truthful_after(first))
    try:
        fetch(opener, server, method)
    except urlplug.HTTPError as error:  # 304 is an error status for the opener
        error.close()
    assert fetch(opener, server) == b"true answer 2"


def test_bytes_arriving_after_the_body_end_the_idle_connection(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    server = scripted_server(
        truthful_after(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            then=0.05,
            late=b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged",
        )
    )
    assert fetch(opener, server) == b"ok"
    deadline = time.monotonic() + TIMEOUT
    while server.finished < 1 and time.monotonic() < deadline:  # the stray bytes have been sent
        time.sleep(0.01)
    assert fetch(opener, server) == b"true answer 2"


def test_a_clean_connection_is_reused(opener: urlplug.OpenerDirector, scripted_server: Start) -> None:
    def script(sock: socket.socket, number: int) -> None:
        while read_request(sock):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = scripted_server(script)
    assert [fetch(opener, server) for _ in range(3)] == [b"ok"] * 3
    assert server.connections == 1


# --- §5: huge sizes read in bounded blocks ------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789012345678901\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\r\n",
    ],
)
def test_a_huge_announced_size_fails_cleanly(
    opener: urlplug.OpenerDirector, scripted_server: Start, head: bytes
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(head + b"x" * 1000)

    with (
        opener.open(scripted_server(script).url("/"), timeout=TIMEOUT) as response,
        pytest.raises(http.client.IncompleteRead) as caught,
    ):
        response.read()
    assert caught.value.partial in (b"x" * 1000, b"")  # chunked: the chunks read whole before it


# --- §6: a head that drips in is read in linear time --------------------------------------------


def test_a_large_head_dripping_in_small_pieces_is_read_whole(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    fields = b"".join(b"X-Field-%d: %s\r\n" % (i, b"v" * 30000) for i in range(90))  # 2.7 MB

    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        data = b"HTTP/1.1 200 OK\r\n" + fields + b"Content-Length: 2\r\n\r\nok"
        for start in range(0, len(data), 65536):
            sock.sendall(data[start : start + 65536])

    with opener.open(scripted_server(script).url("/"), timeout=TIMEOUT) as response:
        assert len(response.headers["X-Field-89"]) == 30000
        assert response.read() == b"ok"


# --- §7: what HTTP cannot carry fails before a connection is taken ------------------------------


def test_a_header_outside_latin1_fails_cleanly_and_leaks_nothing(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        while read_request(sock):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = scripted_server(script)
    assert fetch(opener, server) == b"ok"
    bad = urlplug.Request(server.url("/"), headers={"X-Name": "snow \u2603"})
    with pytest.raises(ValueError, match="not latin-1"):
        opener.open(bad, timeout=TIMEOUT)
    assert fetch(opener, server) == b"ok"
    assert server.connections == 1  # the kept connection was neither taken nor lost


# --- §8: lenient parsing that could misframe is refused -----------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        b"HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 0\r\nContent-Length: 2\r\n\r\nok",  # bare CR
        b"HTTP/1.1 200 OK\r\nX-\x00A: a\r\nContent-Length: 2\r\n\r\nok",  # NUL in a name
        b"HTTP/1.1 200 OK\r\nX A: a\r\nContent-Length: 2\r\n\r\nok",  # space in a name
    ],
)
def test_malformed_header_lines_are_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start, first: bytes
) -> None:
    with pytest.raises(http.client.HTTPException):
        fetch(opener, scripted_server(truthful_after(first)))


@pytest.mark.parametrize(
    "chunks",
    [
        *(size + b"\r\nab\r\n0\r\n\r\n" for size in (b"0x2", b"1_0", b"-1", b"+2", b"", b"2 2")),
        b"2\r\nabXY0\r\n\r\n",  # a chunk not followed by its CRLF
    ],
)
def test_malformed_chunks_are_refused(
    opener: urlplug.OpenerDirector, scripted_server: Start, chunks: bytes
) -> None:
    first = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    with (
        opener.open(scripted_server(truthful_after(first)).url("/"), timeout=TIMEOUT) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        response.read()


def test_chunk_extensions_and_uppercase_hex_are_fine(
    opener: urlplug.OpenerDirector, scripted_server: Start
) -> None:
    first = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA;name=value\r\n0123456789\r\n0\r\n\r\n"
    assert fetch(opener, scripted_server(truthful_after(first))) == b"0123456789"


# --- the head acknowledged at once when the body is still on the wire ---------------------------


def test_the_head_is_acknowledged_when_the_body_is_still_on_the_wire(
    opener: urlplug.OpenerDirector, scripted_server: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    acks: list[int] = []
    original = HTTPResponse._ack_now

    def spy(self: HTTPResponse) -> None:
        acks.append(self.status)
        original(self)

    monkeypatch.setattr(HTTPResponse, "_ack_now", spy)

    def script(sock: socket.socket, number: int) -> None:
        while read_request(sock):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
            time.sleep(0.02)  # the body in a later segment, as a Nagle-delayed write would come
            sock.sendall(b"ok")

    server = scripted_server(script)
    assert [fetch(opener, server) for _ in range(2)] == [b"ok", b"ok"]
    assert acks == [200, 200]
