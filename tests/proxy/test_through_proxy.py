"""Requests through a real forward proxy (tinyproxy on loopback) and through a recording fake proxy.

The HTTP plugin's side of the contract is tested here too: absolute URLs to an HTTP proxy, ``CONNECT``
tunnels for HTTPS, ``Proxy-Authorization`` on the proxy hop only, a 407 on ``CONNECT`` reaching the
error handlers, and the connection pool keyed by proxy.
"""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable

import pytest

import urlplug
from urlplug import HTTPError, Request, URLError
from urlplug_proxy import ProxyHandler

from ..servers.http import LoopbackHTTPServer, Reply
from ..servers.proxy import Tinyproxy
from .support import (
    CREDENTIALS,
    TIMEOUT,
    get,
    headers_of,
    no_proxy_credentials,
    opener_through,
    via_tinyproxy,
)

# --- plain HTTP through tinyproxy ------------------------------------------------------------------


def test_http_get_goes_through_the_proxy(
    tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy.url(), client_tls)
    assert get(opener, http_server.url("/a?x=1")) == b"GET /a?x=1"
    (seen,) = http_server.seen
    assert via_tinyproxy(seen)
    assert f"GET {http_server.url('/a?x=1')} " in tinyproxy.log()


def test_http_post_body_goes_through_the_proxy(
    tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy.url(), client_tls)
    opener.open(http_server.url("/form"), data=b"a=1&b=2", timeout=TIMEOUT).close()
    (seen,) = http_server.seen
    assert (seen.method, seen.body) == ("POST", b"a=1&b=2")
    assert via_tinyproxy(seen)


def test_sequential_http_gets_survive_the_proxy_closing_connections(
    tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    # tinyproxy closes the client connection after every response without saying so.
    opener = opener_through(tinyproxy.url(), client_tls)
    for i in range(4):
        assert get(opener, http_server.url(f"/{i}")) == f"GET /{i}".encode()
    assert len(http_server.seen) == 4
    assert all(via_tinyproxy(seen) for seen in http_server.seen)


def test_http_error_status_from_the_origin_passes_through(
    tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    http_server.routes["/missing"] = lambda seen: Reply(404, body=b"nope")
    opener = opener_through(tinyproxy.url(), client_tls)
    with pytest.raises(HTTPError) as raised:
        opener.open(http_server.url("/missing"), timeout=TIMEOUT)
    assert raised.value.code == 404
    raised.value.close()


def test_proxy_that_is_down_gives_url_error(
    http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    closed = LoopbackHTTPServer()
    port = closed.port
    closed.server_close()
    opener = opener_through(f"http://127.0.0.1:{port}", client_tls)
    with pytest.raises(URLError):
        opener.open(http_server.url("/"), timeout=TIMEOUT)
    assert http_server.seen == []


# --- HTTPS through a CONNECT tunnel ----------------------------------------------------------------


def test_https_get_goes_through_a_connect_tunnel(
    tinyproxy: Tinyproxy, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy.url(), client_tls)
    assert get(opener, https_server.url("/secret")) == b"GET /secret"
    assert f"CONNECT 127.0.0.1:{https_server.port} " in tinyproxy.log()
    (seen,) = https_server.seen
    assert seen.path == "/secret"  # origin form inside the tunnel, not the absolute URL
    assert not via_tinyproxy(seen)  # the proxy never saw inside the TLS tunnel


def test_https_tunnel_is_reused_for_the_next_request(
    tinyproxy: Tinyproxy, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy.url(), client_tls)
    for i in range(3):
        assert get(opener, https_server.url(f"/{i}")) == f"GET /{i}".encode()
    assert https_server.connections == 1
    assert tinyproxy.log().count("CONNECT 127.0.0.1:") == 1


def test_https_certificate_is_checked_for_the_origin_not_the_proxy(
    tinyproxy: Tinyproxy, https_server: LoopbackHTTPServer
) -> None:
    opener = opener_through(tinyproxy.url(), ssl.create_default_context())  # does not trust the test CA
    with pytest.raises(URLError) as raised:
        opener.open(https_server.url("/"), timeout=TIMEOUT)
    assert isinstance(raised.value.reason, ssl.SSLCertVerificationError)
    assert https_server.seen == []


def test_connect_refused_by_the_proxy_is_a_url_error(
    tinyproxy_factory: Callable[..., Tinyproxy], https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxy = tinyproxy_factory(connect_ports=[https_server.port + 1])  # any port but the server's
    opener = opener_through(proxy.url(), client_tls)
    with pytest.raises(URLError, match="Tunnel connection failed: 403"):
        opener.open(https_server.url("/"), timeout=TIMEOUT)
    assert https_server.seen == []


# --- proxy authentication --------------------------------------------------------------------------


def test_credentials_in_the_proxy_url_authenticate_http(
    tinyproxy_auth: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy_auth.url(CREDENTIALS), client_tls)
    assert get(opener, http_server.url("/a")) == b"GET /a"
    assert via_tinyproxy(http_server.seen[0])


def test_credentials_in_the_proxy_url_authenticate_connect(
    tinyproxy_auth: Tinyproxy, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy_auth.url(CREDENTIALS), client_tls)
    assert get(opener, https_server.url("/a")) == b"GET /a"
    assert f"CONNECT 127.0.0.1:{https_server.port} " in tinyproxy_auth.log()


@pytest.mark.parametrize("origin", ["http_server", "https_server"])  # a plain request, then a CONNECT
def test_missing_credentials_give_407(
    origin: str, tinyproxy_auth: Tinyproxy, client_tls: ssl.SSLContext, request: pytest.FixtureRequest
) -> None:
    server: LoopbackHTTPServer = request.getfixturevalue(origin)
    opener = opener_through(tinyproxy_auth.url(), client_tls)
    with pytest.raises(HTTPError) as raised:
        opener.open(server.url("/"), timeout=TIMEOUT)
    assert raised.value.code == 407
    assert raised.value.headers["Proxy-Authenticate"].startswith("Basic")
    raised.value.close()
    assert server.seen == []


# --- Proxy-Authorization never reaches an origin server ---------------------------------------------


def test_tunnelled_request_carries_no_proxy_authorization(
    tinyproxy: Tinyproxy, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    # This tinyproxy does not check credentials, so anything sent inside the tunnel would arrive.
    opener = opener_through(tinyproxy.url("someone:secret"), client_tls)
    get(opener, https_server.url("/"))
    get(opener, https_server.url("/again"))
    assert len(https_server.seen) == 2
    assert no_proxy_credentials(https_server)


def test_authenticating_proxy_does_not_forward_the_credentials(
    tinyproxy_auth: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy_auth.url(CREDENTIALS), client_tls)
    get(opener, http_server.url("/"))
    assert no_proxy_credentials(http_server)


def test_bypassed_host_gets_no_proxy_authorization(
    tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = opener_through(tinyproxy.url("someone:secret"), client_tls, no="127.0.0.1")
    get(opener, http_server.url("/"))
    (seen,) = http_server.seen
    assert not via_tinyproxy(seen)
    assert no_proxy_credentials(http_server)


def test_redirect_to_a_bypassed_host_drops_proxy_authorization(
    tinyproxy_auth: Tinyproxy,
    http_server: LoopbackHTTPServer,
    other_http_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
) -> None:
    target = other_http_server.url("/landed")
    http_server.routes["/go"] = lambda seen: Reply(302, [("Location", target)])
    opener = opener_through(
        tinyproxy_auth.url(CREDENTIALS), client_tls, no=f"127.0.0.1:{other_http_server.port}"
    )
    assert get(opener, http_server.url("/go")) == b"GET /landed"
    assert via_tinyproxy(http_server.seen[0])
    (landed,) = other_http_server.seen
    assert not via_tinyproxy(landed)
    assert no_proxy_credentials(other_http_server)


def test_redirect_from_a_bypassed_host_to_a_proxied_one_goes_through_the_proxy(
    tinyproxy: Tinyproxy,
    http_server: LoopbackHTTPServer,
    other_http_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
) -> None:
    target = other_http_server.url("/landed")
    http_server.routes["/go"] = lambda seen: Reply(302, [("Location", target)])
    opener = opener_through(tinyproxy.url(), client_tls, no=f"127.0.0.1:{http_server.port}")
    assert get(opener, http_server.url("/go")) == b"GET /landed"
    assert not via_tinyproxy(http_server.seen[0])
    assert via_tinyproxy(other_http_server.seen[0])


# --- no_proxy and the environment ------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["127.0.0.1", "127.0.0.0/8", "*", "{port}"])
def test_no_proxy_rule_sends_the_request_direct(
    rule: str, tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    rule = rule.replace("{port}", f"127.0.0.1:{http_server.port}")
    opener = opener_through(tinyproxy.url(), client_tls, no=rule)
    get(opener, http_server.url("/"))
    assert not via_tinyproxy(http_server.seen[0])
    assert "GET http://" not in tinyproxy.log()


def test_no_proxy_port_rule_leaves_other_ports_proxied(
    tinyproxy: Tinyproxy,
    http_server: LoopbackHTTPServer,
    other_http_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
) -> None:
    opener = opener_through(tinyproxy.url(), client_tls, no=f"127.0.0.1:{http_server.port}")
    get(opener, http_server.url("/"))
    get(opener, other_http_server.url("/"))
    assert not via_tinyproxy(http_server.seen[0])
    assert via_tinyproxy(other_http_server.seen[0])


def test_environment_configures_the_default_opener(
    proxy_env: pytest.MonkeyPatch,
    tinyproxy: Tinyproxy,
    http_server: LoopbackHTTPServer,
    https_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
) -> None:
    proxy_env.setenv("http_proxy", tinyproxy.url())
    proxy_env.setenv("HTTPS_PROXY", tinyproxy.url())
    opener = urlplug.build_opener(context=client_tls)
    get(opener, http_server.url("/"))
    get(opener, https_server.url("/"))
    assert via_tinyproxy(http_server.seen[0])
    assert f"CONNECT 127.0.0.1:{https_server.port} " in tinyproxy.log()


def test_environment_no_proxy_is_honoured(
    proxy_env: pytest.MonkeyPatch, tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer
) -> None:
    proxy_env.setenv("ALL_PROXY", tinyproxy.url())
    proxy_env.setenv("NO_PROXY", "example.test, 127.0.0.0/8")
    get(urlplug.build_opener(), http_server.url("/"))
    assert not via_tinyproxy(http_server.seen[0])


def test_httpoxy_cgi_environment_ignores_http_proxy(
    proxy_env: pytest.MonkeyPatch, tinyproxy: Tinyproxy, http_server: LoopbackHTTPServer
) -> None:
    proxy_env.setenv("REQUEST_METHOD", "GET")
    proxy_env.setenv("HTTP_PROXY", tinyproxy.url())  # what a client's "Proxy:" header becomes in CGI
    get(urlplug.build_opener(), http_server.url("/"))
    assert not via_tinyproxy(http_server.seen[0])
    assert "GET http://" not in tinyproxy.log()


# --- the HTTP plugin's side, seen by a recording fake proxy ------------------------------------------


def test_http_proxy_receives_the_absolute_url_and_credentials(
    http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxy = http_server  # records the request line as it arrives
    opener = opener_through(f"http://joe:pw@127.0.0.1:{proxy.port}", client_tls)
    assert get(opener, "http://origin.test:8080/a?b=1") == b"GET http://origin.test:8080/a?b=1"
    (seen,) = proxy.seen
    assert seen.path == "http://origin.test:8080/a?b=1"
    assert headers_of(seen)["host"] == "origin.test:8080"
    assert headers_of(seen)["proxy-authorization"] == "Basic " + base64.b64encode(b"joe:pw").decode()


def test_ftp_url_through_an_http_proxy(http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext) -> None:
    proxy = http_server
    proxy.routes["ftp://files.test/pub/x.txt"] = lambda seen: Reply(
        200, [("Content-Type", "text/plain")], b"file"
    )
    opener = urlplug.build_opener(ProxyHandler({"ftp": proxy.url()}), context=client_tls)
    with opener.open("ftp://files.test/pub/x.txt", timeout=TIMEOUT) as response:
        assert response.read() == b"file"
    (seen,) = proxy.seen
    assert (seen.method, seen.path) == ("GET", "ftp://files.test/pub/x.txt")


def test_pool_does_not_mix_direct_and_proxied_connections(
    http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    origin, proxy = http_server, other_http_server
    opener = urlplug.build_opener()
    get(opener, origin.url("/direct"))
    proxied = Request(origin.url("/proxied"))
    proxied.set_proxy(f"127.0.0.1:{proxy.port}", "http")
    get(opener, proxied)
    get(opener, origin.url("/direct-again"))
    assert [s.path for s in origin.seen] == ["/direct", "/direct-again"]
    assert [s.path for s in proxy.seen] == [origin.url("/proxied")]
    assert origin.connections == 1  # the direct connection was kept and reused


def test_pool_does_not_mix_direct_and_tunnelled_connections(
    tinyproxy: Tinyproxy, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = urlplug.build_opener(context=client_tls)
    get(opener, https_server.url("/direct"))
    tunnelled = Request(https_server.url("/tunnelled"))
    tunnelled.set_proxy(tinyproxy.hostport, "http")
    get(opener, tunnelled)
    get(opener, https_server.url("/direct-again"))
    assert tinyproxy.log().count("CONNECT 127.0.0.1:") == 1
    assert https_server.connections == 2
    assert [s.connection for s in https_server.seen] == [1, 2, 1]


def test_pool_keeps_tunnels_of_different_proxies_apart(
    tinyproxy_factory: Callable[..., Tinyproxy], https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    first, second = (tinyproxy_factory(connect_ports=[https_server.port]) for _ in range(2))
    opener = urlplug.build_opener(context=client_tls)
    for proxy in (first, second, first):
        request = Request(https_server.url("/"))
        request.set_proxy(proxy.hostport, "http")
        get(opener, request)
    assert first.log().count("CONNECT 127.0.0.1:") == 1
    assert second.log().count("CONNECT 127.0.0.1:") == 1
    assert [s.connection for s in https_server.seen] == [1, 2, 1]
