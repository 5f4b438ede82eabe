"""Against real loopback servers: inert without a mock, nothing sent with one, passthrough, every opener."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses

import urlplug
from urlplug.opener import forget_openers
from urlplug_http import HTTPResponse

from ..servers.http import LoopbackHTTPServer

TIMEOUT = 10


@pytest.fixture
def fresh_openers() -> Iterator[None]:
    """No installed opener before or after the test, so ``urlopen`` builds the default one."""
    forget_openers()
    yield
    forget_openers()


def test_without_a_mock_requests_reach_the_server(opener: Any, http_server: LoopbackHTTPServer) -> None:
    response = opener.open(http_server.url("/real"), timeout=TIMEOUT)
    assert isinstance(response, HTTPResponse)
    assert response.read() == b"GET /real"
    assert [seen.path for seen in http_server.seen] == ["/real"]


def test_a_mocked_url_sends_nothing_to_its_server(opener: Any, http_server: LoopbackHTTPServer) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(http_server.url("/real"), body="mocked")
        assert opener.open(http_server.url("/real"), timeout=TIMEOUT).read() == b"mocked"
    assert http_server.seen == []
    assert http_server.connections == 0


def test_an_unmatched_url_is_refused_without_reaching_its_server(
    opener: Any, http_server: LoopbackHTTPServer
) -> None:
    with responses.RequestsMock(), pytest.raises(urlplug.URLError, match="Connection refused by Responses"):
        opener.open(http_server.url("/real"), timeout=TIMEOUT)
    assert http_server.connections == 0


def test_requests_are_real_again_when_the_mock_stops(opener: Any, http_server: LoopbackHTTPServer) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(http_server.url("/x"), body="mocked")
        assert opener.open(http_server.url("/x"), timeout=TIMEOUT).read() == b"mocked"
    assert opener.open(http_server.url("/x"), timeout=TIMEOUT).read() == b"GET /x"
    assert len(http_server.seen) == 1


def test_a_passthru_prefix_goes_over_urlplugs_http_handler(
    opener: Any, http_server: LoopbackHTTPServer
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add_passthru(http_server.url("/live/"))
        rsps.get(http_server.url("/mocked"), body="mocked")
        response = opener.open(http_server.url("/live/x"), data=b"payload", timeout=TIMEOUT)
        assert isinstance(response, HTTPResponse)  # urlplug-http's, read from the socket
        assert response.read() == b"POST /live/x"
        assert opener.open(http_server.url("/mocked"), timeout=TIMEOUT).read() == b"mocked"
    (seen,) = http_server.seen
    assert (seen.path, seen.body) == ("/live/x", b"payload")
    assert seen.headers["User-Agent"].startswith("Python-urllib/")  # not requests' own sender


def test_a_passthru_pattern_goes_to_the_server(opener: Any, http_server: LoopbackHTTPServer) -> None:
    import re

    with responses.RequestsMock() as rsps:
        rsps.add_passthru(re.compile(re.escape(http_server.url("/")) + r"v\d+/"))
        assert opener.open(http_server.url("/v2/x"), timeout=TIMEOUT).read() == b"GET /v2/x"
        with pytest.raises(urlplug.URLError, match="Passthru prefixes"):
            opener.open(http_server.url("/other"), timeout=TIMEOUT)
    assert [seen.path for seen in http_server.seen] == ["/v2/x"]


def test_a_passthru_request_keeps_a_file_body(opener: Any, http_server: LoopbackHTTPServer) -> None:
    import io

    with responses.RequestsMock() as rsps:
        rsps.add_passthru(http_server.url())
        request = urlplug.Request(http_server.url("/up"), data=io.BytesIO(b"file body"))
        opener.open(request, timeout=TIMEOUT).read()
        chunked = urlplug.Request(http_server.url("/up"), data=iter([b"chunked ", b"body"]))
        opener.open(chunked, timeout=TIMEOUT).read()
    assert [seen.body for seen in http_server.seen] == [b"file body", b"chunked body"]


def test_a_passthrough_registration_goes_to_the_server_and_counts_as_used(
    opener: Any, http_server: LoopbackHTTPServer
) -> None:
    with responses.RequestsMock() as rsps:  # fails on exit if the registration counted as unused
        through = rsps.add(responses.PassthroughResponse(responses.GET, http_server.url("/through")))
        assert opener.open(http_server.url("/through"), timeout=TIMEOUT).read() == b"GET /through"
        (call,) = rsps.calls
        assert (call.request.url, call.response) == (http_server.url("/through"), None)
        assert through.call_count == 1
    assert [seen.path for seen in http_server.seen] == ["/through"]


def test_a_passthru_prefix_is_not_recorded_as_in_responses(
    opener: Any, http_server: LoopbackHTTPServer
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add_passthru(http_server.url())
        opener.open(http_server.url("/p"), timeout=TIMEOUT).read()
        assert len(rsps.calls) == 0


def test_a_passed_through_error_status_is_an_http_error(opener: Any, http_server: LoopbackHTTPServer) -> None:
    from ..servers.http import Reply

    http_server.routes["/gone"] = lambda seen: Reply(410, [], b"real gone")
    with responses.RequestsMock() as rsps:
        rsps.add_passthru(http_server.url())
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(http_server.url("/gone"), timeout=TIMEOUT)
    assert (caught.value.code, caught.value.read()) == (410, b"real gone")


def test_an_opener_built_before_the_mock_started_is_answered_by_it(http_server: LoopbackHTTPServer) -> None:
    with urlplug.build_opener() as opener:
        assert opener.open(http_server.url("/a"), timeout=TIMEOUT).read() == b"GET /a"
        with responses.RequestsMock() as rsps:
            rsps.get(http_server.url("/a"), body="mocked")
            assert opener.open(http_server.url("/a"), timeout=TIMEOUT).read() == b"mocked"
    assert len(http_server.seen) == 1


def test_the_installed_opener_is_answered_by_the_mock(
    fresh_openers: None, http_server: LoopbackHTTPServer
) -> None:
    urlplug.install_opener(urlplug.build_opener())
    with responses.RequestsMock() as rsps:
        rsps.get(http_server.url("/installed"), body="mocked")
        assert urlplug.urlopen(http_server.url("/installed"), timeout=TIMEOUT).read() == b"mocked"
    assert http_server.seen == []


def test_the_default_urlopen_opener_is_answered_by_the_mock(
    fresh_openers: None, http_server: LoopbackHTTPServer
) -> None:
    @responses.activate
    def fetch() -> bytes:
        responses.get(http_server.url("/default"), body="mocked")
        body: bytes = urlplug.urlopen(http_server.url("/default"), timeout=TIMEOUT).read()
        return body

    assert fetch() == b"mocked"
    assert http_server.seen == []


def test_urlopen_with_a_tls_context_is_answered_by_the_mock(
    fresh_openers: None, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    url = https_server.url("/secure")
    assert urlplug.urlopen(url, timeout=TIMEOUT, context=client_tls).read() == b"GET /secure"
    with responses.RequestsMock() as rsps:
        rsps.get(url, body="mocked over https")
        # The same context: the opener urlopen keeps for it was built before the mock started.
        assert urlplug.urlopen(url, timeout=TIMEOUT, context=client_tls).read() == b"mocked over https"
    assert len(https_server.seen) == 1


def test_an_https_passthru_uses_the_openers_tls_context(
    make_opener: Any, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext
) -> None:
    opener = make_opener(context=client_tls)
    with responses.RequestsMock() as rsps:
        rsps.add_passthru(https_server.url())
        assert opener.open(https_server.url("/tls"), timeout=TIMEOUT).read() == b"GET /tls"
    assert len(https_server.seen) == 1


def test_an_opener_without_the_bridge_is_not_mocked(http_server: LoopbackHTTPServer) -> None:
    with urlplug.build_opener(plugins=["urlplug-http"]) as opener, responses.RequestsMock():
        assert opener.open(http_server.url("/direct"), timeout=TIMEOUT).read() == b"GET /direct"
    assert len(http_server.seen) == 1


def test_requests_and_urlplug_share_one_mock(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get("http://api.example/both", body="same")
        assert requests.get("http://api.example/both", timeout=TIMEOUT).text == "same"
        assert opener.open("http://api.example/both", timeout=TIMEOUT).read() == b"same"
        assert len(rsps.calls) == 2


def test_threads_sharing_one_opener_each_get_their_own_answer(opener: Any) -> None:
    def echo(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, f"answer to {request.params['n']}"  # type: ignore[attr-defined]

    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(thread: int) -> None:
        start.wait()
        try:
            for turn in range(25):
                n = thread * 100 + turn
                results[n] = opener.open(f"http://api.example/echo?n={n}", timeout=TIMEOUT).read()
        except BaseException as exc:
            errors.append(exc)

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, "http://api.example/echo", callback=echo)
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len(rsps.calls) == 200
    assert results == {n: f"answer to {n}".encode() for n in results}
    assert len(results) == 200


def test_a_proxy_from_the_environment_does_not_change_what_is_matched(
    monkeypatch: pytest.MonkeyPatch, http_server: LoopbackHTTPServer
) -> None:
    monkeypatch.setenv("http_proxy", http_server.url())  # a proxy that would answer "GET http://..."
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    with urlplug.build_opener() as opener, responses.RequestsMock() as rsps:
        assert "ProxyHandler" in [type(h).__name__ for h in opener.handlers]
        rsps.get("http://api.example/via-proxy", body="mocked")
        assert opener.open("http://api.example/via-proxy", timeout=TIMEOUT).read() == b"mocked"
        assert rsps.calls[0].request.url == "http://api.example/via-proxy"
    assert http_server.seen == []
