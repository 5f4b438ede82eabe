"""Bodies in every coding, alone and stacked, read decoded through every file method."""

from __future__ import annotations

import gzip
import os
import ssl
from collections.abc import Callable

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug_compression.response import DecodedResponse

from .support import CODINGS, TEXT, TIMEOUT, encode, encode_all, serve, zstd


@pytest.mark.parametrize(
    ("label", "encoding"),
    [
        ("gzip", "gzip"),
        ("x-gzip", "x-gzip"),
        ("deflate", "deflate"),
        ("deflate", "raw-deflate"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("GZip", "gzip"),
    ],
)
def test_each_coding_is_decoded(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, label: str, encoding: str
) -> None:
    serve(http_server, "/body", encode(TEXT, encoding), label)
    with opener.open(http_server.url("/body"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT
        assert response.content_codings == (label.lower(),)


@pytest.mark.parametrize("codings", [("gzip", "br"), ("br", "gzip"), ("deflate", "zstd", "gzip")])
def test_stacked_codings_are_undone_last_first(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, codings: tuple[str, ...]
) -> None:
    serve(http_server, "/stacked", encode_all(TEXT, *codings), ", ".join(codings))
    with opener.open(http_server.url("/stacked"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT
        assert response.content_codings == codings


def test_codings_in_several_header_fields_stack_in_order(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/fields", encode_all(TEXT, "gzip", "br"), "gzip", extra=[("Content-Encoding", "br")])
    with opener.open(http_server.url("/fields"), timeout=TIMEOUT) as response:
        assert response.content_codings == ("gzip", "br")
        assert response.read() == TEXT


def test_identity_among_the_codings_is_skipped(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/identity", encode(TEXT, "gzip"), "identity, gzip")
    with opener.open(http_server.url("/identity"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT
        assert response.content_codings == ("identity", "gzip")


def test_headers_no_longer_describe_the_encoded_bytes(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/headers", encoded, "gzip", extra=[("ETag", '"v1"')])
    with opener.open(http_server.url("/headers"), timeout=TIMEOUT) as response:
        assert isinstance(response, DecodedResponse)
        assert response.headers["Content-Encoding"] is None
        assert response.info()["Content-Length"] is None
        assert response.getheader("Content-Length") is None
        assert response.headers["ETag"] == '"v1"'
        assert response.headers["Content-Type"] == "text/plain"
        assert response.raw.headers["Content-Encoding"] == "gzip"
        assert response.raw.headers["Content-Length"] == str(len(encoded))
        assert response.length is None
        assert response.read() == TEXT


def test_read_in_blocks(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/blocks", encode(TEXT, "br"), "br")
    with opener.open(http_server.url("/blocks"), timeout=TIMEOUT) as response:
        blocks = []
        while block := response.read(1000):
            blocks.append(block)
    assert b"".join(blocks) == TEXT
    assert {len(block) for block in blocks[:-1]} == {1000}  # full blocks until the end, as for a file


def test_readline_and_iteration(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/lines", encode(TEXT, "zstd"), "zstd")
    with opener.open(http_server.url("/lines"), timeout=TIMEOUT) as response:
        assert response.readline() == b"line 0 of a body that compresses well\n"
        assert response.readline(4) == b"line"
        assert response.readline() == b" 1 of a body that compresses well\n"
        rest = list(response)
    assert rest == TEXT.splitlines(keepends=True)[2:]


def test_reads_of_every_kind_interleave(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/mixed", encode(TEXT, "gzip"), "gzip")
    with opener.open(http_server.url("/mixed"), timeout=TIMEOUT) as response:
        parts = [response.readline(), response.read(7), response.read1(5), response.readline()]
        buffer = bytearray(100_000)
        parts.append(bytes(buffer[: response.readinto(buffer)]))
        parts.append(response.read())
        assert response.read() == b""
        assert response.readline() == b""
    assert b"".join(parts) == TEXT
    assert parts[0] == b"line 0 of a body that compresses well\n"
    assert parts[1] + parts[2] + parts[3] == b"line 1 of a body that compresses well\n"
    assert len(parts[4]) == 100_000


def test_readlines(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/readlines", encode(TEXT, "deflate"), "deflate")
    with opener.open(http_server.url("/readlines"), timeout=TIMEOUT) as response:
        assert response.readlines() == TEXT.splitlines(keepends=True)


def test_readinto_fills_a_caller_buffer(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/into", encode(TEXT, "gzip"), "gzip")
    buffer = bytearray(4096)
    received = bytearray()
    with opener.open(http_server.url("/into"), timeout=TIMEOUT) as response:
        while size := response.readinto(buffer):
            received += buffer[:size]
    assert received == TEXT


def test_read1_returns_what_is_decoded(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/read1", encode(TEXT, "gzip"), "gzip")
    with opener.open(http_server.url("/read1"), timeout=TIMEOUT) as response:
        first = response.read1(100)
        assert 0 < len(first) <= 100
        assert first + response.read() == TEXT


def test_chunked_transfer_of_an_encoded_body(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/chunked", encode_all(TEXT, "gzip", "br"), "gzip, br", chunked=True)
    with opener.open(http_server.url("/chunked"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(b"first\n") + gzip.compress(b"second\n")),
        ("zstd", zstd.compress(b"first\n") + zstd.compress(b"second\n")),
    ],
)
def test_gzip_members_and_zstd_frames_in_a_row_are_one_body(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str, body: bytes
) -> None:
    serve(http_server, "/parts", body, coding)
    with opener.open(http_server.url("/parts"), timeout=TIMEOUT) as response:
        assert response.read() == b"first\nsecond\n"


def test_incompressible_body_round_trips(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    noise = os.urandom(300_000)
    serve(http_server, "/noise", encode(noise, "gzip"), "gzip")
    with opener.open(http_server.url("/noise"), timeout=TIMEOUT) as response:
        assert response.read() == noise


@pytest.mark.parametrize("coding", CODINGS)
def test_an_empty_body_reads_empty(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str
) -> None:
    serve(http_server, "/empty", b"", coding)
    with opener.open(http_server.url("/empty"), timeout=TIMEOUT) as response:
        assert response.read() == b""


def test_https_responses_are_decoded_too(
    make_opener: Callable[..., urlplug.OpenerDirector],
    https_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
) -> None:
    opener = make_opener(context=client_tls)
    serve(https_server, "/tls", encode(TEXT, "br"), "br")
    with opener.open(https_server.url("/tls"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT
        assert response.content_codings == ("br",)
