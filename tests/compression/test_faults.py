"""Corrupt, truncated and overlong compressed bodies: a ContentDecodingError, never a library's exception."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, ScriptedServer, read_request
from urlplug_compression import ContentDecodingError

from .support import CODINGS, TEXT, TIMEOUT, encode, serve, zstd


def _corrupt(encoded: bytes) -> bytes:
    """``encoded`` with bytes in its middle overwritten."""
    middle = len(encoded) // 2
    return encoded[:middle] + b"\xff\x00\xfe\x01" * 8 + encoded[middle + 32 :]


def _fails_cleanly(opener: urlplug.OpenerDirector, url: str, coding: str) -> ContentDecodingError:
    with opener.open(url, timeout=TIMEOUT) as response, pytest.raises(ContentDecodingError) as caught:
        response.read()
    assert caught.value.coding == coding
    assert isinstance(caught.value, urlplug.URLError)
    assert isinstance(caught.value, OSError)
    return caught.value


@pytest.mark.parametrize("coding", CODINGS)
def test_corrupt_body(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str) -> None:
    serve(http_server, "/corrupt", _corrupt(encode(TEXT, coding)), coding)
    error = _fails_cleanly(opener, http_server.url("/corrupt"), coding)
    # brotli may take damaged data for a stream that has not ended yet
    if coding != "br" or "truncated" not in str(error):
        assert "corrupt" in str(error)
        assert error.__cause__ is not None  # the library's own exception, kept for the curious


@pytest.mark.parametrize("coding", CODINGS)
def test_truncated_body(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str) -> None:
    encoded = encode(TEXT, coding)
    serve(http_server, "/truncated", encoded[: len(encoded) - 10], coding)
    assert "truncated" in str(_fails_cleanly(opener, http_server.url("/truncated"), coding))


@pytest.mark.parametrize("coding", CODINGS)
def test_a_body_of_one_byte_is_truncated(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str
) -> None:
    serve(http_server, "/one", encode(TEXT, coding)[:1], coding)
    _fails_cleanly(opener, http_server.url("/one"), coding)


@pytest.mark.parametrize("coding", CODINGS)
def test_garbage_after_the_stream(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str
) -> None:
    serve(http_server, "/trailing", encode(TEXT, coding) + b"trailing garbage", coding)
    _fails_cleanly(opener, http_server.url("/trailing"), coding)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_a_body_that_is_not_compressed_at_all(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str
) -> None:
    serve(http_server, "/plain", b"<html>not compressed, whatever the header says</html>", coding)
    _fails_cleanly(opener, http_server.url("/plain"), coding)


def test_stacked_coding_corrupt_inside(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/inner", encode(_corrupt(encode(TEXT, "gzip")), "br"), "gzip, br")
    _fails_cleanly(opener, http_server.url("/inner"), "gzip")


def test_error_mid_body_after_good_data(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/late", encoded[: len(encoded) * 3 // 4], "gzip")
    with opener.open(http_server.url("/late"), timeout=TIMEOUT) as response:
        good = response.read(1000)
        with pytest.raises(ContentDecodingError):
            while response.read(65536):
                pass
    assert good == TEXT[:1000]


def test_zstd_frame_wanting_a_window_over_8_mib_is_refused(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    wide = {zstd.CompressionParameter.window_log: 24}  # 16 MiB, used in full by 9 MiB of content
    serve(http_server, "/window", zstd.compress(bytes(9 * 1024 * 1024), options=wide), "zstd")
    error = _fails_cleanly(opener, http_server.url("/window"), "zstd")
    assert "corrupt" in str(error)


def test_decoding_error_closes_the_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    lines = b"".join(b"line %d\n" % i for i in range(500_000))
    encoded = encode(lines, "gzip")  # far more than one read takes from the socket
    serve(http_server, "/corrupt", encoded[:1000] + b"\xff" * 64 + encoded[1064:], "gzip")
    response = opener.open(http_server.url("/corrupt"), timeout=TIMEOUT)
    with pytest.raises(ContentDecodingError):
        response.read()
    assert response.raw.isclosed()
    assert response.closed
    with pytest.raises(ValueError, match="closed"):
        response.read()
    opener.open(http_server.url("/other"), timeout=TIMEOUT).close()
    assert http_server.connections == 2  # the first connection was not reused


def test_a_body_cut_by_the_connection_stays_an_incomplete_read(
    opener: urlplug.OpenerDirector, scripted_server: Callable[..., ScriptedServer]
) -> None:
    encoded = encode(TEXT, "gzip")

    def cut(sock: socket.socket, number: int) -> None:
        read_request(sock)
        head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(encoded)
        sock.sendall(head + encoded[:1000])

    server = scripted_server(cut)
    with (
        opener.open(server.url("/cut"), timeout=TIMEOUT) as response,
        pytest.raises(http.client.IncompleteRead),
    ):
        response.read()
