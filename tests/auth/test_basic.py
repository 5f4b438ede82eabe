"""HTTPBasicAuthHandler and ProxyBasicAuthHandler against the tests' own loopback servers."""

from __future__ import annotations

import base64
import ssl
import warnings
from typing import Any

import pytest

import urlplug
from tests.servers.auth import PASSWORD, USER, BasicAuthority
from tests.servers.http import LoopbackHTTPServer, Reply, Seen

TIMEOUT = 5


def basic_opener(uri: str, realm: str | None = None, **kwargs: Any) -> urlplug.OpenerDirector:
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(realm, uri, USER, PASSWORD)
    return urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords), **kwargs)


def authorization(seen: Seen) -> str | None:
    return next((v for k, v in seen.headers.items() if k.lower() == "authorization"), None)


def expected_header(user: str = USER, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_names_resolve_through_urlplug() -> None:
    assert urlplug.HTTPBasicAuthHandler.__module__ == "urlplug_auth.basic"
    assert urlplug.ProxyBasicAuthHandler.__module__ == "urlplug_auth.basic"
    assert urlplug.AbstractBasicAuthHandler.__module__ == "urlplug_auth.basic"


def test_auth_handlers_do_not_join_default_openers() -> None:
    names = {type(h).__name__ for h in urlplug.build_opener().handlers}
    assert not names & {"HTTPBasicAuthHandler", "HTTPDigestAuthHandler", "ProxyBasicAuthHandler"}


def test_answers_a_401_and_returns_the_retried_response(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route(b"the secret")
    opener = basic_opener(http_server.url("/"), realm="basic realm")
    with opener.open(http_server.url("/private"), timeout=TIMEOUT) as response:
        assert response.status == 200
        assert response.read() == b"the secret"
    first, second = http_server.seen
    assert authorization(first) is None
    assert authorization(second) == expected_header()
    assert authority.accepted == [USER]


def test_retry_reuses_the_kept_alive_connection(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    opener = basic_opener(http_server.url("/"))
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    assert [seen.connection for seen in http_server.seen] == [1, 1]


def test_wrong_password_ends_in_401_after_one_retry(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority(users={USER: "another"}).route()
    opener = basic_opener(http_server.url("/"))
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    assert caught.value.code == 401
    caught.value.close()
    assert len(http_server.seen) == 2


def test_retries_are_bounded_when_the_password_manager_keeps_changing_its_answer(
    http_server: LoopbackHTTPServer,
) -> None:
    class Prompting(urlplug.HTTPPasswordMgr):
        """Answers with a new wrong password every time, like a user retyping one."""

        def __init__(self) -> None:
            super().__init__()
            self.asked = 0

        def find_user_password(self, realm: str | None, authuri: str) -> tuple[str | None, str | None]:
            self.asked += 1
            return USER, f"guess {self.asked}"

    http_server.routes["/private"] = BasicAuthority().route()
    handler = urlplug.HTTPBasicAuthHandler(Prompting())
    opener = urlplug.build_opener(handler)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == 1 + handler.max_retries


def test_no_credentials_for_the_realm_gives_the_401(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority(realm="other realm").route()
    passwords = urlplug.HTTPPasswordMgr()
    passwords.add_password("basic realm", http_server.url("/"), USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    assert len(http_server.seen) == 1


def test_the_401_body_stays_readable_when_not_retried(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler())
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.read() == b"authentication required"


def test_add_password_on_the_handler_feeds_its_manager(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    handler = urlplug.HTTPBasicAuthHandler()
    handler.add_password(realm="basic realm", uri=http_server.url("/"), user=USER, passwd=PASSWORD)
    opener = urlplug.build_opener(handler)
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"basic secret"


def test_unquoted_realm_warns_as_urllib_did_and_still_works(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority(realm="plain", quoted=False).route()
    opener = basic_opener(http_server.url("/"), realm="plain")
    with pytest.warns(UserWarning, match="Basic Auth Realm was unquoted"):
        response = opener.open(http_server.url("/private"), timeout=TIMEOUT)
    assert response.read() == b"basic secret"


def test_quoted_realm_does_not_warn(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    opener = basic_opener(http_server.url("/"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with opener.open(http_server.url("/private"), timeout=TIMEOUT) as response:
            assert response.status == 200
            assert response.read() == b"basic secret"


def test_charset_utf8_sends_utf8_credentials(http_server: LoopbackHTTPServer) -> None:
    user, password = "J\u00fcrgen", "p\u00e4ss\u20ac"
    authority = BasicAuthority(users={user: password}, charset=True)
    http_server.routes["/private"] = authority.route()
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, http_server.url("/"), user, password)
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"basic secret"
    assert authorization(http_server.seen[-1]) == expected_header(user, password)


def test_basic_after_another_challenge_in_the_same_header(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority(also=['Newauth realm="apps", type=1, title="Login to \\"apps\\""'])
    # One header holding both challenges: the Basic one is found after the other's parameters.
    challenge = ", ".join([*authority.also, authority.challenge])

    def route(seen: Seen) -> Reply:
        if authority.check(seen):
            return Reply(200, [], b"ok")
        return Reply(401, [("WWW-Authenticate", challenge)], b"")

    http_server.routes["/private"] = route
    assert (
        basic_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT).read() == b"ok"
    )


def test_basic_challenge_in_a_later_header(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority(also=["Negotiate", 'Newauth realm="x"']).route()
    opener = basic_opener(http_server.url("/"))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"basic secret"


def test_only_unsupported_schemes_raise_value_error_naming_them(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = lambda seen: Reply(401, [("WWW-Authenticate", "NTLM")], b"")
    opener = basic_opener(http_server.url("/"))
    with pytest.raises(ValueError, match="'NTLM'"):
        opener.open(http_server.url("/private"), timeout=TIMEOUT)


def test_401_without_a_challenge_is_the_401(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = lambda seen: Reply(401, [], b"")
    with pytest.raises(urlplug.HTTPError) as caught:
        basic_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401


def test_hostile_challenge_fails_fast_with_the_401(http_server: LoopbackHTTPServer) -> None:
    hostile = "Basic " + ", " * 30_000 + "A"  # CVE-2020-8492's shape, as large as http.client reads
    http_server.routes["/private"] = lambda seen: Reply(401, [("WWW-Authenticate", hostile)], b"")
    with pytest.raises(urlplug.HTTPError) as caught:
        basic_opener(http_server.url("/")).open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401


def test_over_https(https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext) -> None:
    https_server.routes["/private"] = BasicAuthority().route()
    opener = basic_opener(https_server.url("/"), context=client_tls)
    assert opener.open(https_server.url("/private"), timeout=TIMEOUT).read() == b"basic secret"


# --- prior authentication ---------------------------------------------------------------------


def prior_auth_opener(uri: str, is_authenticated: bool) -> urlplug.OpenerDirector:
    passwords = urlplug.HTTPPasswordMgrWithPriorAuth()
    passwords.add_password(None, uri, USER, PASSWORD, is_authenticated=is_authenticated)
    return urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))


def test_prior_auth_sends_credentials_up_front(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    opener = prior_auth_opener(http_server.url("/"), is_authenticated=True)
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    [seen] = http_server.seen
    assert authorization(seen) == expected_header()


def test_prior_auth_waits_for_a_401_until_authenticated(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    opener = prior_auth_opener(http_server.url("/"), is_authenticated=False)
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    assert [authorization(seen) is not None for seen in http_server.seen] == [False, True, True]


def test_prior_auth_is_forgotten_after_a_401(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route()
    passwords = urlplug.HTTPPasswordMgrWithPriorAuth()
    passwords.add_password(None, http_server.url("/"), USER, PASSWORD, is_authenticated=True)
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))
    authority.users[USER] = "changed"
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert passwords.is_authenticated(http_server.url("/private")) is False


def test_prior_auth_stays_inside_the_registered_uri(http_server: LoopbackHTTPServer) -> None:
    opener = prior_auth_opener(http_server.url("/private/"), is_authenticated=True)
    opener.open(http_server.url("/public"), timeout=TIMEOUT).read()
    opener.open(http_server.url("/public", host="localhost"), timeout=TIMEOUT).read()
    assert [authorization(seen) for seen in http_server.seen] == [None, None]


# --- proxies ----------------------------------------------------------------------------------


def proxy_route(authority: BasicAuthority) -> Any:
    """A stand-in proxy: answers 407 until it sees its Basic credentials in Proxy-Authorization."""

    def serve(seen: Seen) -> Reply:
        value = next((v for k, v in seen.headers.items() if k.lower() == "proxy-authorization"), "")
        if value == expected_header(*next(iter(authority.users.items()))):
            return Reply(200, [], f"proxied {seen.path}".encode())
        return Reply(407, [("Proxy-Authenticate", authority.challenge)], b"proxy auth required")

    return serve


def test_proxy_basic_answers_407_with_credentials_for_the_proxy(
    http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    http_server.default_route = proxy_route(BasicAuthority(realm="proxy realm"))
    proxy_auth = urlplug.ProxyBasicAuthHandler()
    proxy_auth.add_password("proxy realm", f"127.0.0.1:{http_server.port}", USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.ProxyHandler({"http": http_server.url("")}), proxy_auth)
    response = opener.open("http://origin.invalid/page", timeout=TIMEOUT)
    assert response.read() == b"proxied http://origin.invalid/page"
    first, second = http_server.seen
    assert "Proxy-authorization" not in first.headers and "Proxy-Authorization" not in first.headers
    assert {k.lower(): v for k, v in second.headers.items()}["proxy-authorization"] == expected_header()
    assert authorization(second) is None


def test_proxy_basic_credentials_are_not_those_of_the_origin(
    http_server: LoopbackHTTPServer, proxy_env: pytest.MonkeyPatch
) -> None:
    http_server.default_route = proxy_route(BasicAuthority(realm="proxy realm"))
    proxy_auth = urlplug.ProxyBasicAuthHandler()
    proxy_auth.add_password("proxy realm", "origin.invalid", USER, PASSWORD)  # the origin, not the proxy
    opener = urlplug.build_opener(urlplug.ProxyHandler({"http": http_server.url("")}), proxy_auth)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open("http://origin.invalid/page", timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 407
    assert len(http_server.seen) == 1


def test_proxy_handler_ignores_a_401(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    proxy_auth = urlplug.ProxyBasicAuthHandler()
    proxy_auth.add_password(None, http_server.url("/"), USER, PASSWORD)
    with pytest.raises(urlplug.HTTPError) as caught:
        urlplug.build_opener(proxy_auth).open(http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == 1
    assert not any("proxy-authorization" in {k.lower() for k in s.headers} for s in http_server.seen)


def test_prior_auth_records_only_changes(http_server: LoopbackHTTPServer) -> None:
    class Recording(urlplug.HTTPPasswordMgrWithPriorAuth):
        def __init__(self) -> None:
            super().__init__()
            self.updates: list[tuple[str, bool]] = []

        def update_authenticated(self, uri: Any, is_authenticated: bool = False) -> None:
            if isinstance(uri, str):
                self.updates.append((uri, is_authenticated))
            super().update_authenticated(uri, is_authenticated)

    http_server.routes["/a"] = http_server.routes["/b"] = BasicAuthority().route()
    passwords = Recording()
    passwords.add_password(None, http_server.url("/"), USER, PASSWORD)  # recorded as a list of one
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))
    for path in ("/a", "/a", "/b", "/b"):
        opener.open(http_server.url(path), timeout=TIMEOUT).read()
    # A 401 on an unknown-state URL stays False (no change); each URL turns True once.
    assert passwords.updates == [(http_server.url("/a"), True), (http_server.url("/b"), True)]


def test_documented_misspelling_is_the_same_method() -> None:
    # urllib2's documentation calls it http_error_auth_reged.
    assert (
        urlplug.AbstractBasicAuthHandler.http_error_auth_reged
        is urlplug.AbstractBasicAuthHandler.http_error_auth_reqed
    )
    assert (
        urlplug.AbstractDigestAuthHandler.http_error_auth_reged
        is urlplug.AbstractDigestAuthHandler.http_error_auth_reqed
    )


REALM = "realm@example.com"
BASIC = f'Basic realm="{REALM}"'
DIGEST = 'Digest realm="other@example.com", qop="auth, auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'


@pytest.mark.parametrize(
    "challenges",
    [
        [f"Basic realm='{REALM}'"],
        [f'Basic realm="{REALM}", charset="UTF-8"'],
        [f'{BASIC}, Basic realm="second@example.com"'],
        [f"{BASIC}, Otherscheme xxx"],
        [f"Otherscheme xxx, {BASIC}"],
        [f"{BASIC}, {DIGEST}"],
        [f"{DIGEST}, {BASIC}"],
        [DIGEST, BASIC],
        [BASIC, 'Basic realm="second@example.com"'],
    ],
)
def test_challenge_forms_urllib_accepts(http_server: LoopbackHTTPServer, challenges: list[str]) -> None:
    # The WWW-Authenticate forms of CPython's test_urllib2.test_basic_auth: the first Basic realm answers.
    authority = BasicAuthority(realm=REALM)

    def route(seen: Seen) -> Reply:
        if authority.check(seen):
            return Reply(200, [], b"ok")
        return Reply(401, [("WWW-Authenticate", c) for c in challenges], b"")

    http_server.routes["/private"] = route
    passwords = urlplug.HTTPPasswordMgr()
    passwords.add_password(REALM, http_server.url("/"), USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"ok"


def test_a_basic_challenge_after_a_flood_of_others_is_not_read(http_server: LoopbackHTTPServer) -> None:
    # 30 headers of 60,000 characters of bare tokens: the parser keeps the first MAX_CHALLENGES of
    # them and reads no further, so the Basic challenge behind them is never seen.
    flood = [("WWW-Authenticate", "a " * 30_000)] * 30
    http_server.routes["/private"] = lambda seen: Reply(401, [*flood, ("WWW-Authenticate", BASIC)], b"")
    opener = basic_opener(http_server.url("/"), REALM)
    with pytest.raises(ValueError, match="does not support the following scheme: 'a'"):
        opener.open(http_server.url("/private"), timeout=TIMEOUT)
