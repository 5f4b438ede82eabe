"""environment_proxies: reading <scheme>_proxy, all_proxy and no_proxy as curl and urllib do."""

from __future__ import annotations

import pytest

from urlplug_proxy import environment_proxies


def test_scheme_variables_in_either_case() -> None:
    env = {"http_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2", "Ftp_Proxy": "http://c:3", "PATH": "/bin"}
    assert environment_proxies(env) == {"http": "http://a:1", "https": "http://b:2", "ftp": "http://c:3"}


def test_lower_case_wins_over_upper_case() -> None:
    env = {"HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:2"}
    assert environment_proxies(env) == {"http": "http://lower:2"}
    env = {"http_proxy": "http://lower:2", "HTTP_PROXY": "http://upper:1"}
    assert environment_proxies(env) == {"http": "http://lower:2"}


def test_empty_value_switches_an_entry_off() -> None:
    assert environment_proxies({"HTTP_PROXY": ""}) == {}
    assert environment_proxies({"HTTP_PROXY": "http://upper:1", "http_proxy": ""}) == {}


def test_all_and_no_are_kept_under_their_names() -> None:
    env = {"ALL_PROXY": "http://all:1", "no_proxy": "localhost,10.0.0.0/8"}
    assert environment_proxies(env) == {"all": "http://all:1", "no": "localhost,10.0.0.0/8"}


def test_httpoxy_upper_case_http_proxy_is_ignored_in_cgi() -> None:
    env = {"REQUEST_METHOD": "GET", "HTTP_PROXY": "http://attacker:1", "HTTPS_PROXY": "http://b:2"}
    assert environment_proxies(env) == {"https": "http://b:2"}


def test_httpoxy_lower_case_http_proxy_still_counts_in_cgi() -> None:
    env = {"REQUEST_METHOD": "GET", "HTTP_PROXY": "http://attacker:1", "http_proxy": "http://mine:1"}
    assert environment_proxies(env) == {"http": "http://mine:1"}


def test_default_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://from-env:3128")
    assert environment_proxies()["http"] == "http://from-env:3128"
