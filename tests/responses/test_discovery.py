"""The bridge as an installed plugin: listed by ``urlplug plugins``, in the default opener, idle cheaply."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import urlplug
from urlplug.cli import main
from urlplug_responses import ResponsesHandler


def test_urlplug_plugins_lists_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "urlplug-responses 0.1.0 (auto-installed)" in out
    line = next(line for line in out.splitlines() if "ResponsesHandler" in line and "order" in line)
    assert line.split() == ["ResponsesHandler", "order", "490", "open", "http,https"]


def test_urlplug_plugins_json_describes_its_hook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    (record,) = [r for r in json.loads(capsys.readouterr().out) if r["distribution"] == "urlplug-responses"]
    (handler,) = record["handlers"]
    assert (handler["class"], handler["stages"]) == ("ResponsesHandler", {"open": ["http", "https"]})
    assert record["names"] == ["ResponsesHandler"]


def test_the_default_opener_has_it_once_as_a_native_plugin() -> None:
    with urlplug.build_opener() as opener:
        bridges = [h for h in opener.handlers if isinstance(h, ResponsesHandler)]
        assert len(bridges) == 1
        # Its hook is a native one: not also taken for a classic handler of a "urlplug:" scheme.
        assert "urlplug" not in opener.handle_open


def test_it_is_exported_as_an_urlplug_name() -> None:
    assert urlplug.ResponsesHandler is ResponsesHandler


def test_an_opener_without_discovery_can_take_it_explicitly() -> None:
    import responses

    with (
        urlplug.build_opener(ResponsesHandler, plugins=["urlplug-http"]) as opener,
        responses.RequestsMock() as rsps,
    ):
        rsps.get("http://api.example/", body="explicit")
        assert opener.open("http://api.example/", timeout=5).read() == b"explicit"


def test_building_and_using_an_opener_does_not_import_responses() -> None:
    code = (
        "import sys, urlplug\n"
        "opener = urlplug.build_opener()\n"
        "assert any(type(h).__name__ == 'ResponsesHandler' for h in opener.handlers)\n"
        "try:\n"
        "    opener.open('http://127.0.0.1:9/', timeout=2)\n"  # discard port: refused, quickly
        "except urlplug.URLError:\n"
        "    pass\n"
        "print(sorted(m for m in ('responses', 'requests', 'urllib3') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
