"""build_opener()'s default chain, from the installed urlplug family, and the seed's replacement rule."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

import urlplug

SEED_DEFAULTS = {
    "UnknownHandler",
    "HTTPHandler",
    "HTTPSHandler",
    "HTTPDefaultErrorHandler",
    "HTTPRedirectHandler",
    "HTTPErrorProcessor",
    "FTPHandler",
    "FileHandler",
    "DataHandler",
}
# urlplug-auth's processor for credentials in URLs (http://user:password@host/) joins every opener too.
DEFAULTS = SEED_DEFAULTS | {"URLCredentialsProcessor"}
# The family's feature plugins join the default chain too when installed: installing is the opt-in.
FEATURE_DEFAULTS = {"ResponsesHandler", "ContentDecodingProcessor", "SOCKSHandler", "RetryHandler"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


def _names(opener: urlplug.OpenerDirector) -> list[str]:
    return [type(h).__name__ for h in opener.handlers]


def test_default_chain_is_the_seeds(no_proxy_env: None) -> None:
    names = [name for name in _names(urlplug.build_opener()) if name not in FEATURE_DEFAULTS]
    assert set(names) == DEFAULTS
    assert len(names) == len(DEFAULTS)


def test_proxy_handler_joins_when_proxies_are_configured(
    monkeypatch: pytest.MonkeyPatch, no_proxy_env: None
) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    names = [name for name in _names(urlplug.build_opener()) if name not in FEATURE_DEFAULTS]
    assert set(names) == DEFAULTS | {"ProxyHandler"}
    assert names[0] == "ProxyHandler"  # handler_order 100 puts it first


def test_passed_subclass_replaces_the_default(no_proxy_env: None) -> None:
    class QuietRedirects(urlplug.HTTPRedirectHandler):  # type: ignore[name-defined, misc]
        max_redirections = 2

    opener = urlplug.build_opener(QuietRedirects)
    redirects = [h for h in opener.handlers if isinstance(h, urlplug.HTTPRedirectHandler)]  # type: ignore[attr-defined]
    assert [type(h) for h in redirects] == [QuietRedirects]


def test_passed_instance_replaces_the_default(no_proxy_env: None) -> None:
    https = urlplug.HTTPSHandler(debuglevel=0)  # type: ignore[attr-defined]
    opener = urlplug.build_opener(https)
    assert [h for h in opener.handlers if isinstance(h, urlplug.HTTPSHandler)] == [https]  # type: ignore[attr-defined]


def test_auth_and_cookies_are_not_auto_installed(no_proxy_env: None) -> None:
    names = _names(urlplug.build_opener())
    assert not {"HTTPBasicAuthHandler", "HTTPDigestAuthHandler", "HTTPCookieProcessor"} & set(names)


def test_every_family_name_resolves() -> None:
    from urlplug.catalog import NAME_PROVIDERS

    for name, dist in NAME_PROVIDERS.items():
        value = getattr(urlplug, name)
        assert value.__module__.startswith(dist.replace("-", "_")), name


@pytest.mark.timeout(300)
def test_one_plugin_installs_on_its_own(tmp_path: Path) -> None:
    """`pip install ./core ./plugins/ftp` gives a core that knows FTP and nothing else."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", str(ROOT / "core"), str(ROOT / "plugins" / "ftp")],
        check=True,
        timeout=280,
        capture_output=True,
    )
    probe = (
        "import sys, urlplug\n"
        "opener = urlplug.build_opener()\n"
        "print(sorted(type(h).__name__ for h in opener.handlers))\n"
        "try:\n"
        "    opener.open('http://127.0.0.1:9/')\n"
        "except urlplug.URLError as err:\n"
        "    print(err.reason)\n"
        "try:\n"
        "    urlplug.HTTPBasicAuthHandler\n"
        "except AttributeError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([python, "-c", probe], check=True, capture_output=True, text=True, timeout=60).stdout
    lines = out.strip().splitlines()
    assert lines[0] == "['FTPHandler', 'UnknownHandler']"
    assert lines[1] == "unknown url type: 'http' — install urlplug-http (pip install urlplug-http)"
    assert "provided by the urlplug-auth plugin, which is not installed" in lines[2]
