"""The proxy authentication handlers of urlplug-auth answering a proxy's 407, for HTTP and CONNECT."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

import urlplug
from urlplug import HTTPError, URLError

from ..servers.http import LoopbackHTTPServer, Reply, Seen
from ..servers.proxy import PROXY_PASSWORD, PROXY_USER, Tinyproxy
from .support import TIMEOUT, get, headers_of, no_proxy_credentials, opener_through


def _proxy_auth_handler(proxy: Tinyproxy, password: str = PROXY_PASSWORD) -> Any:
    handler = urlplug.ProxyBasicAuthHandler()
    handler.add_password("Tinyproxy", proxy.hostport, PROXY_USER, password)
    return handler


@pytest.mark.parametrize("server_fixture", ["http_server", "https_server"])
def test_proxy_basic_auth_handler_answers_the_407(
    server_fixture: str, tinyproxy_auth: Tinyproxy, client_tls: ssl.SSLContext, request: pytest.FixtureRequest
) -> None:
    server: LoopbackHTTPServer = request.getfixturevalue(server_fixture)
    opener = opener_through(tinyproxy_auth.url(), client_tls, _proxy_auth_handler(tinyproxy_auth))
    assert get(opener, server.url("/a")) == b"GET /a"
    assert len(server.seen) == 1
    assert no_proxy_credentials(server)


def test_wrong_proxy_password_fails_without_looping(
    http_server: LoopbackHTTPServer, tinyproxy_auth: Tinyproxy, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy_auth.url(), client_tls, _proxy_auth_handler(tinyproxy_auth, "wrong"))
    with pytest.raises(HTTPError) as raised:
        opener.open(http_server.url("/"), timeout=TIMEOUT)
    # tinyproxy answers wrong credentials with 401, missing ones with 407.
    assert raised.value.code in (401, 407)
    raised.value.close()
    assert http_server.seen == []


def test_wrong_proxy_password_for_a_tunnel_fails_without_looping(
    https_server: LoopbackHTTPServer, tinyproxy_auth: Tinyproxy, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy_auth.url(), client_tls, _proxy_auth_handler(tinyproxy_auth, "wrong"))
    # The proxy's refusal of the CONNECT is not the origin's answer: a URLError, not an HTTPError.
    with pytest.raises(URLError, match=r"Tunnel connection failed: 40[17]") as raised:
        opener.open(https_server.url("/"), timeout=TIMEOUT)
    assert not isinstance(raised.value, HTTPError)
    assert https_server.seen == []


def test_proxy_digest_auth_handler_answers_a_407(
    http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxy = http_server  # a fake proxy that demands Digest credentials

    def demand_digest(seen: Seen) -> Reply:
        if "proxy-authorization" in headers_of(seen):
            return Reply(200, body=b"through")
        challenge = 'Digest realm="proxy", nonce="abc123", qop="auth", algorithm=MD5'
        return Reply(407, [("Proxy-Authenticate", challenge)], b"who are you?")

    proxy.routes["http://origin.test/"] = demand_digest
    auth = urlplug.ProxyDigestAuthHandler()
    auth.add_password("proxy", f"127.0.0.1:{proxy.port}", "joe", "pw")
    opener = opener_through(proxy.url(), client_tls, auth)
    assert get(opener, "http://origin.test/") == b"through"
    first, second = proxy.seen
    assert "proxy-authorization" not in headers_of(first)
    assert headers_of(second)["proxy-authorization"].startswith("Digest ")
    assert second.path == "http://origin.test/"


def test_proxy_that_keeps_answering_407_is_given_up_on(
    http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxy = http_server
    proxy.routes["http://origin.test/"] = lambda seen: Reply(407, [("Proxy-Authenticate", 'Basic realm="p"')])
    auth = urlplug.ProxyBasicAuthHandler()
    auth.add_password("p", f"127.0.0.1:{proxy.port}", "joe", "pw")
    opener = opener_through(proxy.url(), client_tls, auth)
    with pytest.raises(HTTPError) as raised:
        opener.open("http://origin.test/", timeout=TIMEOUT)
    assert raised.value.code == 407
    raised.value.close()
    assert 2 <= len(proxy.seen) <= 10
