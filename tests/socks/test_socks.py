"""HTTP and HTTPS through SOCKS proxies: microsocks (SOCKS5) and a small SOCKS4/4a server on loopback."""

from __future__ import annotations

import errno
import ssl
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import trustme

import urlplug
from urlplug import URLError
from urlplug_proxy import ProxyHandler
from urlplug_socks import SOCKSError, SOCKSHandler

from ..servers.daemons import free_port
from ..servers.http import LoopbackHTTPServer, Reply
from ..servers.socks import SOCKS_PASSWORD, SOCKS_USER, Microsocks, Socks4Server

TIMEOUT = 10
CREDENTIALS = f"{quote(SOCKS_USER, safe='')}:{quote(SOCKS_PASSWORD, safe='')}"


def through(proxy: str, context: ssl.SSLContext, no: str | None = None, **handlers: Any) -> Any:
    """An opener sending http and https URLs through ``proxy``, bypassing ``no``."""
    proxies = {"http": proxy, "https": proxy}
    if no is not None:
        proxies["no"] = no
    return urlplug.build_opener(ProxyHandler(proxies), *handlers.values(), context=context)


def get(opener: Any, url: str) -> bytes:
    with opener.open(url, timeout=TIMEOUT) as response:
        return response.read()  # type: ignore[no-any-return]


# --- HTTP and HTTPS through SOCKS5 -----------------------------------------------------------------


def test_http_goes_through_socks5_in_origin_form(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks.url("socks5"), client_tls)
    assert get(opener, http_server.url("/a?x=1")) == b"GET /a?x=1"
    (seen,) = http_server.seen
    assert seen.path == "/a?x=1"  # not the absolute URL an HTTP proxy gets
    assert seen.headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert microsocks.connected_to() == [f"127.0.0.1:{http_server.port}"]


def test_post_body_goes_through_socks5(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks.url("socks5"), client_tls)
    opener.open(http_server.url("/form"), data=b"a=1&b=2", timeout=TIMEOUT).close()
    (seen,) = http_server.seen
    assert (seen.method, seen.body) == ("POST", b"a=1&b=2")
    assert len(microsocks.connected_to()) == 1


def test_https_goes_through_socks5h_with_tls_to_the_origin(
    microsocks: Microsocks, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks.url("socks5h"), client_tls)
    assert get(opener, https_server.url("/secure", host="localhost")) == b"GET /secure"
    assert microsocks.connected_to() == [f"localhost:{https_server.port}"]


def test_https_through_socks5_checks_the_certificate_against_the_origin_name(
    microsocks: Microsocks, ca: trustme.CA, client_tls: ssl.SSLContext
) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("elsewhere.example").configure_cert(tls)
    server = LoopbackHTTPServer(tls=tls).start()
    try:
        opener = through(microsocks.url("socks5h"), client_tls)
        with pytest.raises(URLError) as caught:
            get(opener, server.url("/", host="localhost"))
    finally:
        server.stop()
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert "localhost" in str(caught.value.reason)
    assert microsocks.connected_to() == [f"localhost:{server.port}"]  # it went through the proxy


def test_https_through_socks5_refuses_an_untrusted_certificate(
    microsocks: Microsocks, https_server: LoopbackHTTPServer
) -> None:
    opener = through(microsocks.url("socks5"), ssl.create_default_context())  # not the test CA
    with pytest.raises(URLError) as caught:
        get(opener, https_server.url("/"))
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)


def test_a_context_given_to_the_handler_is_used_for_https(
    microsocks: Microsocks, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxies = {"https": microsocks.url("socks5")}
    opener = urlplug.build_opener(ProxyHandler(proxies), SOCKSHandler(context=client_tls))
    assert get(opener, https_server.url("/mine")) == b"GET /mine"


def test_the_context_of_the_openers_https_handler_is_used_through_the_proxy(
    microsocks: Microsocks, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    proxies = {"https": microsocks.url("socks5")}
    opener = urlplug.build_opener(ProxyHandler(proxies), urlplug.HTTPSHandler(context=client_tls))
    url = https_server.url("/theirs")
    assert get(opener, url) == b"GET /theirs"
    assert microsocks.connected_to() == [urlsplit(url).netloc]  # it went through the proxy


# --- who resolves the name ---------------------------------------------------------------------------


def test_socks5h_leaves_the_name_to_the_proxy(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    get(through(microsocks.url("socks5h"), client_tls), http_server.url("/", host="localhost"))
    assert microsocks.connected_to() == [f"localhost:{http_server.port}"]


def test_socks5_resolves_the_name_here_and_sends_the_address(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    get(through(microsocks.url("socks5"), client_tls), http_server.url("/", host="localhost"))
    assert microsocks.connected_to() == [f"127.0.0.1:{http_server.port}"]


def test_socks5h_with_a_name_the_proxy_cannot_resolve_is_a_url_error(
    microsocks: Microsocks, client_tls: ssl.SSLContext
) -> None:
    with pytest.raises(URLError) as caught:
        get(through(microsocks.url("socks5h"), client_tls), "http://no-such-host.invalid/")
    assert isinstance(caught.value.reason, SOCKSError)


# --- credentials ---------------------------------------------------------------------------------


def test_username_and_password_are_accepted(
    microsocks_auth: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks_auth.url("socks5", CREDENTIALS), client_tls)
    assert get(opener, http_server.url("/in")) == b"GET /in"
    (seen,) = http_server.seen
    assert "Proxy-Authorization" not in seen.headers  # the proxy's credentials stay with the proxy


def test_a_wrong_password_is_a_clean_url_error(
    microsocks_auth: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks_auth.url("socks5", f"{SOCKS_USER}:wrong"), client_tls)
    with pytest.raises(URLError) as caught:
        get(opener, http_server.url("/"))
    assert isinstance(caught.value.reason, SOCKSError)
    assert "authentication failure" in str(caught.value.reason)
    assert wrong_password_hidden(caught.value)
    assert http_server.seen == []


def wrong_password_hidden(error: URLError) -> bool:
    return "wrong" not in str(error) and "wrong" not in repr(error.reason)


def test_no_credentials_for_a_proxy_that_wants_them_is_a_clean_url_error(
    microsocks_auth: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    with pytest.raises(URLError) as caught:
        get(through(microsocks_auth.url("socks5"), client_tls), http_server.url("/"))
    assert isinstance(caught.value.reason, SOCKSError)
    assert http_server.seen == []


# --- faults --------------------------------------------------------------------------------------


def test_a_proxy_that_is_down_is_a_url_error(
    http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(f"socks5://127.0.0.1:{free_port()}", client_tls)
    with pytest.raises(URLError) as caught:
        get(opener, http_server.url("/"))
    assert isinstance(caught.value.reason, ConnectionRefusedError)
    assert caught.value.reason.errno == errno.ECONNREFUSED
    assert "SOCKS proxy" in str(caught.value.reason)
    assert http_server.seen == []  # never sent directly


def test_an_origin_the_proxy_cannot_reach_is_a_url_error(
    microsocks: Microsocks, client_tls: ssl.SSLContext
) -> None:
    with pytest.raises(URLError) as caught:
        get(through(microsocks.url("socks5"), client_tls), f"http://127.0.0.1:{free_port()}/")
    assert isinstance(caught.value.reason, SOCKSError)


def test_an_ftp_url_routed_to_a_socks_proxy_is_refused_not_sent_directly(
    microsocks: Microsocks, proxy_env: pytest.MonkeyPatch
) -> None:
    proxy_env.setenv("ALL_PROXY", microsocks.url("socks5"))
    with pytest.raises(URLError, match="SOCKS proxy"):
        urlplug.build_opener().open("ftp://127.0.0.1:9/file", timeout=TIMEOUT)
    assert microsocks.connected_to() == []


# --- no_proxy and the environment ------------------------------------------------------------------


def test_no_proxy_hosts_are_reached_directly(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    assert get(through(microsocks.url("socks5"), client_tls, no="127.0.0.1"), http_server.url("/d")) == (
        b"GET /d"
    )
    assert microsocks.connected_to() == []


@pytest.mark.parametrize("variable", ["ALL_PROXY", "all_proxy", "http_proxy"])
def test_the_environment_configures_socks(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch, variable: str
) -> None:
    proxy_env.setenv(variable, microsocks.url("socks5h"))
    assert get(urlplug.build_opener(), http_server.url("/env", host="localhost")) == b"GET /env"
    assert microsocks.connected_to() == [f"localhost:{http_server.port}"]


def test_https_proxy_in_the_environment_with_credentials(
    microsocks_auth: Microsocks,
    https_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
    proxy_env: pytest.MonkeyPatch,
) -> None:
    proxy_env.setenv("https_proxy", microsocks_auth.url("socks5", CREDENTIALS))
    assert get(urlplug.build_opener(context=client_tls), https_server.url("/e")) == b"GET /e"
    assert len(microsocks_auth.connected_to()) == 1


def test_no_proxy_in_the_environment_is_respected(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    proxy_env.setenv("ALL_PROXY", microsocks.url("socks5"))
    proxy_env.setenv("NO_PROXY", "localhost,127.0.0.0/8")
    assert get(urlplug.build_opener(), http_server.url("/direct")) == b"GET /direct"
    assert microsocks.connected_to() == []


# --- keep-alive through the tunnel -------------------------------------------------------------------


def test_connections_through_the_proxy_are_kept_alive(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks.url("socks5"), client_tls)
    bodies = [get(opener, http_server.url(f"/{i}")) for i in range(3)]
    assert bodies == [b"GET /0", b"GET /1", b"GET /2"]
    assert http_server.connections == 1
    assert len(microsocks.connected_to()) == 1


def test_https_connections_through_the_proxy_are_kept_alive(
    microsocks: Microsocks, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(microsocks.url("socks5h"), client_tls)
    for i in range(3):
        assert get(opener, https_server.url(f"/{i}", host="localhost")) == f"GET /{i}".encode()
    assert https_server.connections == 1
    assert len(microsocks.connected_to()) == 1


def test_each_proxy_keeps_its_own_connections(
    microsocks_factory: Any, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    first, second = microsocks_factory(), microsocks_factory()
    handler = SOCKSHandler()
    one = through(first.url("socks5"), client_tls, socks=handler)
    two = through(second.url("socks5"), client_tls, socks=handler)  # the same pool
    for _ in range(2):
        get(one, http_server.url("/"))
        get(two, http_server.url("/"))
    assert (len(first.connected_to()), len(second.connected_to())) == (1, 1)
    assert http_server.connections == 2


def test_a_redirect_is_followed_through_the_proxy(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/new")])
    assert get(through(microsocks.url("socks5"), client_tls), http_server.url("/old")) == b"GET /new"
    assert [seen.path for seen in http_server.seen] == ["/old", "/new"]
    assert http_server.connections == 1
    assert len(microsocks.connected_to()) == 1


# --- SOCKS4 and SOCKS4a (a small server of the tests: microsocks speaks SOCKS5 only) ----------------


def test_socks4_sends_the_address_and_the_user_id(
    socks4_server: Socks4Server, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(socks4_server.url("socks4", "alice"), client_tls)
    assert get(opener, http_server.url("/4", host="localhost")) == b"GET /4"
    (request,) = socks4_server.seen
    assert (request.host, request.port, request.user_id) == ("127.0.0.1", http_server.port, "alice")


def test_socks4a_leaves_the_name_to_the_proxy(
    socks4_server: Socks4Server, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = through(socks4_server.url("socks4a"), client_tls)
    assert get(opener, https_server.url("/4a", host="localhost")) == b"GET /4a"
    (request,) = socks4_server.seen
    assert (request.host, request.port, request.user_id) == ("localhost", https_server.port, "")


def test_socks4_refusal_is_a_url_error(
    socks4_server: Socks4Server, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    socks4_server.user_id = "alice"
    with pytest.raises(URLError) as caught:
        get(through(socks4_server.url("socks4", "mallory"), client_tls), http_server.url("/"))
    assert isinstance(caught.value.reason, SOCKSError)
    assert http_server.seen == []


def test_a_proxy_that_never_answers_the_handshake_times_out_as_a_url_error(
    scripted_server: Any, client_tls: ssl.SSLContext
) -> None:
    def mute(sock: Any, number: int) -> None:
        sock.recv(65536)  # the client's greeting, never answered
        sock.recv(1)  # until the client gives up

    silent = scripted_server(mute)
    opener = through(f"socks5://127.0.0.1:{silent.port}", client_tls)
    with pytest.raises(URLError) as caught:
        opener.open("http://127.0.0.1:9/", timeout=0.3)
    assert isinstance(caught.value.reason, TimeoutError)


@pytest.mark.parametrize("reply", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b"\x05"])
def test_a_proxy_that_is_not_socks_is_a_url_error(
    scripted_server: Any, client_tls: ssl.SSLContext, reply: bytes
) -> None:
    def answer(sock: Any, number: int) -> None:
        sock.recv(65536)
        sock.sendall(reply)

    impostor = scripted_server(answer)
    opener = through(f"socks5://127.0.0.1:{impostor.port}", client_tls)
    with pytest.raises(URLError) as caught:
        opener.open("http://127.0.0.1:9/", timeout=TIMEOUT)
    assert isinstance(caught.value.reason, SOCKSError)


def test_an_error_after_an_authentication_retry_through_the_proxy_is_raised(
    microsocks: Microsocks, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    def gone_once_authorized(seen: Any) -> Reply:
        if seen.headers.get("Authorization"):
            return Reply(404, body=b"gone")
        return Reply(401, [("WWW-Authenticate", 'Basic realm="r"')])

    http_server.routes["/gone"] = gone_once_authorized
    auth = urlplug.HTTPBasicAuthHandler()
    auth.add_password("r", http_server.url("/"), "user", "pass")
    with pytest.raises(urlplug.HTTPError) as caught:
        get(through(microsocks.url("socks5"), client_tls, auth=auth), http_server.url("/gone"))
    assert caught.value.code == 404
    assert len(http_server.seen) == 2
    assert len(microsocks.connected_to()) == 1


@pytest.mark.parametrize("server_fixture", ["http_server", "https_server"])
def test_an_authentication_retry_goes_through_the_proxy_again(
    microsocks: Microsocks, client_tls: ssl.SSLContext, request: pytest.FixtureRequest, server_fixture: str
) -> None:
    server: LoopbackHTTPServer = request.getfixturevalue(server_fixture)

    def private(seen: Any) -> Reply:
        if seen.headers.get("Authorization") == "Basic dXNlcjpwYXNz":  # user:pass
            return Reply(200, body=b"welcome")
        return Reply(401, [("WWW-Authenticate", 'Basic realm="r"')])

    server.routes["/private"] = private
    auth = urlplug.HTTPBasicAuthHandler()
    auth.add_password("r", server.url("/"), "user", "pass")
    opener = through(microsocks.url("socks5h"), client_tls, auth=auth)
    assert get(opener, server.url("/private")) == b"welcome"
    assert [seen.headers.get("Authorization") for seen in server.seen] == [None, "Basic dXNlcjpwYXNz"]
    assert server.connections == 1  # both on the one connection through the proxy
    assert len(microsocks.connected_to()) == 1
