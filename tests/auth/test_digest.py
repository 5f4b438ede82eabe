"""HTTPDigestAuthHandler and ProxyDigestAuthHandler against the tests' own RFC 7616 server."""

from __future__ import annotations

import hashlib
import io
import ssl
import threading
from typing import Any

import pytest

import urlplug
from tests.servers.auth import (
    PASSWORD,
    USER,
    BasicAuthority,
    DigestAuthority,
    DigestForwardProxy,
    digest_params,
    proxy_authority,
)
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug.response import make_headers

TIMEOUT = 5
RFC7616_ALGORITHMS = ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"]


def passwords_for(uri: str, user: str = USER, password: str = PASSWORD) -> Any:
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, uri, user, password)
    return passwords


def digest_opener(uri: str, *extra: Any) -> urlplug.OpenerDirector:
    return urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords_for(uri)), *extra)


def header(seen: Seen, name: str = "Authorization") -> str | None:
    return next((v for k, v in seen.headers.items() if k.lower() == name.lower()), None)


def params(seen: Seen, name: str = "Authorization") -> dict[str, str]:
    value = header(seen, name)
    assert value is not None and value.startswith("Digest ")
    return digest_params(value)


def protect(server: LoopbackHTTPServer, authority: DigestAuthority, path: str = "/private") -> str:
    server.routes[path] = authority.route()
    return server.url(path)


@pytest.mark.parametrize("algorithm", RFC7616_ALGORITHMS)
def test_answers_each_rfc7616_algorithm(http_server: LoopbackHTTPServer, algorithm: str) -> None:
    authority = DigestAuthority(algorithms=[algorithm])
    url = protect(http_server, authority)
    with digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT) as response:
        assert response.read() == b"digest secret"
    assert [p["algorithm"] for p in authority.accepted] == [algorithm]
    assert authority.refused == []


def test_names_resolve_and_digest_runs_before_basic() -> None:
    assert urlplug.HTTPDigestAuthHandler.__module__ == "urlplug_auth.digest"
    assert urlplug.AbstractDigestAuthHandler.__module__ == "urlplug_auth.digest"
    assert urlplug.HTTPDigestAuthHandler.handler_order < urlplug.HTTPBasicAuthHandler.handler_order
    assert urlplug.ProxyDigestAuthHandler.handler_order < urlplug.ProxyBasicAuthHandler.handler_order


def test_credentials_carry_the_challenge_fields_and_echo_opaque(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(opaque='op"aque')
    url = protect(http_server, authority)
    digest_opener(http_server.url("/")).open(url + "?q=1", timeout=TIMEOUT).read()
    sent = params(http_server.seen[1])
    assert sent["username"] == USER
    assert sent["realm"] == "digest realm"
    assert sent["uri"] == "/private?q=1"
    assert sent["qop"] == "auth"
    assert sent["nc"] == "00000001"
    assert len(sent["cnonce"]) >= 16
    assert sent["opaque"] == 'op"aque'
    assert authority.accepted == [sent]


def test_nonce_is_reused_with_an_incrementing_count(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    for _ in range(4):
        assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
    assert authority.challenges == 1
    assert len(http_server.seen) == 5
    assert [p["nc"] for p in authority.accepted] == ["00000001", "00000002", "00000003", "00000004"]
    assert len({p["nonce"] for p in authority.accepted}) == 1


def test_each_request_gets_a_fresh_cnonce(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    for _ in range(5):
        opener.open(url, timeout=TIMEOUT).read()
    assert len({p["cnonce"] for p in authority.accepted}) == 5


def test_later_requests_ride_one_connection(http_server: LoopbackHTTPServer) -> None:
    url = protect(http_server, DigestAuthority())
    opener = digest_opener(http_server.url("/"))
    for _ in range(3):
        opener.open(url, timeout=TIMEOUT).read()
    assert {seen.connection for seen in http_server.seen} == {1}


def test_credentials_go_up_front_to_other_paths_of_the_origin(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    first, second = protect(http_server, authority, "/a"), protect(http_server, authority, "/b")
    opener = digest_opener(http_server.url("/"))
    opener.open(first, timeout=TIMEOUT).read()
    opener.open(second, timeout=TIMEOUT).read()
    assert authority.challenges == 1
    assert [p["uri"] for p in authority.accepted] == ["/a", "/b"]


def test_domain_limits_where_credentials_go_up_front(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(domain="/inside/")
    inside, outside = (
        protect(http_server, authority, "/inside/x"),
        protect(http_server, authority, "/outside"),
    )
    opener = digest_opener(http_server.url("/"))
    opener.open(inside, timeout=TIMEOUT).read()
    opener.open(outside, timeout=TIMEOUT).read()
    assert header(http_server.seen[2]) is None  # /outside was asked without credentials
    assert authority.challenges == 2


def test_stale_nonce_earns_one_retry_with_the_new_nonce(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    opener.open(url, timeout=TIMEOUT).read()
    authority.expire()
    assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
    assert authority.refused == ["stale"]
    old, new = authority.accepted
    assert old["nonce"] != new["nonce"]
    assert new["nc"] == "00000001"


def test_stale_forever_is_bounded(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    route = authority.route()

    def always_stale(seen: Seen) -> Reply:
        authority.expire()
        return route(seen)

    http_server.routes["/private"] = always_stale
    with pytest.raises(urlplug.HTTPError) as caught:
        digest_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    assert authority.refused == ["stale", "stale"]  # the answer to the challenge, then one stale retry


def test_wrong_password_ends_in_401_after_one_retry(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(users={USER: "something else"})
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(url, timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    assert len(http_server.seen) == 2
    with pytest.raises(urlplug.HTTPError) as again:  # the refused nonce is not sent up front again
        opener.open(url, timeout=TIMEOUT)
    again.value.close()
    assert header(http_server.seen[2]) is None


def test_nonce_refused_up_front_is_answered_afresh(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    opener.open(url, timeout=TIMEOUT).read()
    authority.nonces.clear()  # the server forgets its nonces without saying stale (a restart)
    assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
    assert authority.refused == ["unknown nonce"]
    assert authority.challenges == 2


def test_no_qop_uses_rfc2069_form(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(qop=None)
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    opener.open(url, timeout=TIMEOUT).read()
    sent = params(http_server.seen[1])
    assert "qop" not in sent and "nc" not in sent and "cnonce" not in sent
    assert len(authority.accepted) == 1


def test_auth_int_hashes_a_bytes_body(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(qop="auth-int")
    url = protect(http_server, authority)
    response = digest_opener(http_server.url("/")).open(url, data=b"name=value", timeout=TIMEOUT)
    assert response.read() == b"digest secret"
    assert authority.accepted[0]["qop"] == "auth-int"
    assert http_server.seen[1].body == b"name=value"


def test_auth_int_with_an_empty_body(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(qop="auth-int")
    url = protect(http_server, authority)
    assert digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT).read() == b"digest secret"


def test_auth_is_preferred_when_both_are_offered(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(qop="auth-int,auth")
    url = protect(http_server, authority)
    digest_opener(http_server.url("/")).open(url, data=b"x", timeout=TIMEOUT).read()
    assert authority.accepted[0]["qop"] == "auth"


def test_auth_int_with_a_streamed_body_is_a_clear_error(http_server: LoopbackHTTPServer) -> None:
    url = protect(http_server, DigestAuthority(qop="auth-int"))
    request = urlplug.Request(url, data=io.BytesIO(b"streamed"), headers={"Content-length": "8"})
    with pytest.raises(urlplug.URLError, match="auth-int"):
        digest_opener(http_server.url("/")).open(request, timeout=TIMEOUT)


def test_unsupported_qop_is_a_clear_error(http_server: LoopbackHTTPServer) -> None:
    url = protect(http_server, DigestAuthority(qop="auth-conf"))
    with pytest.raises(urlplug.URLError, match="auth-conf"):
        digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT)


def test_unsupported_algorithm_is_a_value_error_naming_it(http_server: LoopbackHTTPServer) -> None:
    url = protect(http_server, DigestAuthority(algorithms=["SHA-1024"]))
    with pytest.raises(ValueError, match="'SHA-1024'"):
        digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT)


def test_first_supported_algorithm_is_answered(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(algorithms=["SHA-1024", "SHA-256", "MD5"])
    url = protect(http_server, authority)
    digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT).read()
    assert [p["algorithm"] for p in authority.accepted] == ["SHA-256"]


def test_several_digest_challenges_in_one_header(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(algorithms=["SHA-512-256", "MD5"], one_header=True)
    url = protect(http_server, authority)
    digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT).read()
    assert [p["algorithm"] for p in authority.accepted] == ["SHA-512-256"]


def test_userhash_hides_the_user_name(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(userhash=True, algorithms=["SHA-256"])
    url = protect(http_server, authority)
    digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT).read()
    sent = params(http_server.seen[1])
    assert sent["userhash"] == "true"
    assert USER not in header(http_server.seen[1])  # type: ignore[operator]
    assert len(authority.accepted) == 1


def test_non_ascii_user_name_goes_as_an_ext_value(http_server: LoopbackHTTPServer) -> None:
    user = "J\u00e4s\u00f8n Doe"
    authority = DigestAuthority(users={user: "Secret, or not?"}, algorithms=["SHA-512-256"])
    url = protect(http_server, authority)
    passwords = passwords_for(http_server.url("/"), user, "Secret, or not?")
    urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords)).open(url, timeout=TIMEOUT).read()
    assert params(http_server.seen[1])["username*"] == "UTF-8''J%C3%A4s%C3%B8n%20Doe"
    assert len(authority.accepted) == 1


def test_no_credentials_gives_the_401(http_server: LoopbackHTTPServer) -> None:
    url = protect(http_server, DigestAuthority())
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler())
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(url, timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == 1


def test_challenge_without_nonce_gives_the_401(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = lambda seen: Reply(401, [("WWW-Authenticate", 'Digest realm="r"')], b"")
    with pytest.raises(urlplug.HTTPError) as caught:
        digest_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == 1


def test_only_unsupported_schemes_raise_value_error_naming_them(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = lambda seen: Reply(
        401, [("WWW-Authenticate", 'Kerberos realm="r"')], b""
    )
    with pytest.raises(ValueError, match="'Kerberos'"):
        digest_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT)


@pytest.mark.parametrize("one_header", [False, True])
def test_digest_wins_when_basic_is_offered_too(http_server: LoopbackHTTPServer, one_header: bool) -> None:
    authority = DigestAuthority(also=['Basic realm="digest realm"'], one_header=one_header)
    url = protect(http_server, authority)
    passwords = passwords_for(http_server.url("/"))
    # Basic is added first: handler_order, not argument order, decides.
    opener = urlplug.build_opener(
        urlplug.HTTPBasicAuthHandler(passwords), urlplug.HTTPDigestAuthHandler(passwords)
    )
    assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
    assert [header(seen).split()[0] for seen in http_server.seen[1:]] == ["Digest"]  # type: ignore[union-attr]


def test_basic_answers_when_digest_has_no_credentials(http_server: LoopbackHTTPServer) -> None:
    basic = BasicAuthority(realm="site")
    digest = DigestAuthority(realm="site")

    def either(seen: Seen) -> Reply:
        if basic.check(seen):
            return Reply(200, [], b"via basic")
        return digest.route()(seen)

    digest.also = [basic.challenge]
    http_server.routes["/private"] = either
    opener = urlplug.build_opener(
        urlplug.HTTPDigestAuthHandler(), urlplug.HTTPBasicAuthHandler(passwords_for(http_server.url("/")))
    )
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"via basic"


def test_unsupported_digest_algorithm_falls_back_to_basic(http_server: LoopbackHTTPServer) -> None:
    basic = BasicAuthority(realm="site")
    digest = DigestAuthority(realm="site", algorithms=["SHA-1024"], also=[basic.challenge])

    def either(seen: Seen) -> Reply:
        return Reply(200, [], b"via basic") if basic.check(seen) else digest.route()(seen)

    http_server.routes["/private"] = either
    passwords = passwords_for(http_server.url("/"))
    opener = urlplug.build_opener(
        urlplug.HTTPDigestAuthHandler(passwords), urlplug.HTTPBasicAuthHandler(passwords)
    )
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"via basic"


HOSTILE = [
    "Digest " + ", " * 30_000 + "A",
    'Digest realm="' + "\\" * 60_000,
    "Digest " + 'a="b", ' * 8_000,
    "Digest realm" + " " * 60_000 + "=x",
]


@pytest.mark.parametrize("challenge", HOSTILE, ids=["commas", "backslashes", "parameters", "spaces"])
def test_hostile_challenge_fails_fast_with_the_401(http_server: LoopbackHTTPServer, challenge: str) -> None:
    http_server.routes["/private"] = lambda seen: Reply(401, [("WWW-Authenticate", challenge)], b"")
    opener = digest_opener(
        http_server.url("/"), urlplug.HTTPBasicAuthHandler(passwords_for(http_server.url("/")))
    )
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401


def test_many_headers_many_challenges(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(algorithms=["MD5"], also=[f'Newauth{i} realm="r{i}"' for i in range(60)])
    url = protect(http_server, authority)
    assert digest_opener(http_server.url("/")).open(url, timeout=TIMEOUT).read() == b"digest secret"


# --- proxies ----------------------------------------------------------------------------------


def test_proxy_digest_answers_407_for_the_proxy(
    http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    authority = proxy_authority(algorithms=["SHA-256"])
    http_server.default_route = authority.route(b"through the proxy")
    handler = urlplug.ProxyDigestAuthHandler()
    handler.add_password("proxy realm", f"127.0.0.1:{http_server.port}", USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.ProxyHandler({"http": http_server.url("")}), handler)
    assert opener.open("http://origin.invalid/page", timeout=TIMEOUT).read() == b"through the proxy"
    sent = authority.accepted[0]
    assert sent["uri"] == "http://origin.invalid/page"  # the request-target the proxy saw
    assert header(http_server.seen[1], "Authorization") is None


def test_proxy_digest_finds_credentials_stored_under_the_request_url(
    http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    # urllib.request's ProxyDigestAuthHandler looks the proxy realm up under the request URL.
    http_server.default_route = proxy_authority().route()
    handler = urlplug.ProxyDigestAuthHandler()
    handler.add_password("proxy realm", "http://origin.invalid/", USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.ProxyHandler({"http": http_server.url("")}), handler)
    with opener.open("http://origin.invalid/page", timeout=TIMEOUT) as response:
        assert (response.status, response.read()) == (200, b"digest secret")
    assert header(http_server.seen[1], "Proxy-Authorization") is not None


def test_proxy_digest_without_credentials_for_the_proxy_realm_gives_the_407(
    http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    http_server.default_route = proxy_authority().route()
    handler = urlplug.ProxyDigestAuthHandler()
    handler.add_password("origin realm", "origin.invalid", USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.ProxyHandler({"http": http_server.url("")}), handler)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open("http://origin.invalid/page", timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 407
    assert len(http_server.seen) == 1


def test_proxy_digest_answers_a_407_to_connect(
    digest_proxy: DigestForwardProxy,
    https_server: LoopbackHTTPServer,
    client_tls: ssl.SSLContext,
    proxy_env: pytest.MonkeyPatch,
) -> None:
    handler = urlplug.ProxyDigestAuthHandler()
    handler.add_password("proxy realm", digest_proxy.url(), USER, PASSWORD)
    opener = urlplug.build_opener(
        urlplug.ProxyHandler({"https": digest_proxy.url()}), handler, context=client_tls
    )
    assert opener.open(https_server.url("/tunnelled"), timeout=TIMEOUT).read() == b"GET /tunnelled"
    first, second = digest_proxy.seen
    assert first.method == second.method == "CONNECT"
    sent = digest_proxy.authority.accepted[0]
    assert sent["uri"] == f"127.0.0.1:{https_server.port}"
    assert not any("proxy-authorization" in {k.lower() for k in s.headers} for s in https_server.seen)


def test_digest_through_a_real_proxy_covers_what_the_origin_sees(
    http_server: LoopbackHTTPServer, tinyproxy_factory: Any, proxy_env: pytest.MonkeyPatch
) -> None:
    # tinyproxy forwards "GET http://origin/private?q" as "GET /private?q": the digest must cover that.
    proxy = tinyproxy_factory()
    authority = DigestAuthority()
    url = protect(http_server, authority) + "?q=1"
    opener = digest_opener(http_server.url("/"), urlplug.ProxyHandler({"http": proxy.url()}))
    for _ in range(2):
        assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
    assert [p["uri"] for p in authority.accepted] == ["/private?q=1", "/private?q=1"]
    assert authority.challenges == 1


def test_proxy_digest_for_a_tunnel_covers_the_connect_line() -> None:
    class Parent:
        def open(self, req: urlplug.Request, timeout: Any = None) -> str:
            return "retried"

    handler = urlplug.ProxyDigestAuthHandler()
    handler.add_password("p", "proxy.example:3128", USER, PASSWORD)
    handler.add_parent(Parent())  # type: ignore[arg-type]
    request = urlplug.Request("https://origin.example/page")
    request.set_proxy("proxy.example:3128", "http")
    challenge = make_headers([("Proxy-Authenticate", 'Digest realm="p", nonce="n", qop="auth"')])
    assert handler.http_error_407(request, None, 407, "Proxy Authentication Required", challenge) == "retried"
    sent = digest_params(request.get_header("Proxy-authorization"))
    assert sent["uri"] == "origin.example:443"  # the CONNECT target, with the port the tunnel uses
    ha1 = hashlib.md5(f"{USER}:p:{PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(b"CONNECT:origin.example:443").hexdigest()
    expected = f"{ha1}:n:{sent['nc']}:{sent['cnonce']}:auth:{ha2}"
    assert sent["response"] == hashlib.md5(expected.encode()).hexdigest()


def test_one_opener_shared_by_threads(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    opener.open(url, timeout=TIMEOUT).read()
    failures: list[BaseException] = []

    def fetch() -> None:
        try:
            for _ in range(10):
                assert opener.open(url, timeout=TIMEOUT).read() == b"digest secret"
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(authority.accepted) == 41
    counts = [(p["nonce"], p["nc"]) for p in authority.accepted]
    assert len(set(counts)) == len(counts)  # no nonce count was used twice


def test_refused_credentials_stop_being_sent_up_front(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"))
    opener.open(url, timeout=TIMEOUT).read()
    authority.users[USER] = "changed on the server"
    for _ in range(2):
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(url, timeout=TIMEOUT)
        caught.value.close()
    sent_up_front = [header(seen) is not None for seen in http_server.seen[2:]]
    # Up front, refused, answered afresh, refused; then the next request starts without credentials.
    assert sent_up_front == [True, True, False, True]


def test_changed_credentials_are_used_up_front(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(users={USER: PASSWORD, "bob": "bobs password"})
    url = protect(http_server, authority)
    passwords = passwords_for(http_server.url("/"))
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords))
    opener.open(url, timeout=TIMEOUT).read()
    passwords.add_password(None, http_server.url("/"), "bob", "bobs password")
    opener.open(url, timeout=TIMEOUT).read()
    assert [p["username"] for p in authority.accepted] == [USER, "bob"]
    assert authority.challenges == 1


def test_same_nonce_challenged_again_counts_on(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority(nonce="the-only-nonce")
    route = authority.route()
    refused_once: list[Seen] = []

    def refuse_the_second(seen: Seen) -> Reply:
        if len(http_server.seen) == 3 and not refused_once:  # e.g. a request overtaken by another
            refused_once.append(seen)
            return authority.challenge()
        return route(seen)

    http_server.routes["/private"] = refuse_the_second
    opener = digest_opener(http_server.url("/"))
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"digest secret"
    assert params(refused_once[0])["nc"] == "00000002"
    assert [p["nc"] for p in authority.accepted] == ["00000001", "00000003"]


# --- urllib.request's interface ------------------------------------------------------------------


def test_refused_credentials_raise_digest_auth_failed_whatever_the_error_handlers(
    http_server: LoopbackHTTPServer,
) -> None:
    class Lenient(urlplug.BaseHandler):  # replaces the default error handler: returns the error
        def http_error_default(self, req: Any, fp: Any, code: int, msg: str, hdrs: Any) -> Any:
            return fp

    authority = DigestAuthority(users={USER: "something else"})
    url = protect(http_server, authority)
    opener = digest_opener(http_server.url("/"), Lenient)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(url, timeout=TIMEOUT)
    with caught.value:
        assert (caught.value.code, caught.value.reason) == (401, "digest auth failed")
        assert caught.value.geturl() == url
    assert len(http_server.seen) == 2  # the challenge and one answer: the retries are bounded


def test_an_override_of_http_error_401_may_reset_the_retry_count(http_server: LoopbackHTTPServer) -> None:
    class Custom(urlplug.HTTPDigestAuthHandler):  # as programs written for urllib2 override it
        def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            fp.close()
            retry = self.http_error_auth_reqed("www-authenticate", req.full_url, req, headers)
            self.reset_retry_count()
            return retry

    url = protect(http_server, DigestAuthority())
    opener = urlplug.build_opener(Custom(passwords_for(http_server.url("/"))))
    with opener.open(url, timeout=TIMEOUT) as response:
        assert response.read() == b"digest secret"


def test_get_cnonce_override_is_used_for_every_answer(http_server: LoopbackHTTPServer) -> None:
    class Fixed(urlplug.HTTPDigestAuthHandler):
        def get_cnonce(self, nonce: str) -> str:
            return "c" * 16

    url = protect(http_server, DigestAuthority())
    opener = urlplug.build_opener(Fixed(passwords_for(http_server.url("/"))))
    for _ in range(2):  # the answer to the challenge, then credentials sent up front
        opener.open(url, timeout=TIMEOUT).close()
    assert [params(seen)["cnonce"] for seen in http_server.seen[1:]] == ["c" * 16, "c" * 16]


def test_get_authorization_answers_challenge_parameters(http_server: LoopbackHTTPServer) -> None:
    handler = urlplug.HTTPDigestAuthHandler(passwords_for(http_server.url("/")))
    req = urlplug.Request(http_server.url("/private"))
    chal = {"realm": "digest realm", "nonce": "abc", "qop": "auth", "algorithm": "SHA-256"}
    answer = handler.get_authorization(req, chal)
    assert answer is not None
    fields = digest_params("Digest " + answer)
    assert (fields["username"], fields["nonce"], fields["uri"], fields["nc"]) == (
        USER,
        "abc",
        "/private",
        "00000001",
    )
    assert handler.get_authorization(urlplug.Request("http://elsewhere.invalid/"), chal) is None


def test_retry_http_digest_auth_answers_one_challenge(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    url = protect(http_server, authority)
    handler = urlplug.HTTPDigestAuthHandler(passwords_for(http_server.url("/")))
    opener = urlplug.build_opener(handler)
    with pytest.raises(urlplug.HTTPError) as caught:
        urlplug.build_opener().open(url, timeout=TIMEOUT)
    with caught.value:
        challenge = caught.value.headers["WWW-Authenticate"]
    req = urlplug.Request(url)
    with handler.retry_http_digest_auth(req, challenge) as response:
        assert response.read() == b"digest secret"
    assert opener is handler.parent


def test_get_algorithm_impls_and_entity_digest() -> None:
    handler = urlplug.AbstractDigestAuthHandler()
    h, kd = handler.get_algorithm_impls("SHA-256")
    assert h("x") == hashlib.sha256(b"x").hexdigest()
    assert kd("s", "d") == hashlib.sha256(b"s:d").hexdigest()
    with pytest.raises(ValueError, match=r"^Unsupported digest authentication algorithm 'invalid'$"):
        handler.get_algorithm_impls("invalid")
    assert handler.get_entity_digest(b"body", {"algorithm": "MD5"}) == hashlib.md5(b"body").hexdigest()
    assert handler.get_entity_digest(io.BytesIO(b"body"), {}) is None
