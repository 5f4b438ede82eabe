"""What the HTTP handlers do for ProxyHandler: absolute URLs to proxies, CONNECT tunnels, 407 answers."""

from __future__ import annotations

import base64
import socket
from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.http import ForwardProxy, LoopbackHTTPServer, ScriptedServer, read_request

TIMEOUT = 5
CREDENTIALS = "Basic " + base64.b64encode(b"user:pass").decode()


class SetProxy(urlplug.BaseHandler):
    """What ProxyHandler does, reduced to the contract: set_proxy, optionally with credentials."""

    handler_order = 100

    def __init__(self, hostport: str, authorization: str | None = None) -> None:
        self.hostport = hostport
        self.authorization = authorization

    def http_open(self, req: urlplug.Request) -> None:
        self._route(req, "http")

    def https_open(self, req: urlplug.Request) -> None:
        self._route(req, "http")

    def _route(self, req: urlplug.Request, proxy_type: str) -> None:
        if req.host == self.hostport:
            return
        if self.authorization is not None:
            req.add_header("Proxy-authorization", self.authorization)
        req.set_proxy(self.hostport, proxy_type)


class RetryWithCredentials(urlplug.BaseHandler):
    """What ProxyBasicAuthHandler does on a 407: add the header and open the request again."""

    def __init__(self) -> None:
        self.challenges: list[str] = []

    def http_error_407(self, req: urlplug.Request, fp: Any, code: int, msg: str, hdrs: Any) -> Any:
        self.challenges.append(hdrs["Proxy-Authenticate"])
        if req.get_header("Proxy-authorization") == CREDENTIALS:
            return None
        fp.read()
        fp.close()
        req.add_unredirected_header("Proxy-authorization", CREDENTIALS)
        assert self.parent is not None
        return self.parent.open(req, timeout=req.timeout)


def _proxy_hostport(proxy: ForwardProxy) -> str:
    return f"127.0.0.1:{proxy.port}"


def test_http_request_goes_to_the_proxy_with_the_absolute_url(
    make_opener: Callable[..., urlplug.OpenerDirector], forward_proxy: ForwardProxy
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(forward_proxy)))
    with opener.open("http://origin.invalid:8080/path?q=1", timeout=TIMEOUT) as response:
        assert response.read() == b"proxied GET http://origin.invalid:8080/path?q=1"
        assert response.geturl() == "http://origin.invalid:8080/path?q=1"
    assert forward_proxy.seen[-1].headers["Host"] == "origin.invalid:8080"


def test_proxy_connection_is_reused_across_origins(
    make_opener: Callable[..., urlplug.OpenerDirector], forward_proxy: ForwardProxy
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(forward_proxy)))
    for host in ("a.invalid", "b.invalid", "a.invalid"):
        with opener.open(f"http://{host}/", timeout=TIMEOUT) as response:
            response.read()
    assert forward_proxy.connections == 1


def test_https_goes_through_a_connect_tunnel(
    make_opener: Callable[..., urlplug.OpenerDirector],
    client_tls: Any,
    https_server: LoopbackHTTPServer,
    forward_proxy: ForwardProxy,
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(forward_proxy)), context=client_tls)
    for _ in range(2):
        with opener.open(https_server.url("/tunnelled"), timeout=TIMEOUT) as response:
            assert response.read() == b"GET /tunnelled"
    connect = forward_proxy.seen[0]
    assert (connect.method, connect.target) == ("CONNECT", f"127.0.0.1:{https_server.port}")
    assert connect.headers["Host"] == f"127.0.0.1:{https_server.port}"
    assert len(forward_proxy.seen) == 1, "the tunnel is kept alive for the second request"
    assert https_server.connections == 1


def test_proxy_authorization_goes_only_on_the_connect(
    make_opener: Callable[..., urlplug.OpenerDirector],
    client_tls: Any,
    https_server: LoopbackHTTPServer,
    auth_proxy: ForwardProxy,
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(auth_proxy), CREDENTIALS), context=client_tls)
    with opener.open(https_server.url("/secret"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /secret"
    assert auth_proxy.seen[-1].headers["Proxy-Authorization"] == CREDENTIALS
    assert "Proxy-Authorization" not in https_server.seen[-1].headers


def test_refused_connect_is_an_http_error_with_the_proxys_answer(
    make_opener: Callable[..., urlplug.OpenerDirector],
    client_tls: Any,
    https_server: LoopbackHTTPServer,
    auth_proxy: ForwardProxy,
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(auth_proxy)), context=client_tls)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(https_server.url("/"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.code == 407
        assert error.headers["Proxy-Authenticate"] == 'Basic realm="proxy"'
        assert error.read() == b"proxy authentication required"
    assert https_server.seen == []


def test_407_handler_can_retry_the_tunnel_with_credentials(
    make_opener: Callable[..., urlplug.OpenerDirector],
    client_tls: Any,
    https_server: LoopbackHTTPServer,
    auth_proxy: ForwardProxy,
) -> None:
    retry = RetryWithCredentials()
    opener = make_opener(SetProxy(_proxy_hostport(auth_proxy)), retry, context=client_tls)
    with opener.open(https_server.url("/after-407"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /after-407"
    assert retry.challenges == ['Basic realm="proxy"']
    assert [s.headers.get("Proxy-Authorization") for s in auth_proxy.seen] == [None, CREDENTIALS]
    assert "Proxy-Authorization" not in https_server.seen[-1].headers


def test_plain_http_proxy_gets_proxy_authorization_in_the_request(
    make_opener: Callable[..., urlplug.OpenerDirector], auth_proxy: ForwardProxy
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(auth_proxy), CREDENTIALS))
    with opener.open("http://origin.invalid/x", timeout=TIMEOUT) as response:
        assert response.read() == b"proxied GET http://origin.invalid/x"


def test_tunnel_to_a_closed_port_is_an_error(
    make_opener: Callable[..., urlplug.OpenerDirector], client_tls: Any, forward_proxy: ForwardProxy
) -> None:
    opener = make_opener(SetProxy(_proxy_hostport(forward_proxy)), context=client_tls)
    with pytest.raises((urlplug.URLError, OSError)):
        opener.open("https://127.0.0.1:9/", timeout=TIMEOUT)


def _spoofing_proxy(target: str) -> Callable[[socket.socket, int], None]:
    """A proxy that answers CONNECT with a redirect and a cookie, as an attacker on its path could."""

    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() + b"\r\n"
            b"Set-Cookie: sid=evil; Path=/\r\nContent-Length: 5\r\nConnection: close\r\n\r\nspoof"
        )

    return script


def test_proxy_answer_to_connect_is_never_taken_for_the_origins(
    make_opener: Callable[..., urlplug.OpenerDirector],
    client_tls: Any,
    scripted_server: Callable[..., ScriptedServer],
    http_server: LoopbackHTTPServer,
) -> None:
    from http.cookiejar import CookieJar

    proxy = scripted_server(_spoofing_proxy(http_server.url("/phish")))
    jar = CookieJar()
    cookies = urlplug.HTTPCookieProcessor(jar)  # type: ignore[attr-defined]
    opener = make_opener(SetProxy(f"127.0.0.1:{proxy.port}"), cookies, context=client_tls)
    with pytest.raises(urlplug.URLError, match="Tunnel connection failed: 302"):
        opener.open("https://bank.example/", timeout=TIMEOUT)
    assert http_server.seen == []
    assert list(jar) == []
