"""The transport: the request urlplug writes is byte for byte what ``http.client`` would send."""

from __future__ import annotations

import http.client
import io
import sys
from typing import Any

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug_http.transport import request_head, send, stock


class _Capture:
    """A socket stand-in that keeps what ``http.client`` sends."""

    def __init__(self) -> None:
        self.sent = b""

    def sendall(self, data: bytes) -> None:
        self.sent += bytes(data)


def _http_client_bytes(method: str, target: str, headers: dict[str, Any], body: Any) -> bytes:
    conn = http.client.HTTPConnection("example.org")
    capture = _Capture()
    conn.sock = capture  # type: ignore[assignment]
    conn.request(method, target, body, headers, encode_chunked="Transfer-Encoding" in headers)
    return capture.sent


def _urlplug_bytes(method: str, target: str, headers: dict[str, Any], body: Any) -> bytes:
    conn = http.client.HTTPConnection("example.org")
    capture = _Capture()
    conn.sock = capture  # type: ignore[assignment]
    send(conn, request_head(method, target, headers, body), body, "Transfer-Encoding" in headers)
    return capture.sent


@pytest.mark.parametrize(
    ("method", "target", "headers", "body"),
    [
        ("GET", "/", {"Host": "example.org"}, None),
        ("GET", "/a/b?q=1&r=%20", {"Host": "example.org:8080", "User-Agent": "t/1", "Cookie": "a=b"}, None),
        ("HEAD", "http://example.org/x", {"Host": "example.org", "Accept-Encoding": "gzip"}, None),
        ("POST", "/form", {"Host": "h", "Content-Type": "text/plain", "Content-Length": "5"}, b"hello"),
        ("POST", "/empty", {"Host": "h"}, None),
        ("PUT", "/empty", {"Host": "h", "Content-Length": "0"}, None),
        ("PATCH", "/p", {"Host": "h"}, None),
        ("DELETE", "/d", {"Host": "h", "X-Tab": "a\tb", "X-Latin": "caf\xe9"}, None),
        ("OPTIONS", "*", {"Host": "h"}, None),
        ("BREW", "/pot", {"Host": "h"}, None),  # any token is a method
        ("GET", "/", {"Host": "h", "X-Count": 3, "X-Raw": b"v\xff"}, None),  # values that are not text
        ("POST", "/c", {"Host": "h", "Transfer-Encoding": "chunked"}, [b"ab", b"", b"cde"]),
        ("POST", "/m", {"Host": "h", "Content-Length": "6"}, memoryview(b"buffer")),
        ("PUT", "/f", {"Host": "h", "Content-Length": "4"}, io.BytesIO(b"file")),
        ("PUT", "/t", {"Host": "h", "Content-Length": "4"}, io.StringIO("t\xe9xt")),
    ],
)
def test_request_matches_http_client(method: str, target: str, headers: dict[str, Any], body: Any) -> None:
    replay = body
    if hasattr(body, "read"):
        replay = type(body)(body.getvalue())
    assert _urlplug_bytes(method, target, headers, body) == _http_client_bytes(
        method, target, headers, replay
    )


@pytest.mark.parametrize("target", ["/a b", "/\x7f", "/a\r\nb"])
def test_target_with_spaces_or_controls_is_refused_as_http_client(target: str) -> None:
    with pytest.raises(http.client.InvalidURL):
        request_head("GET", target, {"Host": "h"}, None)


def test_non_ascii_target_fails_as_in_http_client() -> None:
    with pytest.raises(UnicodeEncodeError):
        request_head("GET", "/caf\xe9", {"Host": "h"}, None)


def test_header_value_outside_latin1_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"header 'X-Name' cannot be sent.*not latin-1"):
        request_head("GET", "/", {"Host": "h", "X-Name": "\u2603"}, None)


def test_international_host_goes_as_idna() -> None:
    head = request_head("GET", "/", {"Host": "b\u00fccher.\u4f8b:8080"}, None)
    assert b"\r\nHost: xn--bcher-kva.xn--fsq:8080\r\n" in head


def test_only_untouched_connection_classes_are_stock(monkeypatch: pytest.MonkeyPatch) -> None:
    assert stock(False) and stock(True)

    class Recorder(http.client.HTTPConnection):
        pass

    with monkeypatch.context() as patch:
        patch.setattr(http.client, "HTTPConnection", Recorder)
        assert not stock(False)
        assert stock(True)
    assert stock(False)  # the class is http.client's own again
    original = http.client.HTTPSConnection.send

    def recording_send(self: http.client.HTTPConnection, data: Any) -> None:
        original(self, data)

    monkeypatch.setattr(http.client.HTTPSConnection, "send", recording_send)
    assert not stock(True)
    monkeypatch.undo()
    assert stock(True)


_audited: list[tuple[str, tuple[Any, ...]]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _audited is not None and event.startswith("http.client."):
        _audited.append((event, args))


def test_requests_written_here_raise_http_clients_audit_events(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    global _audited
    sys.addaudithook(_audit)  # audit hooks stay for the life of the process: this one is idle after
    _audited = []
    try:
        with opener.open(http_server.url("/audited"), data=b"body", timeout=5) as response:
            assert response.read() == b"POST /audited"
    finally:
        events, _audited = _audited, None
    assert [name for name, _ in events] == ["http.client.connect", "http.client.send"]
    sent = events[1][1][1]
    assert sent.startswith(b"POST /audited HTTP/1.1\r\n") and sent.endswith(b"\r\n\r\nbody")


def test_a_pooled_response_reads_from_its_connections_socket(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    with opener.open(http_server.url("/fd"), timeout=5) as response:
        fileno = response.fileno()
        assert response.read() == b"GET /fd"
    with opener.open(http_server.url("/again"), timeout=5) as response:
        assert response.fileno() == fileno  # the same kept-alive connection
        assert response.read() == b"GET /again"


def test_a_response_whose_reader_closed_first_closes_quietly(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    # The order the cycle collector may finalize an abandoned response and its reader in.
    response = opener.open(http_server.url("/first"), timeout=5)
    response.fp.close()
    response.close()
    assert response.closed
    with opener.open(http_server.url("/next"), timeout=5) as again:
        assert again.read() == b"GET /next"
