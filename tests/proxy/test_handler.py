"""ProxyHandler on its own: what set_proxy() leaves on the request for the handler that opens it."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import pytest

import urlplug
import urlplug_proxy.handler
from urlplug import BaseHandler, OpenerDirector, Request, Response
from urlplug.response import make_headers
from urlplug_proxy import ProxyHandler, default_proxy_handler


@dataclass
class Opened:
    """What the opening handler saw."""

    type: str
    host: str
    selector: str
    tunnel: str | None
    headers: dict[str, Any]
    full_url: str


class Recorder(BaseHandler):
    """Stands in for the HTTP and FTP handlers: records the request and answers 200."""

    def __init__(self) -> None:
        self.opened: list[Opened] = []

    def _open(self, req: Request) -> Response:
        self.opened.append(
            Opened(req.type, req.host, req.selector, req._tunnel_host, dict(req.header_items()), req.full_url)
        )
        return Response(io.BytesIO(b"ok"), make_headers(()), req.full_url, 200, "OK")

    http_open = https_open = ftp_open = _open


def opener_with(handler: ProxyHandler) -> tuple[OpenerDirector, Recorder]:
    opener = OpenerDirector()
    recorder = Recorder()
    opener.add_handler(recorder)
    opener.add_handler(handler)
    return opener, recorder


def only(recorder: Recorder) -> Opened:
    assert len(recorder.opened) == 1
    return recorder.opened[0]


def basic(userinfo: str) -> str:
    return "Basic " + base64.b64encode(userinfo.encode()).decode()


# --- configuration -------------------------------------------------------------------------------


def test_runs_before_the_opening_handlers() -> None:
    assert ProxyHandler.handler_order == 100


def test_has_an_open_method_per_configured_scheme_only() -> None:
    handler = ProxyHandler({"http": "http://proxy:3128", "FTP": "http://proxy:3128"})
    assert callable(handler.http_open)  # type: ignore[attr-defined]
    assert callable(handler.ftp_open)  # type: ignore[attr-defined]
    assert not hasattr(handler, "https_open")
    assert not hasattr(ProxyHandler, "http_open")  # per instance, not per class


def test_empty_mapping_disables_proxies() -> None:
    opener, recorder = opener_with(ProxyHandler({}))
    opener.open("http://example.test/a", timeout=5)
    seen = only(recorder)
    assert (seen.host, seen.selector) == ("example.test", "/a")


def test_empty_proxy_url_disables_that_scheme() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": ""}))
    opener.open("http://example.test/a", timeout=5)
    assert only(recorder).host == "example.test"


def test_proxies_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        ProxyHandler(["http://proxy:3128"])  # type: ignore[arg-type]


def test_reads_the_environment_by_default(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("HTTP_PROXY", "http://envproxy:3128")
    opener, recorder = opener_with(ProxyHandler())
    opener.open("http://example.test/a", timeout=5)
    assert only(recorder).host == "envproxy:3128"


def test_default_factory_returns_none_without_proxies(proxy_env: pytest.MonkeyPatch) -> None:
    assert default_proxy_handler() is None
    proxy_env.setenv("no_proxy", "localhost")
    assert default_proxy_handler() is None


def test_default_factory_returns_a_handler_when_configured(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("https_proxy", "http://envproxy:3128")
    handler = default_proxy_handler()
    assert isinstance(handler, ProxyHandler)
    assert handler.proxies == {"https": "http://envproxy:3128"}


def test_urlplug_exports_the_name() -> None:
    assert urlplug.ProxyHandler is ProxyHandler


def test_build_opener_adds_it_when_the_environment_has_a_proxy(proxy_env: pytest.MonkeyPatch) -> None:
    assert not any(isinstance(h, ProxyHandler) for h in urlplug.build_opener().handlers)
    proxy_env.setenv("http_proxy", "http://envproxy:3128")
    assert any(isinstance(h, ProxyHandler) for h in urlplug.build_opener().handlers)


def test_build_opener_replaces_the_default_with_the_one_given(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("http_proxy", "http://envproxy:3128")
    mine = ProxyHandler({"http": "http://mine:3128"})
    proxies = [h for h in urlplug.build_opener(mine).handlers if isinstance(h, ProxyHandler)]
    assert proxies == [mine]
    empty = ProxyHandler({})
    assert not any(isinstance(h, ProxyHandler) for h in urlplug.build_opener(empty).handlers)


# --- routing -------------------------------------------------------------------------------------


def test_http_request_is_sent_to_the_proxy_with_the_absolute_url() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128"}))
    opener.open("http://example.test:8080/a?b=1", timeout=5)
    seen = only(recorder)
    assert (seen.type, seen.host, seen.selector) == (
        "http",
        "proxy.test:3128",
        "http://example.test:8080/a?b=1",
    )
    assert seen.tunnel is None


def test_https_request_keeps_its_scheme_and_asks_for_a_tunnel() -> None:
    opener, recorder = opener_with(ProxyHandler({"https": "http://proxy.test:3128"}))
    opener.open("https://example.test/a", timeout=5)
    seen = only(recorder)
    assert (seen.type, seen.host, seen.selector, seen.tunnel) == (
        "https",
        "proxy.test:3128",
        "/a",
        "example.test",
    )


def test_scheme_without_a_proxy_goes_direct() -> None:
    opener, recorder = opener_with(ProxyHandler({"https": "http://proxy.test:3128"}))
    opener.open("http://example.test/a", timeout=5)
    assert only(recorder).host == "example.test"


def test_proxy_url_without_scheme_is_an_http_proxy() -> None:
    opener, recorder = opener_with(ProxyHandler({"ftp": "proxy.test:3128"}))
    opener.open("ftp://files.test/pub/x.txt", timeout=5)
    seen = only(recorder)
    assert (seen.type, seen.host, seen.selector) == ("http", "proxy.test:3128", "ftp://files.test/pub/x.txt")


def test_ftp_through_an_http_proxy_starts_over_as_http() -> None:
    opener, recorder = opener_with(ProxyHandler({"ftp": "http://proxy.test:3128"}))
    response = opener.open("ftp://files.test/pub/x.txt", timeout=5)
    seen = only(recorder)
    assert (seen.type, seen.host, seen.selector) == ("http", "proxy.test:3128", "ftp://files.test/pub/x.txt")
    assert response.read() == b"ok"


def test_all_proxy_covers_schemes_without_their_own() -> None:
    handler = ProxyHandler({"all": "http://everything.test:1", "https": "http://secure.test:2"})
    opener, recorder = opener_with(handler)
    opener.open("http://example.test/", timeout=5)
    opener.open("https://example.test/", timeout=5)
    opener.open("ftp://example.test/f", timeout=5)
    assert [o.host for o in recorder.opened] == ["everything.test:1", "secure.test:2", "everything.test:1"]


def test_all_proxy_from_the_environment(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("ALL_PROXY", "http://everything.test:1")
    opener, recorder = opener_with(ProxyHandler())
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).host == "everything.test:1"


def test_scheme_keys_are_case_insensitive() -> None:
    opener, recorder = opener_with(ProxyHandler({"HTTP": "http://proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).host == "proxy.test:3128"


def test_ipv6_proxy_address() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://[::1]:3128/"}))
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).host == "[::1]:3128"


def test_request_routed_already_is_left_alone() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128"}))
    req = Request("http://example.test/")
    req.set_proxy("mine.test:8080", "http")
    opener.open(req, timeout=5)
    assert only(recorder).host == "mine.test:8080"


def test_reopening_a_tunnelled_request_keeps_the_tunnel() -> None:
    # What a proxy auth handler does after a 407: open the same request again.
    opener, recorder = opener_with(ProxyHandler({"https": "http://proxy.test:3128"}))
    req = Request("https://example.test/a")
    opener.open(req, timeout=5)
    opener.open(req, timeout=5)
    first, second = recorder.opened
    assert first == second
    assert (second.type, second.host, second.selector, second.tunnel) == (
        "https",
        "proxy.test:3128",
        "/a",
        "example.test",
    )


def test_proxy_of_an_unknown_scheme_fails_clearly() -> None:
    opener, _ = opener_with(ProxyHandler({"http": "socks5://proxy.test:1080"}))
    opener.add_handler(urlplug.UnknownHandler())
    with pytest.raises(urlplug.URLError, match="socks5"):
        opener.open("http://example.test/", timeout=5)


@pytest.mark.parametrize("bad", ["http:/proxy.test", "http://", "http://user:pw@/", "user@"])
def test_malformed_proxy_url_raises_value_error(bad: str) -> None:
    opener, recorder = opener_with(ProxyHandler({"http": bad}))
    with pytest.raises(ValueError, match="proxy URL"):
        opener.open("http://example.test/", timeout=5)
    assert recorder.opened == []


# --- no_proxy ------------------------------------------------------------------------------------


def test_no_key_bypasses_listed_hosts() -> None:
    handler = ProxyHandler({"http": "http://proxy.test:3128", "no": "direct.test,10.0.0.0/8"})
    opener, recorder = opener_with(handler)
    for url in ("http://direct.test/", "http://www.direct.test/", "http://10.1.2.3/", "http://other.test/"):
        opener.open(url, timeout=5)
    assert [o.host for o in recorder.opened] == [
        "direct.test",
        "www.direct.test",
        "10.1.2.3",
        "proxy.test:3128",
    ]


def test_no_proxy_port_uses_the_request_schemes_default() -> None:
    handler = ProxyHandler({"all": "http://proxy.test:3128", "no": "example.test:443"})
    opener, recorder = opener_with(handler)
    opener.open("https://example.test/", timeout=5)
    opener.open("http://example.test/", timeout=5)
    assert [o.host for o in recorder.opened] == ["example.test", "proxy.test:3128"]


def test_environment_no_proxy_applies_to_explicit_proxies(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("no_proxy", "direct.test")
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128"}))
    opener.open("http://direct.test/", timeout=5)
    assert only(recorder).host == "direct.test"


def test_explicit_no_key_wins_over_the_environment(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("no_proxy", "direct.test")
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128", "no": ""}))
    opener.open("http://direct.test/", timeout=5)
    assert only(recorder).host == "proxy.test:3128"


def test_no_proxy_star_from_the_environment(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("HTTP_PROXY", "http://proxy.test:3128")
    proxy_env.setenv("NO_PROXY", "*")
    opener, recorder = opener_with(ProxyHandler())
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).host == "example.test"


def test_httpoxy_cgi_request_ignores_http_proxy(proxy_env: pytest.MonkeyPatch) -> None:
    proxy_env.setenv("REQUEST_METHOD", "GET")
    proxy_env.setenv("HTTP_PROXY", "http://attacker.test:1")
    assert default_proxy_handler() is None
    opener, recorder = opener_with(ProxyHandler())
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).host == "example.test"


# --- credentials ---------------------------------------------------------------------------------


def test_credentials_in_the_proxy_url_become_proxy_authorization() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://joe:s3cret@proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    seen = only(recorder)
    assert seen.host == "proxy.test:3128"
    assert seen.headers["Proxy-authorization"] == basic("joe:s3cret")


def test_proxy_authorization_is_an_unredirected_header() -> None:
    opener, _ = opener_with(ProxyHandler({"https": "http://joe:pw@proxy.test:3128"}))
    req = Request("https://example.test/")
    opener.open(req, timeout=5)
    assert "Proxy-authorization" in req.unredirected_hdrs
    assert "Proxy-authorization" not in req.headers


def test_credentials_are_percent_decoded() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://j%40e:p%3Aw%2F@proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).headers["Proxy-authorization"] == basic("j@e:p:w/")


def test_password_may_contain_at_and_slash() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://joe:p@ss/w@proxy.test:3128/"}))
    opener.open("http://example.test/", timeout=5)
    seen = only(recorder)
    assert seen.host == "proxy.test:3128"
    assert seen.headers["Proxy-authorization"] == basic("joe:p@ss/w")


def test_user_without_password() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://joe@proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).headers["Proxy-authorization"] == basic("joe:")


def test_non_ascii_credentials_are_utf8() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://j%C3%B6rg:p%C3%A4ss@proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    assert only(recorder).headers["Proxy-authorization"] == basic("jörg:päss")


def test_no_credentials_no_header() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128"}))
    opener.open("http://example.test/", timeout=5)
    assert "Proxy-authorization" not in only(recorder).headers


def test_bypassed_host_gets_no_proxy_credentials() -> None:
    handler = ProxyHandler({"http": "http://joe:pw@proxy.test:3128", "no": "direct.test"})
    opener, recorder = opener_with(handler)
    opener.open("http://direct.test/", timeout=5)
    seen = only(recorder)
    assert seen.host == "direct.test"
    assert "Proxy-authorization" not in seen.headers


def test_proxy_url_with_control_characters_is_refused() -> None:
    opener, recorder = opener_with(ProxyHandler({"http": "http://proxy.test:3128\r\nX-Injected: 1"}))
    with pytest.raises(ValueError, match="control characters"):
        opener.open("http://example.test/", timeout=5)
    assert recorder.opened == []


# --- a proxy scheme no installed plugin serves ---------------------------------------------------


@pytest.fixture
def without_socks_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make urlplug-socks look uninstalled to ``ProxyHandler`` (the suite installs it)."""
    real = urlplug_proxy.handler.installed
    monkeypatch.setattr(
        urlplug_proxy.handler, "installed", lambda dist: dist != "urlplug-socks" and real(dist)
    )


@pytest.mark.parametrize(
    ("variable", "url"),
    [("ALL_PROXY", "http://example.invalid/"), ("https_proxy", "https://example.invalid/")],
)
@pytest.mark.usefixtures("without_socks_plugin")
def test_socks_proxy_from_the_environment_without_its_plugin_names_variable_and_plugin(
    proxy_env: pytest.MonkeyPatch, variable: str, url: str
) -> None:
    proxy_env.setenv(variable, "socks5://127.0.0.1:1080")
    opener = urlplug.build_opener()
    with pytest.raises(urlplug.URLError) as caught:
        opener.open(url, timeout=5)  # never sent directly: that would bypass the configured proxy
    message = str(caught.value.reason)
    assert f"{variable.lower()} in the environment" in message
    assert "socks5 proxy" in message
    assert "pip install urlplug-socks" in message


@pytest.mark.usefixtures("without_socks_plugin")
def test_socks_proxy_given_to_the_handler_without_its_plugin_names_the_entry() -> None:
    opener = urlplug.build_opener(ProxyHandler({"http": "socks5h://127.0.0.1:1080"}), plugins=())
    with pytest.raises(urlplug.URLError, match="ProxyHandler's 'http' entry is a socks5h proxy"):
        opener.open("http://example.invalid/", timeout=5)
