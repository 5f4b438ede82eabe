"""The response type and the exceptions: file-like, urllib2 accessors, OSError hierarchy."""

from __future__ import annotations

import io

import pytest

from urlplug import ContentTooShortError, HTTPError, Response, URLError
from urlplug.response import DISCARD_LIMIT, discard, make_headers


def _response(body: bytes = b"line1\nline2\nline3\n") -> Response:
    headers = make_headers([("Content-Type", "text/plain"), ("X-None", None)])
    return Response(io.BytesIO(body), headers, "http://h/final", 200, "OK")


def test_urllib2_accessors() -> None:
    resp = _response()
    assert resp.geturl() == "http://h/final"
    assert resp.getcode() == 200
    assert resp.info()["Content-Type"] == "text/plain"
    assert resp.info().get("X-None") is None


def test_python3_attributes() -> None:
    resp = _response()
    assert (resp.url, resp.status, resp.code, resp.reason) == ("http://h/final", 200, 200, "OK")
    assert resp.headers["content-type"] == "text/plain"
    assert resp.getheader("Content-Type") == "text/plain"
    assert resp.getheaders() == [("Content-Type", "text/plain")]


def test_read_variants() -> None:
    resp = _response()
    assert resp.read(3) == b"lin"
    assert resp.read1(2) == b"e1"
    assert resp.readline() == b"\n"
    assert resp.readlines() == [b"line2\n", b"line3\n"]
    assert resp.read() == b""


def test_readinto() -> None:
    resp = _response(b"abcdef")
    buffer = bytearray(4)
    assert resp.readinto(buffer) == 4
    assert bytes(buffer) == b"abcd"


def test_readinto_on_a_body_without_readinto() -> None:
    class OnlyRead:
        def __init__(self) -> None:
            self.data = io.BytesIO(b"xyz")

        def read(self, size: int = -1) -> bytes:
            return self.data.read(size)

        def close(self) -> None:
            pass

    resp = Response(OnlyRead(), make_headers(()), "x:", None)
    buffer = bytearray(5)
    assert resp.readinto(buffer) == 3
    assert bytes(buffer[:3]) == b"xyz"


def test_iteration_yields_lines() -> None:
    assert list(_response()) == [b"line1\n", b"line2\n", b"line3\n"]


def test_context_manager_closes() -> None:
    with _response() as resp:
        assert not resp.closed
    assert resp.closed
    with pytest.raises(ValueError):
        resp.read()


def test_readline_on_a_body_without_it_is_unsupported() -> None:
    class OnlyRead:
        def read(self, size: int = -1) -> bytes:
            return b""

        def close(self) -> None:
            pass

    with pytest.raises(io.UnsupportedOperation, match="readline"):
        Response(OnlyRead(), make_headers(()), "x:").readline()


def test_url_error_is_an_os_error_with_a_reason() -> None:
    err = URLError("no route")
    assert isinstance(err, OSError)
    assert err.reason == "no route"
    assert str(err) == "<urlopen error no route>"
    cause = ConnectionRefusedError(111, "refused")
    assert URLError(cause).reason is cause


def test_http_error_is_an_exception_and_a_response() -> None:
    headers = make_headers([("Content-Type", "text/html")])
    err = HTTPError("http://h/x", 404, "Not Found", headers, io.BytesIO(b"missing"))
    assert isinstance(err, URLError)
    assert isinstance(err, OSError)
    assert (err.code, err.reason, err.msg, err.status) == (404, "Not Found", "Not Found", 404)
    assert err.headers is headers
    assert err.hdrs is headers
    assert err.info() is headers
    assert err.geturl() == "http://h/x"
    assert err.getcode() == 404
    assert err.read() == b"missing"
    assert str(err) == "HTTP Error 404: Not Found"
    with pytest.raises(HTTPError) as caught:
        raise err
    assert caught.value.code == 404


def test_http_error_without_body_reads_empty() -> None:
    err = HTTPError("http://h/", 500, "Boom", None, None)
    assert err.read() == b""
    assert list(err.headers.items()) == []


def test_content_too_short_error_keeps_content() -> None:
    err = ContentTooShortError("short", ("file", None))
    assert isinstance(err, URLError)
    assert err.content == ("file", None)


# --- discard -------------------------------------------------------------------------------------


class _Body:
    """A body that records what was done to it."""

    def __init__(self, data: bytes, length: int | None = None, fails: bool = False) -> None:
        self.stream = io.BytesIO(data)
        self.length = length
        self.fails = fails
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        if self.fails:
            raise ConnectionResetError("reset while reading")
        return self.stream.read(size)

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("length", [None, 10])
def test_discard_reads_a_short_body_to_its_end_and_closes(length: int | None) -> None:
    body = _Body(b"0123456789", length)
    discard(body)
    assert body.stream.tell() == 10 and body.closed


def test_discard_leaves_a_long_body_unread_and_closes() -> None:
    body = _Body(b"x" * 10, length=DISCARD_LIMIT + 1)
    discard(body)
    assert body.stream.tell() == 0 and body.closed


def test_discard_closes_a_body_that_fails_to_read() -> None:
    body = _Body(b"x", fails=True)
    discard(body)
    assert body.closed
