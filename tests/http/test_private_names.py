"""The private parts of ``http.client.HTTPResponse`` that ``urlplug_http.response`` relies on.

Fails loudly when a new Python renames or stops calling one of them; the response module's docstring
lists the same names.
"""

from __future__ import annotations

import http.client
import inspect
import io
import socket

import pytest

from urlplug_http.response import HTTPResponse

OVERRIDDEN = ["_close_conn", "_get_chunk_left", "_read_next_chunk_size", "_safe_read"]
CALLED = ["_read_and_discard_trailer", "_safe_readinto"]
ATTRIBUTES = ["fp", "length", "chunked", "chunk_left", "will_close", "_method"]


@pytest.mark.parametrize("name", OVERRIDDEN + CALLED)
def test_http_client_still_has_the_method(name: str) -> None:
    assert callable(getattr(http.client.HTTPResponse, name, None)), f"http.client.HTTPResponse.{name} is gone"


@pytest.mark.parametrize("name", OVERRIDDEN)
def test_http_client_still_calls_the_overridden_method(name: str) -> None:
    # Each override only matters if http.client's public reading methods still go through it.
    source = inspect.getsource(http.client.HTTPResponse)
    assert f"self.{name}(" in source, f"http.client no longer calls {name}"


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_a_response_still_has_the_attribute(name: str) -> None:
    left, right = socket.socketpair()
    with left, right:
        response = http.client.HTTPResponse(left, method="GET")
        assert hasattr(response, name), f"http.client.HTTPResponse has no {name} any more"
        response.close()


def test_a_chunked_body_is_read_through_the_overrides() -> None:
    left, right = socket.socketpair()
    with left, right:
        right.sendall(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        )
        response = HTTPResponse(left, method="GET")
        response.begin()
        assert response.read() == b"abcde"
        assert response._last_chunk_read  # http.client read the trailer through our override
        response.close()


def test_http_client_takes_the_response_reader_from_makefile() -> None:
    # HTTPResponse hands http.client's __init__ its counting reader through makefile("rb").
    left, right = socket.socketpair()
    with left, right:
        response = HTTPResponse(left, method="GET")
        assert isinstance(response.fp, io.BufferedReader)
        assert response.fp.raw is response._reader, "http.client no longer asks makefile for its reader"
        response.close()


def test_email_messages_still_keep_raw_fields_as_name_value_pairs() -> None:
    # HTTPResponse sets the parsed fields as the headers' list in one step instead of set_raw() each.
    message = http.client.HTTPMessage()
    message.set_raw("Content-Type", "text/plain")
    message.set_raw("X-Folded", "one two")
    assert message._headers == [("Content-Type", "text/plain"), ("X-Folded", "one two")]  # type: ignore[attr-defined]


def test_headers_set_in_one_step_read_as_set_raw_made_them() -> None:
    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\n")
        response = HTTPResponse(left, method="GET")
        response.begin()
        headers = response.headers
        assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]
        assert headers["content-length"] == "0"
        assert headers.items() == [("Content-Length", "0"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")]
        headers["X-Added"] = "later"  # still an ordinary message: it takes new fields
        assert headers.get("x-added") == "later"
        response.close()
