"""HTTPHandler, AbstractHTTPHandler and the error handlers against a loopback server."""

from __future__ import annotations

import http.client
import io
import re
import socket
from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug_http import (
    AbstractHTTPHandler,
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
)

TIMEOUT = 5


def test_default_opener_has_the_http_handlers() -> None:
    opener = urlplug.build_opener(plugins=("urlplug-http",))
    kinds = {type(h) for h in opener.handlers}
    assert {HTTPHandler, HTTPDefaultErrorHandler, HTTPRedirectHandler, HTTPErrorProcessor} <= kinds
    assert any(type(h).__name__ == "HTTPSHandler" for h in opener.handlers)
    opener.close()


def test_names_are_exported_through_urlplug() -> None:
    assert urlplug.HTTPHandler is HTTPHandler
    assert urlplug.ConnectionPool.__module__ == "urlplug_http.pool"


def test_urlopen_gets_a_page(http_server: LoopbackHTTPServer) -> None:
    url = http_server.url("/page?q=1")
    with urlplug.urlopen(url, timeout=TIMEOUT) as response:
        assert response.read() == b"GET /page?q=1"
        assert response.status == response.getcode() == response.code == 200
        assert response.reason == response.msg == "OK"
        assert response.geturl() == response.url == url
        assert response.info()["Content-Type"] == "text/plain"
        assert response.headers["Content-Length"] == "13"


def test_request_carries_host_user_agent_and_identity_encoding(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.open(http_server.url("/"), timeout=TIMEOUT).close()
    headers = http_server.seen[-1].headers
    assert headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert headers["User-Agent"].startswith("Python-urllib/")
    assert headers["Accept-Encoding"] == "identity"


def test_fragment_is_not_sent(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    with opener.open(http_server.url("/a#frag"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /a"
    assert http_server.seen[-1].path == "/a"


def test_post_data_is_form_encoded_with_a_length(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.open(http_server.url("/form"), data=b"a=1&b=2", timeout=TIMEOUT).close()
    seen = http_server.seen[-1]
    assert (seen.method, seen.body) == ("POST", b"a=1&b=2")
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.headers["Content-Length"] == "7"


def test_request_content_type_is_kept(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    req = urlplug.Request(http_server.url("/j"), data=b"{}", headers={"Content-Type": "application/json"})
    opener.open(req, timeout=TIMEOUT).close()
    assert http_server.seen[-1].headers["Content-Type"] == "application/json"


def test_file_body_of_known_size_gets_a_content_length(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    body = io.BytesIO(b"skip" + b"x" * 1000)
    body.read(4)
    opener.open(http_server.url("/f"), data=body, timeout=TIMEOUT).close()
    seen = http_server.seen[-1]
    assert seen.headers["Content-Length"] == "1000"
    assert seen.body == b"x" * 1000


def test_buffer_body_gets_its_byte_length(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.open(http_server.url("/b"), data=memoryview(b"abcdef")[1:4], timeout=TIMEOUT).close()
    assert http_server.seen[-1].headers["Content-Length"] == "3"


def test_iterable_body_is_sent_chunked(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.open(http_server.url("/c"), data=iter([b"ab", b"", b"cd"]), timeout=TIMEOUT).close()
    seen = http_server.seen[-1]
    assert seen.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in seen.headers
    assert seen.body == b"abcd"


def test_str_body_is_refused(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    with pytest.raises(TypeError, match="cannot be of type str"):
        opener.open(http_server.url("/"), data="text", timeout=TIMEOUT)


def test_explicit_method_is_used(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    req = urlplug.Request(http_server.url("/x"), data=b"v", method="PUT")
    with opener.open(req, timeout=TIMEOUT) as response:
        assert response.read() == b"PUT /x"


def test_head_response_has_no_body(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    with opener.open(urlplug.Request(http_server.url("/h"), method="HEAD"), timeout=TIMEOUT) as response:
        assert response.status == 200
        assert response.read() == b""


def test_addheaders_do_not_override_the_request(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    opener.addheaders = [("User-agent", "opener/1"), ("X-extra", "yes")]
    req = urlplug.Request(http_server.url("/"), headers={"User-Agent": "mine/2"})
    opener.open(req, timeout=TIMEOUT).close()
    headers = http_server.seen[-1].headers
    assert headers["User-Agent"] == "mine/2"
    assert headers["X-Extra"] == "yes"


def test_unredirected_header_wins_over_regular(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    req = urlplug.Request(http_server.url("/"), headers={"X-Which": "regular"})
    req.add_unredirected_header("X-which", "unredirected")
    opener.open(req, timeout=TIMEOUT).close()
    assert http_server.seen[-1].headers["X-Which"] == "unredirected"


def test_no_host_is_a_url_error(opener: urlplug.OpenerDirector) -> None:
    with pytest.raises(urlplug.URLError, match="no host given"):
        opener.open("http:///path", timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("headers", "method", "message"),
    [
        ({"X-Evil": "a\r\nInjected: 1"}, None, "invalid value for header 'X-evil'"),
        ({"X-Evil": b"a\nb"}, None, "invalid value for header 'X-evil'"),
        ({"Bad Name": "v"}, None, "invalid header name 'Bad name'"),
        ({}, "GET /x HTTP/1.1\r\nX:", "invalid method"),
        ({}, "PO ST", "invalid method"),
    ],
)
def test_bad_header_or_method_is_refused_when_sent_before_any_byte(
    http_server: LoopbackHTTPServer, headers: dict[str, Any], method: str | None, message: str
) -> None:
    req = urlplug.Request(http_server.url("/"), headers=headers, method=method)  # no error yet
    with pytest.raises(ValueError, match=re.escape(message)):
        urlplug.urlopen(req, timeout=TIMEOUT)
    assert http_server.seen == []
    assert http_server.connections == 0


@pytest.mark.parametrize(("path", "line"), [("", "/"), ("?q=1", "/?q=1")])
def test_a_url_without_a_path_asks_for_the_root(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, path: str, line: str
) -> None:
    url = f"http://127.0.0.1:{http_server.port}{path}"
    with opener.open(url, timeout=TIMEOUT) as response:
        assert response.read() == f"GET {line}".encode()
    assert http_server.seen[-1].path == line


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/a\r\nb", "http://127.0.0.1/a b\nc", "http://127.0.0.1/\x00"]
)
def test_url_with_control_characters_is_refused(opener: urlplug.OpenerDirector, url: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        opener.open(url, timeout=TIMEOUT)


def test_refused_connection_is_a_url_error(opener: urlplug.OpenerDirector) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(urlplug.URLError) as caught:
        opener.open(f"http://127.0.0.1:{port}/", timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ConnectionRefusedError)


def test_nonnumeric_port_is_refused(opener: urlplug.OpenerDirector) -> None:
    with pytest.raises(http.client.InvalidURL, match="nonnumeric port"):
        opener.open("http://127.0.0.1:port/", timeout=TIMEOUT)


# --- error processing ---------------------------------------------------------------------------


def _status(
    code: int, body: bytes = b"", headers: list[tuple[str, str]] | None = None
) -> Callable[[Seen], Reply]:
    return lambda seen: Reply(code, headers or [], body)


def test_404_raises_http_error_with_readable_body(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/missing"] = _status(404, b"nothing here", [("X-Why", "gone")])
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/missing"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.code == 404
        assert error.reason == "Not Found"
        assert error.headers["X-Why"] == "gone"
        assert error.read() == b"nothing here"
        assert error.geturl() == http_server.url("/missing")


@pytest.mark.parametrize("code", [201, 202, 204, 206])
def test_every_2xx_passes(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, code: int) -> None:
    http_server.routes["/s"] = _status(code)
    with opener.open(http_server.url("/s"), timeout=TIMEOUT) as response:
        assert response.status == code


def test_error_processor_hands_non_2xx_to_error_handlers(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    class Teapot(urlplug.BaseHandler):
        def http_error_418(self, req: Any, fp: Any, code: int, msg: str, hdrs: Any) -> Any:
            return fp  # accept the error response as the result

    http_server.routes["/tea"] = _status(418, b"short and stout")
    with make_opener(Teapot()).open(http_server.url("/tea"), timeout=TIMEOUT) as response:
        assert (response.status, response.read()) == (418, b"short and stout")


def test_without_error_processor_errors_are_returned(http_server: LoopbackHTTPServer) -> None:
    opener = urlplug.OpenerDirector()
    opener.add_handler(HTTPHandler())
    http_server.routes["/e"] = _status(500, b"oops")
    with opener, opener.open(http_server.url("/e"), timeout=TIMEOUT) as response:
        assert (response.status, response.read()) == (500, b"oops")


# --- do_open: urllib2's override point ----------------------------------------------------------


class CountingConnection(http.client.HTTPConnection):
    made = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self).made += 1
        super().__init__(*args, **kwargs)


class OwnClassHandler(HTTPHandler):
    def http_open(self, req: urlplug.Request) -> Any:
        return self.do_open(CountingConnection, req)


def test_do_open_with_own_class_uses_one_connection_per_request(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    CountingConnection.made = 0
    opener = make_opener(OwnClassHandler)
    for _ in range(3):
        with opener.open(http_server.url("/own"), timeout=TIMEOUT) as response:
            assert isinstance(response, http.client.HTTPResponse)
            assert response.read() == b"GET /own"
            assert response.url == http_server.url("/own")
            assert response.msg == "OK"  # type: ignore[comparison-overlap]
    assert CountingConnection.made == 3
    assert http_server.connections == 3
    assert http_server.seen[-1].headers["Connection"] == "close"


def test_do_open_with_own_class_turns_os_errors_into_url_errors(
    make_opener: Callable[..., urlplug.OpenerDirector],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(urlplug.URLError):
        make_opener(OwnClassHandler).open(f"http://127.0.0.1:{port}/", timeout=TIMEOUT)


def test_connection_class_is_looked_up_at_connection_time(
    monkeypatch: pytest.MonkeyPatch, opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    CountingConnection.made = 0
    monkeypatch.setattr(http.client, "HTTPConnection", CountingConnection)
    with opener.open(http_server.url("/patched"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /patched"
    assert CountingConnection.made == 1


def test_patched_class_with_its_own_response_still_works(
    monkeypatch: pytest.MonkeyPatch, opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    class Recorder(http.client.HTTPConnection):
        """Like a recording tool: its responses are plain http.client ones."""

        def getresponse(self) -> http.client.HTTPResponse:
            self.response_class = http.client.HTTPResponse
            return super().getresponse()

    monkeypatch.setattr(http.client, "HTTPConnection", Recorder)
    for _ in range(2):
        with opener.open(http_server.url("/rec"), timeout=TIMEOUT) as response:
            assert type(response) is http.client.HTTPResponse
            assert response.read() == b"GET /rec"


def test_abstract_handler_opens_nothing_itself() -> None:
    assert not hasattr(AbstractHTTPHandler, "http_open")
    assert hasattr(AbstractHTTPHandler, "do_open")


def test_debuglevel_defaults_to_http_clients_class_wide_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http.client.HTTPConnection, "debuglevel", 6)
    monkeypatch.setattr(http.client.HTTPSConnection, "debuglevel", 7)
    assert (HTTPHandler()._debuglevel, urlplug.HTTPSHandler()._debuglevel) == (6, 7)
    assert HTTPHandler(debuglevel=2)._debuglevel == 2


def test_debuglevel_prints_the_exchange(
    make_opener: Callable[..., urlplug.OpenerDirector],
    http_server: LoopbackHTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_opener(HTTPHandler(debuglevel=1)).open(http_server.url("/dbg"), timeout=TIMEOUT).close()
    out = capsys.readouterr().out
    assert "send: b'GET /dbg HTTP/1.1" in out
    assert "reply: 'HTTP/1.1 200 OK'" in out
    assert "header: Content-Length: 8" in out


def test_ipv6_loopback(opener: urlplug.OpenerDirector) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        server = LoopbackHTTPServer(host="::1").start()
    except OSError:
        pytest.skip("::1 is not available here")
    try:
        with opener.open(server.url("/six"), timeout=TIMEOUT) as response:
            assert response.read() == b"GET /six"
        assert server.seen[-1].headers["Host"] == f"[::1]:{server.port}"
    finally:
        server.stop()


def test_proxy_authorization_is_never_sent_to_an_origin(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    req = urlplug.Request(http_server.url("/"), headers={"Proxy-Authorization": "Basic c2VjcmV0"})
    opener.open(req, timeout=TIMEOUT).close()
    assert "Proxy-Authorization" not in http_server.seen[-1].headers


def test_https_subclass_with_own_class_uses_one_connection_per_request(
    make_opener: Callable[..., urlplug.OpenerDirector],
    https_server: LoopbackHTTPServer,
    client_tls: Any,
) -> None:
    from urlplug_http import HTTPSHandler

    class OwnHTTPS(HTTPSHandler):
        def https_open(self, req: urlplug.Request) -> Any:
            return self.do_open(http.client.HTTPSConnection, req, context=client_tls)

    opener = make_opener(OwnHTTPS)
    for _ in range(2):
        with opener.open(https_server.url("/own"), timeout=TIMEOUT) as response:
            assert response.read() == b"GET /own"
    assert https_server.connections == 2


def test_query_without_path_is_sent_with_a_slash(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    url = f"http://127.0.0.1:{http_server.port}?q=1"
    with opener.open(url, timeout=5) as response:
        assert response.read() == b"GET /?q=1"
    assert http_server.seen[-1].path == "/?q=1"


def test_header_set_directly_in_the_dict_is_still_checked(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    req = urlplug.Request(http_server.url("/"))
    req.headers["X-folded"] = "a\r\n\tb"
    with pytest.raises(ValueError, match="X-folded"):
        opener.open(req, timeout=5)
    assert http_server.seen == []


# --- a patched http.client (VCR-style tools, test doubles) ---------------------------------------


def fake_connection_class(answer: bytes) -> type[http.client.HTTPConnection]:
    """An ``HTTPConnection`` whose socket only has ``sendall`` and ``makefile``, as test doubles do."""

    class FakeSocket(io.BytesIO):
        sent = b""
        io_refs = 1  # as a socket: closed once it and the files made from it are closed

        def sendall(self, data: bytes) -> None:
            FakeSocket.sent += data

        def makefile(self, *args: Any, **kwargs: Any) -> FakeSocket:
            self.io_refs += 1
            return self

        def close(self) -> None:
            self.io_refs -= 1
            if not self.io_refs:
                super().close()

    class FakeConnection(http.client.HTTPConnection):
        socket_class = FakeSocket

        def connect(self) -> None:
            self.sock = FakeSocket(answer)  # type: ignore[assignment]

    return FakeConnection


def test_a_patched_http_connection_class_is_used_with_its_own_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fake_connection_class(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    monkeypatch.setattr(http.client, "HTTPConnection", fake)
    opener = urlplug.build_opener(plugins=("urlplug-http",))
    with opener.open("http://python.org:8080", timeout=TIMEOUT) as response:
        assert (response.status, response.read()) == (200, b"hello")
        assert response.geturl() == "http://python.org:8080"
    sent = fake.socket_class.sent  # type: ignore[attr-defined]
    assert sent.startswith(b"GET / HTTP/1.1\r\n")
    assert b"\r\nHost: python.org:8080\r\n" in sent
    opener.close()


def test_a_patched_connection_class_answering_a_redirect_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_connection_class(b"HTTP/1.1 302 Found\r\nLocation: ?query\r\nContent-Length: 0\r\n\r\n")
    monkeypatch.setattr(http.client, "HTTPConnection", fake)
    targets: list[str] = []
    real_request = fake.request

    def request(conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        targets.append(url)
        real_request(conn, method, url, *args, **kwargs)
        type(conn).connect = lambda self: setattr(  # type: ignore[method-assign]
            self,
            "sock",
            fake.socket_class(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),  # type: ignore[attr-defined]
        )

    monkeypatch.setattr(fake, "request", request)
    opener = urlplug.build_opener(plugins=("urlplug-http",))
    with opener.open("http://python.org/path", timeout=TIMEOUT) as response:
        assert (response.geturl(), response.read()) == ("http://python.org/path?query", b"ok")
    assert targets == ["/path", "/path?query"]
    opener.close()
