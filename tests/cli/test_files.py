"""Where the body goes: -o, -O, resuming with -C -, and what a terminal gets (progress bar, JSON)."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from tests.servers.http import LoopbackHTTPServer, Reply, ScriptedServer, Seen, read_request

from .support import error_line, on_terminal, urlplug

BLOB = bytes(range(256)) * 256  # 64 KiB


def ranged(seen: Seen) -> Reply:
    """``BLOB``, honouring ``Range: bytes=N-`` as a server that resumes does."""
    asked = seen.headers.get("Range")
    if asked is None:
        return Reply(200, [], BLOB)
    start = int(asked.removeprefix("bytes=").rstrip("-"))
    if start >= len(BLOB):
        return Reply(416, [("Content-Range", f"bytes */{len(BLOB)}")])
    return Reply(206, [("Content-Range", f"bytes {start}-{len(BLOB) - 1}/{len(BLOB)}")], BLOB[start:])


def test_output_writes_the_file(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    target = tmp_path / "body.txt"
    result = urlplug(http_server.url("/file"), "-o", str(target))
    assert (result.returncode, result.stdout) == (0, b"")
    assert target.read_bytes() == b"GET /file"
    assert list(tmp_path.iterdir()) == [target]


def test_remote_name_takes_the_urls_file_name(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    assert urlplug(http_server.url("/dir/data.bin?x=1"), "-O", cwd=tmp_path).returncode == 0
    assert (tmp_path / "data.bin").read_bytes() == b"GET /dir/data.bin?x=1"


def test_remote_name_needs_a_file_name(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    result = urlplug(http_server.url("/dir/"), "-O", cwd=tmp_path)
    assert result.returncode == 23
    assert "Remote file name has no length" in error_line(result)


def test_a_body_cut_short_leaves_no_file_that_looks_complete(
    scripted_server: Callable[..., ScriptedServer], tmp_path: Path
) -> None:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")

    target = tmp_path / "out.bin"
    result = urlplug(scripted_server(script).url("/"), "-o", str(target))
    assert result.returncode == 18
    assert not target.exists()
    partial = tmp_path / "out.bin.part"
    assert partial.read_bytes() == b"only this"
    assert error_line(result).endswith(f"(the partial body is in {partial})")


def test_a_failure_before_the_body_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    assert urlplug("http://127.0.0.1:9/", "-o", str(target)).returncode == 7
    assert list(tmp_path.iterdir()) == []


def test_continue_resumes_a_partial_file_with_range(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    http_server.routes["/blob"] = ranged
    target = tmp_path / "blob"
    (tmp_path / "blob.part").write_bytes(BLOB[:1000])
    result = urlplug(http_server.url("/blob"), "-C", "-", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert http_server.seen[-1].headers["Range"] == "bytes=1000-"
    assert target.read_bytes() == BLOB
    assert not (tmp_path / "blob.part").exists()


def test_continue_resumes_a_file_left_by_curl(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    http_server.routes["/blob"] = ranged
    target = tmp_path / "blob"
    target.write_bytes(BLOB[:5])
    assert urlplug(http_server.url("/blob"), "-C", "-", "-o", str(target)).returncode == 0
    assert target.read_bytes() == BLOB


def test_continue_on_a_whole_file_is_done(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    http_server.routes["/blob"] = ranged
    target = tmp_path / "blob"
    target.write_bytes(BLOB)
    result = urlplug(http_server.url("/blob"), "-C", "-", "-o", str(target), "-f")
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == BLOB


def test_continue_refuses_a_server_without_ranges(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    target = tmp_path / "blob"
    (tmp_path / "blob.part").write_bytes(b"GET")
    result = urlplug(http_server.url("/blob"), "-C", "-", "-o", str(target))
    assert result.returncode == 33
    assert "byte ranges" in error_line(result)
    assert not target.exists()
    assert (tmp_path / "blob.part").read_bytes() == b"GET"


def test_continue_needs_a_file() -> None:
    result = urlplug("http://127.0.0.1:9/", "-C", "-")
    assert result.returncode == 2
    assert "-o FILE" in error_line(result)


def test_progress_bar_on_a_terminal(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    http_server.routes["/blob"] = ranged
    code, shown, out = on_terminal(http_server.url("/blob"), "-o", str(tmp_path / "blob"), stream="stderr")
    assert (code, out) == (0, b"")
    assert b"blob: 100%" in shown
    assert b"64.0k/64.0k" in shown


def test_no_progress_bar_when_silent(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    code, shown, _ = on_terminal(http_server.url("/"), "-s", "-o", str(tmp_path / "x"), stream="stderr")
    assert (code, shown) == (0, b"")


def test_no_progress_bar_without_tqdm(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    hidden = tmp_path / "hide"
    (hidden / "tqdm").mkdir(parents=True)
    (hidden / "tqdm" / "__init__.py").write_text("raise ImportError('tqdm hidden by the test')\n")
    code, shown, _ = on_terminal(
        http_server.url("/"), "-o", str(tmp_path / "x"), stream="stderr", env={"PYTHONPATH": str(hidden)}
    )
    assert (code, shown) == (0, b"")
    assert (tmp_path / "x").read_bytes() == b"GET /"


def test_no_progress_bar_through_a_pipe(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    result = urlplug(http_server.url("/"), "-o", str(tmp_path / "x"))
    assert (result.returncode, result.stderr) == (0, b"")


def test_json_is_pretty_printed_on_a_terminal(http_server: LoopbackHTTPServer) -> None:
    document = {"name": "urlplug", "tags": ["a", "b"]}
    body = json.dumps(document, separators=(",", ":")).encode()
    http_server.routes["/api"] = lambda seen: Reply(200, [("Content-Type", "application/json")], body)
    code, shown, _ = on_terminal(http_server.url("/api"), stream="stdout")
    assert code == 0
    assert shown.replace(b"\r\n", b"\n") == json.dumps(document, indent=2).encode() + b"\n"
    assert urlplug(http_server.url("/api")).stdout == body  # through a pipe: as sent


def test_a_json_type_with_a_body_that_is_not_json_is_shown_as_it_is(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/api"] = lambda seen: Reply(200, [("Content-Type", "application/json")], b"{oops")
    code, shown, _ = on_terminal(http_server.url("/api"), stream="stdout")
    assert (code, shown) == (0, b"{oops")


def test_output_dash_is_stdout(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    result = urlplug(http_server.url("/dash"), "-o", "-", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, b"GET /dash")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_keeps_the_partial_body_as_part(
    scripted_server: Callable[..., ScriptedServer], tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part")
        time.sleep(10)

    target = tmp_path / "out.bin"
    server = scripted_server(script)
    process = subprocess.Popen(
        [sys.executable, "-m", "urlplug", server.url("/"), "-o", str(target)], stderr=subprocess.PIPE
    )
    partial = tmp_path / "out.bin.part"
    deadline = time.monotonic() + 10
    while not (partial.exists() and partial.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert b"Traceback" not in err
    assert not target.exists()
    assert partial.read_bytes() == b"first part"


def test_a_device_is_written_as_it_is(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    received: list[bytes] = []
    reader.start()
    result = urlplug(http_server.url("/to-a-pipe"), "-o", str(fifo))
    reader.join(10)
    assert (result.returncode, received) == (0, [b"GET /to-a-pipe"])
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]  # no fifo.part beside it


def test_continue_needs_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = urlplug("http://127.0.0.1:9/", "-C", "-", "-o", str(fifo))
    assert result.returncode == 2
    assert "not one" in error_line(result)
