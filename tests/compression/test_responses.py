"""A decoded response is still every kind of urlplug response: errors, redirects, accessors, closing."""

from __future__ import annotations

import gc
import warnings

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug_compression.response import DecodedResponse

from .support import CODINGS, TEXT, TIMEOUT, accept_encoding, encode, serve


def test_accessors_are_kept(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/page", encode(TEXT, "gzip"), "gzip")
    url = http_server.url("/page")
    with opener.open(url, timeout=TIMEOUT) as response:
        assert response.geturl() == response.url == url
        assert response.getcode() == response.status == response.code == 200
        assert response.reason == "OK"
        assert response.info() is response.headers
        assert response.version == 11  # http.client's attribute, from the raw response


@pytest.mark.parametrize("coding", CODINGS)
def test_http_error_body_reads_decoded(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, coding: str
) -> None:
    serve(http_server, "/missing", encode(b"no such page\n" * 100, coding), coding, status=404)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/missing"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.code == 404
        assert error.reason == "Not Found"
        assert error.headers["Content-Encoding"] is None
        assert error.read() == b"no such page\n" * 100
        assert error.fp.content_codings == (coding,)


def test_redirects_are_followed_and_each_hop_offers_codings(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    moved = encode(b"moved to /new", "gzip")
    http_server.routes["/old"] = lambda seen: Reply(
        302, [("Location", "/new"), ("Content-Encoding", "gzip")], moved
    )
    serve(http_server, "/new", encode(TEXT, "br"), "br")
    with opener.open(http_server.url("/old"), timeout=TIMEOUT) as response:
        assert response.geturl() == http_server.url("/new")
        assert response.read() == TEXT
        assert response.content_codings == ("br",)
    assert [accept_encoding(seen) for seen in http_server.seen] == ["gzip, deflate, br, zstd"] * 2
    assert http_server.connections == 1  # the redirect's body was drained, the connection kept


def test_callers_accept_encoding_is_carried_across_a_redirect(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/new")], b"")
    encoded = encode(TEXT, "gzip")
    serve(http_server, "/new", encoded, "gzip")
    request = urlplug.Request(http_server.url("/old"), headers={"Accept-Encoding": "gzip"})
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.read() == encoded
    assert [accept_encoding(seen) for seen in http_server.seen] == ["gzip", "gzip"]


def test_a_corrupt_redirect_body_does_not_stop_the_redirect(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/old"] = lambda seen: Reply(
        301, [("Location", "/new"), ("Content-Encoding", "gzip")], b"not gzip at all"
    )
    with opener.open(http_server.url("/old"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /new"


def test_a_body_read_to_its_end_leaves_the_connection_for_reuse(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/page", encode(TEXT, "zstd"), "zstd")
    for _ in range(3):
        with opener.open(http_server.url("/page"), timeout=TIMEOUT) as response:
            assert response.read() == TEXT
    assert http_server.connections == 1


def test_close_midway_closes_the_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/page", encode(TEXT * 10, "gzip"), "gzip")
    response = opener.open(http_server.url("/page"), timeout=TIMEOUT)
    assert isinstance(response, DecodedResponse)
    assert response.read(10) == TEXT[:10]
    response.close()
    assert response.closed
    assert response.raw.isclosed()
    opener.open(http_server.url("/other"), timeout=TIMEOUT).close()
    assert http_server.connections == 2


def test_context_manager_closes(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/page", encode(TEXT * 10, "br"), "br")
    with opener.open(http_server.url("/page"), timeout=TIMEOUT) as response:
        response.readline()
    assert response.closed
    assert response.raw.isclosed()


def test_an_abandoned_response_releases_its_socket(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    serve(http_server, "/page", encode(TEXT * 10, "gzip"), "gzip")
    response = opener.open(http_server.url("/page"), timeout=TIMEOUT)
    raw = response.raw
    response.read(10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        del response
        gc.collect()
    assert raw.isclosed()


def test_uncompressed_response_is_returned_as_it_came(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    def plain(seen: Seen) -> Reply:
        return Reply(200, [("Content-Type", "text/plain")], TEXT)

    http_server.routes["/plain"] = plain
    with opener.open(http_server.url("/plain"), timeout=TIMEOUT) as response:
        assert not isinstance(response, DecodedResponse)
        assert response.headers["Content-Length"] == str(len(TEXT))
        assert response.read() == TEXT
