"""The handler as a plugin: discovered, listed, replaceable, behind the CLI's --retry, installable alone."""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

import urlplug
from tests.cli.support import urlplug as run_urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug.cli import main
from urlplug_retry import RetryAttempt, RetryHandler

from .conftest import ok, refusal, replies

ROOT = Path(__file__).resolve().parents[2]


def _retry_handlers(opener: urlplug.OpenerDirector) -> list[RetryHandler]:
    return [h for h in opener.handlers if isinstance(h, RetryHandler)]


def test_names_resolve_through_urlplug() -> None:
    assert urlplug.RetryHandler is RetryHandler
    assert urlplug.RetryAttempt is RetryAttempt


def test_joins_the_default_opener_with_the_documented_defaults() -> None:
    with urlplug.build_opener() as opener:
        [handler] = _retry_handlers(opener)
    assert handler.limits == {"total": 2, "connect": None, "read": 0, "status": None}
    assert handler.status_forcelist == frozenset()
    assert handler.allowed_methods == {"DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"}
    assert (handler.backoff_factor, handler.backoff_max, handler.retry_after_max) == (0.5, 120.0, 10.0)
    assert handler.respect_retry_after_header and handler.raise_on_status


def test_opens_before_the_http_handlers_and_after_the_proxy_handler() -> None:
    proxy = urlplug.ProxyHandler({"http": "http://127.0.0.1:1"})
    with urlplug.build_opener(proxy) as opener:
        names = [type(h).__name__ for h in opener.handlers]
    assert names.index("ProxyHandler") < names.index("RetryHandler") < names.index("HTTPHandler")


def test_configured_instance_replaces_the_default() -> None:
    mine = RetryHandler(total=5, status_forcelist={502})
    with urlplug.build_opener(mine) as opener:
        assert _retry_handlers(opener) == [mine]


def test_left_out_with_the_plugin_allowlist() -> None:
    with urlplug.build_opener(plugins=["urlplug-http"]) as opener:
        assert _retry_handlers(opener) == []


def test_urlplug_plugins_lists_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    record = {r["distribution"]: r for r in json.loads(capsys.readouterr().out)}["urlplug-retry"]
    assert record["auto_installed"] is True
    assert record["names"] == ["RetryAttempt", "RetryHandler"]
    [handler] = record["handlers"]
    assert handler["class"] == "RetryHandler"
    assert handler["order"] == 200
    assert handler["stages"] == {"http_error": ["429", "503"], "open": ["http", "https"]}


def test_urlplug_plugins_table_lists_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    assert "urlplug-retry 0.1.0 (auto-installed)" in capsys.readouterr().out


def test_cli_retry_sets_the_number_of_retries(http_server: LoopbackHTTPServer) -> None:
    busy = refusal(503, "0", body=b"busy")
    http_server.routes["/busy"] = replies(busy, busy, busy, ok())
    result = run_urlplug(http_server.url("/busy"), "--retry", "3")
    assert (result.returncode, result.stdout) == (0, b"fine")
    assert len(http_server.seen) == 4


def test_cli_without_retry_keeps_the_default_instance(http_server: LoopbackHTTPServer) -> None:
    busy = refusal(503, "0", body=b"busy")
    http_server.routes["/busy"] = replies(busy, busy, busy, ok())
    result = run_urlplug(http_server.url("/busy"))
    assert result.stdout == b"busy"  # curl prints an error page unless -f
    assert len(http_server.seen) == 3


@pytest.mark.timeout(300)
def test_installs_on_urlplug_and_urlplug_http_alone(tmp_path: Path, http_server: LoopbackHTTPServer) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    packages = [str(ROOT / "core"), str(ROOT / "plugins" / "http"), str(ROOT / "plugins" / "retry")]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", *packages], check=True, timeout=280, capture_output=True
    )
    http_server.routes["/busy"] = replies(refusal(503, "0"), ok())
    probe = (
        "import sys, urlplug\n"
        "with urlplug.urlopen(sys.argv[1], timeout=10) as response:\n"
        "    print(response.read().decode(), [a.status for a in response.retry_history])\n"
    )
    command = [str(python), "-c", probe, http_server.url("/busy")]
    result = subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "fine [503, 200]"
