"""Running the real ``urlplug`` command in a subprocess, with pipes or a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping
from pathlib import Path

TIMEOUT = 30


def urlplug(
    *args: str,
    stdin: bytes = b"",
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m urlplug ARGS`` with stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-m", "urlplug", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=TIMEOUT,
        check=False,
    )


def error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """The single line the command wrote to stderr (asserting there is exactly one)."""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def on_terminal(
    *args: str, stream: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[int, bytes, bytes]:
    """Run the command with ``stream`` ("stdout" or "stderr") on a pseudo-terminal of 80 columns.

    Returns the exit code, what the terminal showed, and what the other stream got through a pipe.
    """
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    terminal = {stream: follower}
    process = subprocess.Popen(
        [sys.executable, "-m", "urlplug", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal.get("stdout", subprocess.PIPE),
        stderr=terminal.get("stderr", subprocess.PIPE),
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    piped = process.stdout if stream == "stderr" else process.stderr
    assert piped is not None
    other = piped.read()
    piped.close()
    return process.wait(TIMEOUT), shown, other
