"""The processor as a plugin: discovered, listed, replaceable, and installable on its own."""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug.cli import main
from urlplug_compression import ContentDecodingError, ContentDecodingProcessor

from .support import encode, serve

ROOT = Path(__file__).resolve().parents[2]
PAGE = b"a page that travels gzipped\n" * 100


def _processors(opener: urlplug.OpenerDirector) -> list[ContentDecodingProcessor]:
    return [h for h in opener.handlers if isinstance(h, ContentDecodingProcessor)]


def test_names_resolve_through_urlplug() -> None:
    assert urlplug.ContentDecodingProcessor is ContentDecodingProcessor
    assert urlplug.ContentDecodingError is ContentDecodingError


def test_joins_the_default_opener() -> None:
    with urlplug.build_opener() as opener:
        assert len(_processors(opener)) == 1


def test_configured_instance_replaces_the_default() -> None:
    mine = ContentDecodingProcessor(codings=["gzip"])
    with urlplug.build_opener(mine) as opener:
        assert _processors(opener) == [mine]


def test_left_out_with_the_plugin_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    with urlplug.build_opener(plugins=["urlplug-http"]) as opener:
        assert _processors(opener) == []


def test_urlplug_plugins_lists_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    record = {r["distribution"]: r for r in json.loads(capsys.readouterr().out)}["urlplug-compression"]
    assert record["auto_installed"] is True
    assert record["names"] == ["ContentDecodingError", "ContentDecodingProcessor"]
    [handler] = record["handlers"]
    assert handler["class"] == "ContentDecodingProcessor"
    assert handler["order"] == 900
    assert handler["stages"] == {"request": ["http", "https"], "response": ["http", "https"]}


def test_urlplug_plugins_table_lists_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    assert "urlplug-compression 0.1.0 (auto-installed)" in capsys.readouterr().out


@pytest.mark.timeout(300)
def test_installs_on_urlplug_and_urlplug_http_alone(tmp_path: Path, http_server: LoopbackHTTPServer) -> None:
    """Without its extras it offers and decodes gzip and deflate, and nothing it cannot decode."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    packages = [str(ROOT / "core"), str(ROOT / "plugins" / "http"), str(ROOT / "plugins" / "compression")]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", *packages], check=True, timeout=280, capture_output=True
    )
    serve(http_server, "/page", encode(PAGE, "gzip"), "gzip")
    probe = (
        "import sys, urlplug\n"
        "with urlplug.urlopen(sys.argv[1], timeout=10) as response:\n"
        "    print(response.read() == sys.argv[2].encode(), response.content_codings)\n"
    )
    result = subprocess.run(
        [python, "-c", probe, http_server.url("/page"), PAGE.decode()],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True ('gzip',)"
    assert http_server.seen[-1].headers["Accept-Encoding"] == "gzip, deflate"
