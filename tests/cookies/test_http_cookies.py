"""HTTPCookieProcessor against loopback servers: cookies across redirects, two origins, and files.

``127.0.0.1`` and ``localhost`` reach the same server but are two origins to the cookie jar (ports do
not separate cookies, RFC 6265 section 8.5).
"""

from __future__ import annotations

import http.cookiejar
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import urlplug
from urlplug_cookies import HTTPCookieProcessor

from ..servers.http import LoopbackHTTPServer, Reply, Seen

TIMEOUT = 10


def set_cookie(*cookies: str, status: int = 200, location: str | None = None) -> Callable[[Seen], Reply]:
    def route(seen: Seen) -> Reply:
        headers = [("Set-Cookie", cookie) for cookie in cookies]
        if location is not None:
            headers.append(("Location", location))
        return Reply(status, headers, b"set")

    return route


def redirect(location: str) -> Callable[[Seen], Reply]:
    return lambda seen: Reply(302, [("Location", location)])


def cookies_at(server: LoopbackHTTPServer, path: str) -> list[str | None]:
    """The Cookie header of each request the server got for ``path``."""
    return [
        next((v for k, v in seen.headers.items() if k.lower() == "cookie"), None)
        for seen in server.seen
        if seen.path == path
    ]


def browser(jar: http.cookiejar.CookieJar | None = None, context: ssl.SSLContext | None = None) -> Any:
    return urlplug.build_opener(HTTPCookieProcessor(jar), context=context)


def visit(opener: Any, url: str) -> bytes:
    with opener.open(url, timeout=TIMEOUT) as response:
        return response.read()  # type: ignore[no-any-return]


def test_cookie_set_by_a_response_is_sent_on_the_next_request(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/login"] = set_cookie("session=abc; Path=/")
    opener = browser()
    visit(opener, http_server.url("/login"))
    visit(opener, http_server.url("/home"))
    assert cookies_at(http_server, "/login") == [None]
    assert cookies_at(http_server, "/home") == ["session=abc"]


def test_cookie_set_by_a_redirect_is_sent_to_its_target(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/login"] = set_cookie("session=abc; Path=/", status=302, location="/home")
    opener = browser()
    assert visit(opener, http_server.url("/login")) == b"GET /home"
    assert cookies_at(http_server, "/home") == ["session=abc"]


def test_cookies_are_set_along_a_chain_of_redirects(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/one"] = set_cookie("a=1", status=302, location="/two")
    http_server.routes["/two"] = set_cookie("b=2", status=303, location="/three")
    opener = browser()
    visit(opener, http_server.url("/one"))
    assert cookies_at(http_server, "/two") == ["a=1"]
    (three,) = cookies_at(http_server, "/three")
    assert three is not None
    assert sorted(three.split("; ")) == ["a=1", "b=2"]


def test_cookie_does_not_follow_a_redirect_to_another_origin(http_server: LoopbackHTTPServer) -> None:
    other = http_server.url("/landed", host="localhost")
    http_server.routes["/login"] = set_cookie("session=abc; Path=/", status=302, location=other)
    opener = browser()
    assert visit(opener, http_server.url("/login")) == b"GET /landed"
    assert cookies_at(http_server, "/landed") == [None]


def test_cookie_comes_back_when_the_redirects_return_to_its_origin(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/login"] = set_cookie(
        "session=abc; Path=/", status=302, location=http_server.url("/away", host="localhost")
    )
    http_server.routes["/away"] = redirect(http_server.url("/back"))
    opener = browser()
    visit(opener, http_server.url("/login"))
    assert cookies_at(http_server, "/away") == [None]
    assert cookies_at(http_server, "/back") == ["session=abc"]


def test_each_origin_gets_its_own_cookies(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/ip"] = set_cookie("ip=1")
    http_server.routes["/name"] = set_cookie("name=1")
    opener = browser()
    visit(opener, http_server.url("/ip"))
    visit(opener, http_server.url("/name", host="localhost"))
    visit(opener, http_server.url("/check"))
    visit(opener, http_server.url("/check", host="localhost"))
    assert cookies_at(http_server, "/check") == ["ip=1", "name=1"]


def test_cookie_for_another_domain_is_not_stored(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/evil"] = set_cookie("stolen=1; Domain=localhost", "also=1; Domain=.local")
    jar = http.cookiejar.CookieJar()
    opener = browser(jar)
    visit(opener, http_server.url("/evil"))
    visit(opener, http_server.url("/check", host="localhost"))
    assert list(jar) == []
    assert cookies_at(http_server, "/check") == [None]


def test_blocked_domain_gets_no_cookies(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/login"] = set_cookie("session=abc")
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(blocked_domains=["127.0.0.1"]))
    opener = browser(jar)
    visit(opener, http_server.url("/login"))
    visit(opener, http_server.url("/home"))
    assert list(jar) == []
    assert cookies_at(http_server, "/home") == [None]


def test_third_party_cookie_on_a_redirect_is_refused_under_strict_policy(
    http_server: LoopbackHTTPServer,
) -> None:
    # The redirect's target is unverifiable (the user did not choose it) and of another origin.
    http_server.routes["/page"] = redirect(http_server.url("/track", host="localhost"))
    http_server.routes["/track"] = set_cookie("tracker=1")
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(strict_ns_unverifiable=True))
    visit(browser(jar), http_server.url("/page"))
    assert list(jar) == []


def test_third_party_cookie_on_a_redirect_is_kept_under_the_default_policy(
    http_server: LoopbackHTTPServer,
) -> None:
    http_server.routes["/page"] = redirect(http_server.url("/track", host="localhost"))
    http_server.routes["/track"] = set_cookie("tracker=1")
    jar = http.cookiejar.CookieJar()
    visit(browser(jar), http_server.url("/page"))
    assert [c.name for c in jar] == ["tracker"]


def test_same_origin_redirect_keeps_cookies_under_strict_policy(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/login"] = set_cookie("session=abc; Path=/", status=302, location="/home")
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(strict_ns_unverifiable=True))
    visit(browser(jar), http_server.url("/login"))
    assert cookies_at(http_server, "/home") == ["session=abc"]


def test_secure_cookie_goes_over_https_only(
    https_server: LoopbackHTTPServer, http_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    https_server.routes["/login"] = set_cookie("token=t; Secure; Path=/", "plain=p; Path=/")
    opener = browser(context=client_tls)
    visit(opener, https_server.url("/login"))
    visit(opener, https_server.url("/check"))
    visit(opener, http_server.url("/check"))  # the same host (127.0.0.1) over plain HTTP
    (over_tls,) = cookies_at(https_server, "/check")
    assert over_tls is not None
    assert sorted(over_tls.split("; ")) == ["plain=p", "token=t"]
    assert cookies_at(http_server, "/check") == ["plain=p"]


def test_cookie_header_is_not_copied_onto_a_redirect_to_another_origin(
    http_server: LoopbackHTTPServer,
) -> None:
    # The jar's cookie for 127.0.0.1 exists before the request: the header is added, then dropped.
    http_server.routes["/login"] = set_cookie("session=abc")
    http_server.routes["/go"] = redirect(http_server.url("/landed", host="localhost"))
    opener = browser()
    visit(opener, http_server.url("/login"))
    visit(opener, http_server.url("/go"))
    assert cookies_at(http_server, "/go") == ["session=abc"]
    assert cookies_at(http_server, "/landed") == [None]


@pytest.mark.parametrize("jar_class", [http.cookiejar.MozillaCookieJar, http.cookiejar.LWPCookieJar])
def test_saved_jar_round_trips(
    jar_class: type[http.cookiejar.FileCookieJar], http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    http_server.routes["/login"] = set_cookie("kept=1; Max-Age=3600; Path=/", "session=2; Path=/")
    path = tmp_path / "cookies.txt"
    first = jar_class(str(path))
    visit(browser(first), http_server.url("/login"))
    first.save()

    second = jar_class()
    second.load(str(path))
    assert [(c.name, c.value, c.domain) for c in second] == [("kept", "1", "127.0.0.1")]
    visit(browser(second), http_server.url("/check"))
    assert cookies_at(http_server, "/check") == ["kept=1"]


@pytest.mark.parametrize("jar_class", [http.cookiejar.MozillaCookieJar, http.cookiejar.LWPCookieJar])
def test_saved_jar_with_session_cookies_round_trips(
    jar_class: type[http.cookiejar.FileCookieJar], http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    http_server.routes["/login"] = set_cookie("session=2; Path=/")
    path = str(tmp_path / "cookies.txt")
    first = jar_class(path)
    visit(browser(first), http_server.url("/login"))
    first.save(ignore_discard=True)
    second = jar_class(path)
    second.load(ignore_discard=True)
    visit(browser(second), http_server.url("/check", host="localhost"))
    visit(browser(second), http_server.url("/check"))
    assert cookies_at(http_server, "/check") == [None, "session=2"]


def test_malformed_set_cookie_headers_do_not_break_the_response(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/junk"] = set_cookie("", "=", ";;;", "x" * 8000, "ok=1; Expires=never; Max-Age=soon")
    jar = http.cookiejar.CookieJar()
    assert visit(browser(jar), http_server.url("/junk")) == b"set"
