"""HTTPCookieProcessor with the jar, on an in-memory server: what is stored and what is sent."""

from __future__ import annotations

import http.cookiejar
import io
from collections.abc import Callable

import pytest

import urlplug
from urlplug import BaseHandler, OpenerDirector, Request, Response
from urlplug.response import make_headers
from urlplug_cookies import HTTPCookieProcessor


class Server(BaseHandler):
    """Stands in for the HTTP(S) handlers: answers with ``set_cookies`` and records each request."""

    def __init__(self) -> None:
        self.set_cookies: list[str] = []
        self.requests: list[Request] = []

    def _open(self, req: Request) -> Response:
        self.requests.append(req)
        headers = make_headers(("Set-Cookie", value) for value in self.set_cookies)
        return Response(io.BytesIO(b"ok"), headers, req.full_url, 200, "OK")

    http_open = https_open = ftp_open = _open

    def cookie_sent(self) -> str | None:
        return self.requests[-1].get_header("Cookie")  # type: ignore[no-any-return]


Visit = Callable[..., str | None]


@pytest.fixture
def server() -> Server:
    return Server()


def browse(server: Server, jar: http.cookiejar.CookieJar | None = None) -> tuple[HTTPCookieProcessor, Visit]:
    """An opener with the processor; ``visit(url, *set_cookies)`` opens url and returns the Cookie sent."""
    processor = HTTPCookieProcessor(jar)
    opener = OpenerDirector()
    opener.add_handler(processor)
    opener.add_handler(server)

    def visit(url: str | Request, *set_cookies: str) -> str | None:
        server.set_cookies = list(set_cookies)
        opener.open(url, timeout=5).close()
        return server.cookie_sent()

    return processor, visit


def test_default_jar_is_a_new_cookiejar() -> None:
    first, second = HTTPCookieProcessor(), HTTPCookieProcessor()
    assert type(first.cookiejar) is http.cookiejar.CookieJar
    assert first.cookiejar is not second.cookiejar


def test_given_jar_is_used() -> None:
    jar = http.cookiejar.MozillaCookieJar()
    assert HTTPCookieProcessor(jar).cookiejar is jar


def test_exported_by_urlplug_but_not_in_the_default_opener() -> None:
    assert urlplug.HTTPCookieProcessor is HTTPCookieProcessor
    assert not any(isinstance(h, HTTPCookieProcessor) for h in urlplug.build_opener(plugins=()).handlers)


def test_response_cookie_is_stored_and_sent_back(server: Server) -> None:
    processor, visit = browse(server)
    assert visit("http://example.test/login", "session=abc; Path=/") is None
    assert [c.name for c in processor.cookiejar] == ["session"]
    assert visit("http://example.test/home") == "session=abc"


def test_https_requests_and_responses_are_processed(server: Server) -> None:
    _, visit = browse(server)
    visit("https://example.test/", "id=1")
    assert visit("https://example.test/") == "id=1"


def test_other_schemes_are_not_processed(server: Server) -> None:
    processor, visit = browse(server)
    visit("http://example.test/", "id=1")
    assert visit("ftp://example.test/f", "other=2") is None
    assert [c.name for c in processor.cookiejar] == ["id"]


def test_cookie_header_is_unredirected(server: Server) -> None:
    _, visit = browse(server)
    visit("http://example.test/", "id=1")
    visit("http://example.test/")
    req = server.requests[-1]
    assert req.unredirected_hdrs["Cookie"] == "id=1"
    assert "Cookie" not in req.headers


def test_a_cookie_header_set_by_the_caller_is_kept(server: Server) -> None:
    _, visit = browse(server)
    visit("http://example.test/", "id=1")
    assert visit(Request("http://example.test/", headers={"Cookie": "mine=1"})) == "mine=1"


def test_cookie_is_not_sent_to_another_host(server: Server) -> None:
    _, visit = browse(server)
    visit("http://one.test/", "id=1")
    assert visit("http://two.test/") is None
    assert visit("http://notone.test/") is None


def test_strict_policy_keeps_host_only_cookies_on_their_host(server: Server) -> None:
    policy = http.cookiejar.DefaultCookiePolicy(
        strict_ns_domain=http.cookiejar.DefaultCookiePolicy.DomainStrict
    )
    _, visit = browse(server, http.cookiejar.CookieJar(policy))
    visit("http://one.test/", "id=1")
    assert visit("http://sub.one.test/") is None
    assert visit("http://one.test/") == "id=1"


def test_path_limits_where_a_cookie_goes(server: Server) -> None:
    _, visit = browse(server)
    visit("http://example.test/app/login", "id=1; Path=/app")
    assert visit("http://example.test/app/page") == "id=1"
    assert visit("http://example.test/other") is None


def test_domain_cookie_covers_subdomains(server: Server) -> None:
    _, visit = browse(server)
    visit("http://www.example.test/", "id=1; Domain=.example.test")
    assert visit("http://api.example.test/") == "id=1"


def test_cookie_for_a_foreign_domain_is_rejected(server: Server) -> None:
    processor, visit = browse(server)
    visit("http://evil.test/", "id=1; Domain=.example.test")
    assert list(processor.cookiejar) == []
    assert visit("http://www.example.test/") is None


def test_secure_cookie_is_sent_over_https_only(server: Server) -> None:
    _, visit = browse(server)
    visit("https://example.test/", "token=t; Secure")
    assert visit("https://example.test/") == "token=t"
    assert visit("http://example.test/") is None


def test_blocked_domain_neither_stores_nor_sends(server: Server) -> None:
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(blocked_domains=["tracker.test"]))
    processor, visit = browse(server, jar)
    visit("http://tracker.test/", "id=1")
    assert list(processor.cookiejar) == []
    jar.set_cookie(_cookie("planted", "tracker.test"))
    assert visit("http://tracker.test/") is None


def test_unverifiable_third_party_cookie_is_refused_under_strict_policy(server: Server) -> None:
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(strict_ns_unverifiable=True))
    processor, visit = browse(server, jar)
    embedded = Request("http://tracker.test/pixel", origin_req_host="site.test", unverifiable=True)
    visit(embedded, "id=1")
    assert list(processor.cookiejar) == []
    jar.set_cookie(_cookie("planted", "tracker.test"))
    embedded = Request("http://tracker.test/pixel", origin_req_host="site.test", unverifiable=True)
    assert visit(embedded) is None
    assert visit("http://tracker.test/") == "planted=1"


def test_expired_cookie_removes_the_stored_one(server: Server) -> None:
    processor, visit = browse(server)
    visit("http://example.test/", "id=1")
    visit("http://example.test/", "id=gone; Max-Age=0")
    assert list(processor.cookiejar) == []
    assert visit("http://example.test/") is None


@pytest.mark.parametrize("junk", ["", "=", ";;;", "=value-only", "id=1; Expires=notadate; Max-Age=x"])
def test_malformed_set_cookie_is_ignored(server: Server, junk: str) -> None:
    processor, visit = browse(server)
    assert visit("http://example.test/", junk) is None
    assert list(processor.cookiejar) == []
    assert visit("http://example.test/") is None


def test_bare_name_set_cookie_is_kept_as_a_name_without_value(server: Server) -> None:
    processor, visit = browse(server)
    visit("http://example.test/", "a" * 10_000)
    assert [(c.name, c.value) for c in processor.cookiejar] == [("a" * 10_000, None)]
    assert visit("http://example.test/") == "a" * 10_000


def _cookie(name: str, domain: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, "1", None, False, domain, False, False, "/", False, False, None, False, None, None, {}
    )
