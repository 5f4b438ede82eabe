"""The ``urlplug`` command: fetch, plugins listing, demo — run in-process and as a console script."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.servers.http import LoopbackHTTPServer, Reply, ScriptedServer, read_request
from urlplug.cli import main


def test_fetch_writes_the_body_to_stdout(
    http_server: LoopbackHTTPServer, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main([http_server.url("/hello"), "--timeout", "5"]) == 0
    assert capsysbinary.readouterr().out == b"GET /hello"


def test_fetch_sends_method_data_and_headers(
    http_server: LoopbackHTTPServer, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    url = http_server.url("/submit")
    assert main([url, "-X", "PUT", "-d", "a=1", "-H", "X-Trace: abc", "--timeout", "5"]) == 0
    seen = http_server.seen[-1]
    assert (seen.method, seen.body, seen.headers["X-Trace"]) == ("PUT", b"a=1", "abc")
    assert capsysbinary.readouterr().out == b"PUT /submit"


def test_fetch_include_shows_status_and_headers(
    http_server: LoopbackHTTPServer, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    http_server.routes["/h"] = lambda seen: Reply(201, [("X-Answer", "42")], b"made")
    assert main([http_server.url("/h"), "-i", "--timeout", "5"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"201 Created\n")
    assert b"X-Answer: 42\n" in out
    assert out.endswith(b"\n\nmade")


def test_fetch_to_a_file(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    target = tmp_path / "body.txt"
    assert main([http_server.url("/file"), "-o", str(target), "--timeout", "5"]) == 0
    assert target.read_bytes() == b"GET /file"


def test_http_error_is_one_line_and_non_zero(
    http_server: LoopbackHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    http_server.routes["/missing"] = lambda seen: Reply(404, [], b"no")
    assert main([http_server.url("/missing"), "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"urlplug: {http_server.url('/missing')}: HTTP error 404 Not Found"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch://host/"], "unknown url type: 'nosuch'"),
        (["not a url"], "unknown url type"),
        (["http://127.0.0.1:9/", "-H", "no colon here"], "not of the form 'Name: value'"),
        (["http://127.0.0.1:9/", "-H", "X-Bad: a\rb"], "control character"),
    ],
)
def test_bad_input_is_one_readable_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert message in err[0]


def test_connection_refused_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main([f"http://127.0.0.1:{port}/", "--timeout", "5"]) == 1
    assert "refused" in capsys.readouterr().err.lower()


def test_plugins_lists_the_family_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    records = {r["distribution"]: r for r in json.loads(capsys.readouterr().out)}
    http = records["urlplug-http"]
    assert http["auto_installed"] is True
    handlers = {h["class"]: h for h in http["handlers"] if h.get("active")}
    assert handlers["HTTPHandler"]["stages"]["open"] == ["http"]
    assert handlers["HTTPHandler"]["order"] == 500
    assert "HTTPRedirectHandler" in handlers
    assert records["urlplug-auth"]["auto_installed"] is False
    assert "HTTPDigestAuthHandler" in records["urlplug-auth"]["names"]


def test_plugins_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "urlplug-http 0.1.0 (auto-installed)" in out
    assert "urlplug-auth 0.1.0 (names only)" in out


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


def _raw_server(scripted_server: Callable[..., ScriptedServer], raw: bytes) -> ScriptedServer:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(raw)

    return scripted_server(script)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", "IncompleteRead"),
        (b"garbage\r\n\r\n", "garbage"),
    ],
)
def test_protocol_errors_are_one_readable_line(
    scripted_server: Callable[..., ScriptedServer],
    raw: bytes,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = _raw_server(scripted_server, raw)
    assert main([server.url("/"), "--timeout", "5"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert message in err[0]


def test_plugins_tells_an_inactive_auto_installed_plugin_apart(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["plugins", "--json"]) == 0
    proxy = {r["distribution"]: r for r in json.loads(capsys.readouterr().out)}["urlplug-proxy"]
    assert (proxy["auto_installed"], proxy["active"]) == (True, False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    assert main(["plugins", "--json"]) == 0
    proxy = {r["distribution"]: r for r in json.loads(capsys.readouterr().out)}["urlplug-proxy"]
    assert proxy["active"] is True
    assert proxy["handlers"][0]["stages"]["open"] == ["http"]
