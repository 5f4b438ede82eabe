"""Retries inside the chain: redirects and authentication retries count apart, each hop on its own."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

import urlplug
from tests.servers.auth import PASSWORD, USER, BasicAuthority
from tests.servers.http import ForwardProxy, LoopbackHTTPServer, Reply, Seen
from urlplug_retry import RetryHandler

from .conftest import Sleeps, ok, refusal, replies

Opener = Callable[..., urlplug.OpenerDirector]
HTTP_AUTH_AND_RETRY = ("urlplug-http", "urlplug-auth", "urlplug-retry")


def redirect(to: str) -> Reply:
    return Reply(302, [("Location", to)], b"")


def test_each_redirect_hop_has_its_own_retries(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/a"] = replies(refusal(503, "1"), redirect("/b"))
    http_server.routes["/b"] = replies(refusal(503, "2"), ok())
    with make_opener(RetryHandler(total=1)).open(http_server.url("/a"), timeout=5) as response:
        assert (response.url, response.read()) == (http_server.url("/b"), b"fine")
    assert [seen.path for seen in http_server.seen] == ["/a", "/a", "/b", "/b"]
    assert sleeps == [1.0, 2.0]
    # The history is the hop's own: the redirect is no retry.
    assert [(a.url, a.status) for a in response.retry_history] == [
        (http_server.url("/b"), 503),
        (http_server.url("/b"), 200),
    ]
    assert http_server.connections == 1


def test_a_redirect_is_not_counted_as_a_retry(make_opener: Opener, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/a"] = replies(redirect("/b"))
    http_server.routes["/b"] = replies(redirect("/c"))
    with make_opener(RetryHandler(total=0)).open(http_server.url("/a"), timeout=5) as response:
        assert response.read() == b"GET /c"
        assert not hasattr(response, "retry_history")


def test_retries_ending_on_the_second_hop_raise_its_error(
    make_opener: Opener, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = replies(redirect("/b"))
    http_server.routes["/b"] = replies(refusal(503, "0", body=b"b is down"))
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(RetryHandler(total=2)).open(http_server.url("/a"), timeout=5)
    with info.value as error:
        assert (error.url, error.code, error.read()) == (http_server.url("/b"), 503, b"b is down")
        history = error.retry_history  # type: ignore[attr-defined]
        assert [(a.url, a.status) for a in history] == [(http_server.url("/b"), 503)] * 3


def test_an_authentication_retry_is_not_counted_and_has_its_own_retries(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    authority = BasicAuthority()
    protected = authority.route(b"the secret")
    answers = iter([refusal(503, "1")])

    def busy_once_when_authenticated(seen: Seen) -> Reply:
        if authority.check(seen):
            return next(answers, None) or protected(seen)
        return protected(seen)

    http_server.routes["/secret"] = busy_once_when_authenticated
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, http_server.url("/"), USER, PASSWORD)
    opener = make_opener(
        RetryHandler(total=1), urlplug.HTTPBasicAuthHandler(passwords), plugins=HTTP_AUTH_AND_RETRY
    )
    with opener.open(http_server.url("/secret"), timeout=5) as response:
        assert response.read() == b"the secret"
    assert ["Authorization" in seen.headers for seen in http_server.seen] == [False, True, True]
    assert sleeps == [1.0]
    assert [a.status for a in response.retry_history] == [503, 200]


def test_a_401_passes_to_the_authentication_handler(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/secret"] = BasicAuthority().route()
    opener = make_opener(RetryHandler(status_forcelist={503}), plugins=HTTP_AUTH_AND_RETRY)
    with pytest.raises(urlplug.HTTPError) as info:
        opener.open(http_server.url("/secret"), timeout=5)
    with info.value as error:
        assert error.code == 401
        assert not hasattr(error, "retry_history")
    assert sleeps == []


def test_cookies_of_the_last_refusal_are_kept(make_opener: Opener, http_server: LoopbackHTTPServer) -> None:
    """The refusal that ends the retries goes through the response stage like any response."""
    busy = refusal(503, "0")
    busy.headers.append(("Set-Cookie", "queue=42; Path=/"))
    http_server.routes["/busy"] = replies(busy)
    cookies = urlplug.HTTPCookieProcessor()
    opener = make_opener(
        RetryHandler(total=1), cookies, plugins=("urlplug-http", "urlplug-cookies", "urlplug-retry")
    )
    with pytest.raises(urlplug.HTTPError) as info:
        opener.open(http_server.url("/busy"), timeout=5)
    info.value.close()
    assert [cookie.value for cookie in cookies.cookiejar] == ["42"]
    assert http_server.seen[1].headers.get("Cookie") is None  # the retry went before the last answer


def test_https_retries_reuse_the_kept_alive_connection(
    make_opener: Opener, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext, sleeps: Sleeps
) -> None:
    https_server.routes["/busy"] = replies(refusal(503, "1"), ok())
    handler = urlplug.HTTPSHandler(context=client_tls)
    with make_opener(RetryHandler(), handler).open(https_server.url("/busy"), timeout=5) as response:
        assert response.read() == b"fine"
    assert https_server.connections == 1
    assert sleeps == [1.0]


def test_answers_of_a_responses_mock_are_retried(make_opener: Opener, sleeps: Sleeps) -> None:
    """The mock stands in for the network after this handler (490 > 200): its 503 is retried too."""
    import responses

    opener = make_opener(plugins=("urlplug-http", "urlplug-responses", "urlplug-retry"))
    with responses.RequestsMock() as mock:
        mock.get("http://api.example/items", status=503, headers={"Retry-After": "2"})
        mock.get("http://api.example/items", body="fine")
        with opener.open("http://api.example/items", timeout=5) as response:
            assert response.read() == b"fine"
        assert len(mock.calls) == 2
    assert sleeps == [2.0]


def test_threads_sharing_one_opener_count_their_retries_apart(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    for number in range(8):
        http_server.routes[f"/busy/{number}"] = replies(refusal(503, "1"), ok(b"%d" % number))
    opener = make_opener(RetryHandler(total=1))

    def fetch(number: int) -> tuple[bytes, list[int | None]]:
        with opener.open(http_server.url(f"/busy/{number}"), timeout=5) as response:
            return response.read(), [attempt.status for attempt in response.retry_history]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fetch, range(8)))
    assert results == [(b"%d" % number, [503, 200]) for number in range(8)]
    assert sleeps == [1.0] * 8


def test_retries_go_through_the_proxy_tunnel_it_already_holds(
    make_opener: Opener,
    https_server: LoopbackHTTPServer,
    forward_proxy: ForwardProxy,
    client_tls: ssl.SSLContext,
    sleeps: Sleeps,
) -> None:
    https_server.routes["/busy"] = replies(refusal(503, "1"), ok())
    proxies = urlplug.ProxyHandler({"https": forward_proxy.url()})
    handlers = (proxies, urlplug.HTTPSHandler(context=client_tls))
    opener = make_opener(
        RetryHandler(), *handlers, plugins=("urlplug-http", "urlplug-proxy", "urlplug-retry")
    )
    with opener.open(https_server.url("/busy"), timeout=5) as response:
        assert response.read() == b"fine"
    assert [seen.method for seen in forward_proxy.seen] == ["CONNECT"]
    assert len(https_server.seen) == 2
    assert sleeps == [1.0]
