"""What the processor asks for, and when it leaves a body alone."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug import Request
from urlplug_compression import ContentDecodingProcessor, codings

from .support import TEXT, TIMEOUT, accept_encoding, encode, serve

NOT_OFFERED = "identity"  # what a request without Accept-Encoding goes out with (http.client's default)


@pytest.fixture
def fresh_codings() -> Iterator[None]:
    """Look for the libraries again, now and after the test."""
    codings.installed.cache_clear()
    yield
    codings.installed.cache_clear()


def _without(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``import name`` fail for each of ``names``."""
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_offers_every_installed_coding(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.open(http_server.url("/"), timeout=TIMEOUT).close()
    # The development environment installs urlplug-compression[all].
    assert accept_encoding(http_server.seen[-1]) == "gzip, deflate, br, zstd"


def test_offers_only_what_imports(monkeypatch: pytest.MonkeyPatch, fresh_codings: None) -> None:
    _without(monkeypatch, "brotli", "brotlicffi", "compression.zstd", "backports.zstd")
    assert ContentDecodingProcessor().codings == ("gzip", "deflate")


def test_brotli_before_1_2_is_not_used(monkeypatch: pytest.MonkeyPatch, fresh_codings: None) -> None:
    old = types.ModuleType("brotli")
    old.Decompressor = type("Decompressor", (), {"process": lambda self, data: data})  # type: ignore[attr-defined]
    old.error = Exception  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "brotli", old)
    _without(monkeypatch, "brotlicffi")
    assert "br" not in ContentDecodingProcessor().codings


def test_brotlicffi_serves_when_brotli_is_missing(
    monkeypatch: pytest.MonkeyPatch,
    fresh_codings: None,
    make_opener: Callable[..., urlplug.OpenerDirector],
    http_server: LoopbackHTTPServer,
) -> None:
    _without(monkeypatch, "brotli")
    # requirements-dev.txt installs brotlicffi beside brotli for this test.
    assert "br" in ContentDecodingProcessor().codings
    serve(http_server, "/br", encode(TEXT, "br"), "br")
    opener = make_opener()
    with opener.open(http_server.url("/br"), timeout=TIMEOUT) as response:
        assert response.read() == TEXT
    assert "br" in accept_encoding(http_server.seen[-1])


def test_missing_library_for_a_chosen_coding_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, fresh_codings: None
) -> None:
    _without(monkeypatch, "brotli", "brotlicffi")
    with pytest.raises(ValueError, match=r"urlplug-compression\[brotli\]"):
        ContentDecodingProcessor(codings=["br"])


@pytest.mark.parametrize("given", [["compress"], ["identity"], []])
def test_unknown_or_no_coding_is_refused(given: list[str]) -> None:
    with pytest.raises(ValueError, match="coding"):
        ContentDecodingProcessor(codings=given)


def test_chosen_codings_are_offered_in_the_order_given(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    processor = ContentDecodingProcessor(codings=["zstd", "GZIP"])
    assert processor.codings == ("zstd", "gzip")
    make_opener(processor).open(http_server.url("/"), timeout=TIMEOUT).close()
    assert accept_encoding(http_server.seen[-1]) == "zstd, gzip"


def test_a_coding_not_chosen_is_left_encoded(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "br")
    serve(http_server, "/br", encoded, "br")
    opener = make_opener(ContentDecodingProcessor(codings=["gzip"]))
    with opener.open(http_server.url("/br"), timeout=TIMEOUT) as response:
        assert response.read() == encoded
        assert response.headers["Content-Encoding"] == "br"


def test_an_unknown_coding_in_a_stack_leaves_the_body_alone(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/odd", encoded, "gzip, compress")
    with opener.open(http_server.url("/odd"), timeout=TIMEOUT) as response:
        assert response.read() == encoded
        assert response.headers["Content-Encoding"] == "gzip, compress"


@pytest.mark.parametrize("name", ["Accept-Encoding", "accept-encoding"])
def test_callers_accept_encoding_is_sent_and_the_body_left_alone(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, name: str
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/archive.tar.gz", encoded, "gzip")
    request = Request(http_server.url("/archive.tar.gz"), headers={name: "gzip"})
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.read() == encoded
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Length"] == str(len(encoded))
    assert accept_encoding(http_server.seen[-1]) == "gzip"


def test_callers_value_equal_to_the_offer_is_still_the_callers(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/equal", encoded, "gzip")
    opener = make_opener(ContentDecodingProcessor(codings=["gzip"]))  # offers exactly "gzip"
    request = Request(http_server.url("/equal"))
    request.add_unredirected_header("Accept-Encoding", "gzip")
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.read() == encoded


def test_callers_identity_is_respected(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    request = Request(http_server.url("/"))
    request.add_unredirected_header("Accept-Encoding", "identity")
    opener.open(request, timeout=TIMEOUT).close()
    assert accept_encoding(http_server.seen[-1]) == "identity"


def test_openers_addheaders_count_as_the_callers(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/added", encoded, "gzip")
    opener.addheaders = [*opener.addheaders, ("Accept-Encoding", "gzip")]
    with opener.open(http_server.url("/added"), timeout=TIMEOUT) as response:
        assert response.read() == encoded
    assert accept_encoding(http_server.seen[-1]) == "gzip"


def test_range_request_gets_no_accept_encoding_and_no_decoding(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/range", encoded[100:200], "gzip", status=206)
    request = Request(http_server.url("/range"), headers={"Range": "bytes=100-199"})
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.read() == encoded[100:200]
        assert response.headers["Content-Encoding"] == "gzip"
    assert accept_encoding(http_server.seen[-1]) == NOT_OFFERED


def test_a_reused_request_that_gains_a_range_loses_the_offer(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    request = Request(http_server.url("/"))
    opener.open(request, timeout=TIMEOUT).close()
    assert accept_encoding(http_server.seen[-1]) is not None
    request.add_header("Range", "bytes=0-9")
    opener.open(request, timeout=TIMEOUT).close()
    assert accept_encoding(http_server.seen[-1]) == NOT_OFFERED


def test_a_reused_request_is_decoded_again(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/again", encode(TEXT, "gzip"), "gzip")
    request = Request(http_server.url("/again"))
    for _ in range(2):
        with opener.open(request, timeout=TIMEOUT) as response:
            assert response.read() == TEXT


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304)])
def test_bodyless_responses_keep_their_headers(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, method: str, status: int
) -> None:
    serve(http_server, "/bodyless", b"", "gzip", status=status, extra=[("ETag", '"1"')])
    try:
        response: Any = opener.open(Request(http_server.url("/bodyless"), method=method), timeout=TIMEOUT)
    except urlplug.HTTPError as error:  # 304 is not a success
        response = error
    with response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.read() == b""
