"""``urlplug plugins``, ``--version``, ``urlplug demo``, and flags that need a plugin."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.http import LoopbackHTTPServer

from .support import error_line, urlplug


def test_plugins_lists_the_family_as_json() -> None:
    records = {r["distribution"]: r for r in json.loads(urlplug("plugins", "--json").stdout)}
    http = records["urlplug-http"]
    assert http["auto_installed"] is True
    handlers = {h["class"]: h for h in http["handlers"] if h.get("active")}
    assert handlers["HTTPHandler"]["stages"]["open"] == ["http"]
    assert handlers["HTTPHandler"]["order"] == 500
    assert "HTTPRedirectHandler" in handlers
    auth = records["urlplug-auth"]
    assert [h["class"] for h in auth["handlers"]] == ["URLCredentialsProcessor"]
    assert "HTTPDigestAuthHandler" in auth["names"]
    assert "NetrcPasswordMgr" in auth["names"]


def test_plugins_table() -> None:
    out = urlplug("plugins").stdout.decode()
    assert "urlplug-http 0.1.0 (auto-installed)" in out
    assert "urlplug-cookies 0.1.0 (names only)" in out


def test_plugins_tells_an_inactive_auto_installed_plugin_apart() -> None:
    no_proxies = dict.fromkeys(("http_proxy", "https_proxy", "ftp_proxy", "all_proxy"), "")
    no_proxies |= {name.upper(): value for name, value in no_proxies.items()}
    proxy = {r["distribution"]: r for r in json.loads(urlplug("plugins", "--json", env=no_proxies).stdout)}
    assert (proxy["urlplug-proxy"]["auto_installed"], proxy["urlplug-proxy"]["active"]) == (True, False)
    configured = no_proxies | {"http_proxy": "http://127.0.0.1:3128"}
    proxy = {r["distribution"]: r for r in json.loads(urlplug("plugins", "--json", env=configured).stdout)}
    assert proxy["urlplug-proxy"]["active"] is True
    assert proxy["urlplug-proxy"]["handlers"][0]["stages"]["open"] == ["http"]


def test_version_names_every_installed_plugin() -> None:
    import urlplug as library

    result = urlplug("--version")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    assert lines[0].startswith(f"urlplug {library.__version__} (Python ")
    for dist in ("urlplug-http", "urlplug-file", "urlplug-ftp", "urlplug-auth", "urlplug-proxy"):
        assert f"{dist} 0.1.0" in lines[1]


@pytest.mark.skipif(
    importlib.util.find_spec("urlplug_retry") is not None, reason="urlplug-retry is installed"
)
def test_retry_without_its_plugin_names_the_distribution(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(http_server.url("/"), "--retry", "3")
    assert result.returncode == 4
    assert error_line(result) == (
        "urlplug: (4) --retry needs the urlplug-retry plugin, which is not installed: "
        "pip install urlplug-retry"
    )
    assert http_server.seen == []


@pytest.mark.skipif(
    importlib.util.find_spec("urlplug_compression") is not None, reason="urlplug-compression is installed"
)
def test_compressed_without_its_plugin_names_the_distribution(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(http_server.url("/"), "--compressed")
    assert result.returncode == 4
    assert "pip install urlplug-compression" in error_line(result)


@pytest.mark.skipif(
    importlib.util.find_spec("urlplug_compression") is None, reason="urlplug-compression is not installed"
)
def test_compressed_decodes_with_its_plugin(http_server: LoopbackHTTPServer) -> None:
    import gzip

    from tests.servers.http import Reply

    http_server.routes["/z"] = lambda seen: Reply(
        200, [("Content-Encoding", "gzip")], gzip.compress(b"plain")
    )
    result = urlplug(http_server.url("/z"), "--compressed")
    assert (result.returncode, result.stdout) == (0, b"plain")
    assert "gzip" in http_server.seen[-1].headers["Accept-Encoding"]


def test_the_progress_library_is_imported_only_for_a_bar(
    http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    code = (
        "import sys; from urlplug.cli import main; "
        f"status = main([{http_server.url('/')!r}, '-o', {str(tmp_path / 'x')!r}]); "
        "print(status, 'tqdm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


def test_console_script_fetches(http_server: LoopbackHTTPServer) -> None:
    script = Path(sys.executable).with_name("urlplug")
    result = subprocess.run(
        [str(script), http_server.url("/cs")], capture_output=True, timeout=30, check=False
    )
    assert (result.returncode, result.stdout) == (0, b"GET /cs")


def test_console_script_demo_fetches_through_every_installed_plugin() -> None:
    script = Path(sys.executable).with_name("urlplug")
    result = subprocess.run([str(script), "demo"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    fetched = {line.split(":", 1)[0] for line in out.splitlines() if not line.startswith((" ", "urlplug"))}
    assert fetched >= {"http", "https", "ftp", "file", "data"}
    assert "FAILED" not in out
    assert "urlplug-http HTTPRedirectHandler.http_error_301" in out
    assert "urlplug-file DataHandler.data_open" in out


def test_a_closed_pipe_on_the_plugins_listing_is_quiet() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "urlplug", "plugins", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=30)
    assert process.returncode == 23  # the reader was gone before the first write
    assert err == b""


def test_plugins_lists_the_socks_handler() -> None:
    records = {r["distribution"]: r for r in json.loads(urlplug("plugins", "--json").stdout)}
    socks = records["urlplug-socks"]
    assert socks["auto_installed"] is True
    (handler,) = socks["handlers"]
    assert handler["class"] == "SOCKSHandler"
    assert sorted(handler["stages"]["open"]) == ["socks4", "socks4a", "socks5", "socks5h"]
    assert sorted(socks["names"]) == ["SOCKSError", "SOCKSHandler"]
