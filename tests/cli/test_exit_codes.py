"""curl's exit codes, with one line on stderr and never a traceback."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from tests.servers.http import LoopbackHTTPServer, Reply, ScriptedServer, read_request
from urlplug import errors as urlplug_errors
from urlplug.cli.failures import describe

from .support import error_line, urlplug


def _free_port() -> int:
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _raw(scripted_server: Callable[..., ScriptedServer], raw: bytes, then: float = 0) -> ScriptedServer:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(raw)
        time.sleep(then)

    return scripted_server(script)


def test_fail_exits_22_without_printing_the_body(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/missing"] = lambda seen: Reply(404, [], b"not here")
    result = urlplug(http_server.url("/missing"), "-f")
    assert (result.returncode, result.stdout) == (22, b"")
    assert error_line(result) == "urlplug: (22) The requested URL returned error: 404 Not Found"


def test_fail_lets_redirects_and_successes_through(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/new")], b"moved")
    assert urlplug(http_server.url("/old"), "-f").returncode == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:99999/", "URL rejected"),
        ("http://a b/", "bad host name"),
        ("http://", "bad host name"),
        ("http://127.0.0.1:9/a\x01b", "control characters"),
    ],
)
def test_malformed_urls_exit_3(url: str, message: str) -> None:
    result = urlplug(url)
    assert result.returncode == 3
    assert message in error_line(result)


def test_an_unknown_scheme_exits_1() -> None:
    result = urlplug("nosuch://host/")
    assert result.returncode == 1
    assert "unknown url type: 'nosuch'" in error_line(result)


def test_an_unknown_flag_exits_2() -> None:
    assert urlplug("http://127.0.0.1:9/", "--no-such-flag").returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-H", "no colon here"], "not of the form 'Name: value'"),
        (["-H", "X-Bad: a\rb"], "control character"),
        (["-X", "GET /evil"], "invalid method"),
    ],
)
def test_a_header_or_method_that_cannot_be_sent_exits_2(args: list[str], message: str) -> None:
    result = urlplug("http://127.0.0.1:9/", *args)
    assert result.returncode == 2
    assert message in error_line(result)


def test_a_name_that_does_not_resolve_exits_6() -> None:
    result = urlplug("http://no-such-host.invalid/")
    assert result.returncode == 6
    assert error_line(result) == "urlplug: (6) Could not resolve host: no-such-host.invalid"


def test_connection_refused_exits_7() -> None:
    port = _free_port()
    result = urlplug(f"http://127.0.0.1:{port}/")
    assert result.returncode == 7
    assert error_line(result).startswith(f"urlplug: (7) Failed to connect to 127.0.0.1 port {port}:")


def test_max_time_on_a_stalled_server_exits_28(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = _raw(scripted_server, b"", then=10)
    result = urlplug(server.url("/"), "-m", "0.5")
    assert result.returncode == 28
    assert "timed out" in error_line(result)


def test_max_time_bounds_a_body_that_trickles(scripted_server: Callable[..., ScriptedServer]) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(40):  # a byte every 0.1 s: every read succeeds, the whole takes 4 s
            sock.sendall(b"x")
            time.sleep(0.1)

    result = urlplug(scripted_server(script).url("/"), "-m", "1", "-o", "/dev/null")
    # Without the bound on the whole transfer, the body would end short after 4 s: exit 18.
    assert result.returncode == 28
    assert "timed out" in error_line(result)


def test_a_body_cut_short_exits_18(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = _raw(scripted_server, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    result = urlplug(server.url("/"))
    assert (result.returncode, result.stdout) == (18, b"only this")
    assert "91 bytes remaining" in error_line(result)


def test_a_garbled_reply_exits_8(scripted_server: Callable[..., ScriptedServer]) -> None:
    result = urlplug(_raw(scripted_server, b"garbage\r\n\r\n").url("/"))
    assert result.returncode == 8
    assert "garbage" in error_line(result)


def test_ctrl_c_exits_130_without_a_traceback(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = _raw(scripted_server, b"", then=10)
    process = subprocess.Popen(
        [sys.executable, "-m", "urlplug", server.url("/")], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 10
    while server.connections == 0 and time.monotonic() < deadline:  # then the command waits for the answer
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert b"Traceback" not in err


def test_a_closed_pipe_exits_23_without_a_traceback(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/big"] = lambda seen: Reply(200, [], b"x" * (8 << 20))
    process = subprocess.Popen(
        [sys.executable, "-m", "urlplug", http_server.url("/big")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10) == b"x" * 10
    process.stdout.close()  # as `| head -c 10` does
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(10) == 23
    assert err.splitlines() == ["urlplug: (23) Failure writing output to destination: [Errno 32] Broken pipe"]


def test_silent_hides_errors_unless_show_error() -> None:
    port = _free_port()
    quiet = urlplug(f"http://127.0.0.1:{port}/", "-s")
    assert (quiet.returncode, quiet.stderr) == (7, b"")
    shown = urlplug(f"http://127.0.0.1:{port}/", "-s", "-S")
    assert shown.returncode == 7
    assert error_line(shown).startswith("urlplug: (7)")


def test_too_many_redirects_exit_47(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/a"] = lambda seen: Reply(302, [("Location", "/b")])
    http_server.routes["/b"] = lambda seen: Reply(302, [("Location", "/c")])
    result = urlplug(http_server.url("/a"), "-L", "--max-redirs", "1")
    assert result.returncode == 47
    assert error_line(result) == "urlplug: (47) Maximum (1) redirects followed"
    assert urlplug(http_server.url("/a"), "-L", "--max-redirs", "2").stdout == b"GET /c"


def test_a_redirect_loop_exits_47(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/loop"] = lambda seen: Reply(302, [("Location", "/loop")])
    result = urlplug(http_server.url("/loop"), "-L")
    assert result.returncode == 47
    assert error_line(result) == "urlplug: (47) Too many redirects: a loop, or more than 10"


@pytest.mark.parametrize(
    "error",
    [urlplug_errors.URLTimeoutError("the server did not send the response head"), TimeoutError("timed out")],
)
def test_every_timeout_is_described_as_curl_28(error: BaseException) -> None:
    code, message = describe(error, "http://127.0.0.1:8080/")
    assert code == 28
    assert message == "Operation timed out (127.0.0.1 port 8080)"
