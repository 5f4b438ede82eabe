"""The request head urlplug writes itself is byte for byte what ``http.client`` would send."""

from __future__ import annotations

import http.client
import sys
from typing import Any

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug_http.wire import is_stock, request_head


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
    conn.request(method, target, body, headers)
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
    ],
)
def test_head_matches_http_client(method: str, target: str, headers: dict[str, Any], body: Any) -> None:
    head = request_head(method, target, headers, body)
    assert head is not None
    assert head + (body or b"") == _http_client_bytes(method, target, headers, body)


@pytest.mark.parametrize(
    ("method", "target", "headers", "body"),
    [
        ("GET", "/", {}, None),  # no Host: http.client supplies it
        ("BREW", "/", {"Host": "h"}, None),  # an unusual method
        ("GET", "/a b", {"Host": "h"}, None),  # http.client raises InvalidURL
        ("GET", "/\x7f", {"Host": "h"}, None),
        ("GET", "/caf\xe9", {"Host": "h"}, None),  # not ASCII: http.client raises
        ("GET", "/", {"Host": "h", "X-Count": 3}, None),  # a value that is not text
        ("GET", "/", {"Host": "h", "X-Raw": b"v"}, None),
        ("POST", "/", {"Host": "h", "Transfer-Encoding": "chunked"}, [b"x"]),
        ("POST", "/", {"Host": "h"}, b"no length"),
        ("POST", "/", {"Host": "h", "Content-Length": "4"}, "text"),
    ],
)
def test_unusual_requests_are_left_to_http_client(
    method: str, target: str, headers: dict[str, Any], body: Any
) -> None:
    assert request_head(method, target, headers, body) is None


def test_header_value_outside_latin1_fails_as_in_http_client() -> None:
    with pytest.raises(UnicodeEncodeError):
        request_head("GET", "/", {"Host": "h", "X-Name": "\u2603"}, None)
    with pytest.raises(UnicodeEncodeError):
        _http_client_bytes("GET", "/", {"Host": "h", "X-Name": "\u2603"}, None)


def test_only_untouched_connections_are_stock() -> None:
    class Recorder(http.client.HTTPConnection):
        def getresponse(self) -> http.client.HTTPResponse:
            return super().getresponse()

    assert is_stock(http.client.HTTPConnection("h"))
    assert is_stock(http.client.HTTPSConnection("h"))
    assert not is_stock(Recorder("h"))
    debugging = http.client.HTTPConnection("h")
    debugging.set_debuglevel(1)
    assert not is_stock(debugging)


def test_a_method_patched_onto_http_client_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    original = http.client.HTTPConnection.send

    def recording_send(self: http.client.HTTPConnection, data: Any) -> None:
        original(self, data)

    monkeypatch.setattr(http.client.HTTPConnection, "send", recording_send)
    assert not is_stock(http.client.HTTPConnection("h"))


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
