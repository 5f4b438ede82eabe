"""Real third-party servers (Debian packages) started on loopback for tests and benchmarks.

``start(name, folder, configure)`` finds the program, picks a free port, lets ``configure(port)``
write the config and return the command-line arguments, starts the program in the foreground and
waits until it accepts connections. A port taken by someone else between the pick and the bind
is retried with another one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar


class DaemonError(RuntimeError):
    """The program is not installed, or did not come up."""


@dataclass
class Daemon:
    """A running server program listening on ``127.0.0.1:port``, with its files in ``folder``."""

    name: str
    port: int
    folder: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Terminate it (kill it if it lingers)."""
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


D = TypeVar("D", bound=Daemon)


def install_hint(name: str) -> str:
    """How to get ``name``: the message of a test that needs a missing program."""
    return f"{name} is not installed: run `apt-get install {name}` (./scripts/test and .ci/run install it)"


def find_binary(name: str) -> str:
    """The path of the program ``name`` (also looked up in the sbin folders), or ``DaemonError``."""
    found = shutil.which(name) or next(
        (path for path in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(path, os.X_OK)), None
    )
    if found is None:
        raise DaemonError(install_hint(name))
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(process: subprocess.Popen[bytes], port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.01)
        else:
            return True
    return False


def start(
    kind: type[D], name: str, folder: Path, configure: Callable[[int], list[str]], logs: Iterable[str] = ()
) -> D:
    """Start the program ``name`` on a free port as a ``kind``; ``DaemonError`` (with its output) if it fails.

    ``configure(port)`` writes whatever config the program needs into ``folder`` and returns its
    arguments; ``logs`` names files in ``folder`` to show when it does not come up.
    """
    binary = find_binary(name)
    errors = ""
    for _ in range(5):
        port = free_port()
        arguments = configure(port)
        with open(folder / "stderr.txt", "wb") as stderr:
            process = subprocess.Popen(
                [binary, *arguments], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        if _listening(process, port, time.monotonic() + 10):
            return kind(name, port, folder, process)
        process.kill()
        process.wait(5)
        errors = "".join(
            (folder / log).read_text(errors="replace")
            for log in ("stderr.txt", *logs)
            if (folder / log).exists()
        )
    raise DaemonError(f"{name} did not start:\n{errors}")


@contextlib.contextmanager
def started_in(tmp_path: Path, start_one: Callable[..., D]) -> Iterator[Callable[..., D]]:
    """For a test fixture: ``start(*args)`` runs ``start_one(folder, *args)`` in a new folder of
    ``tmp_path``, failing the test with the install hint when the program cannot start; every
    daemon started is stopped afterwards."""
    import pytest

    started: list[D] = []

    def start(*args: Any, **kwargs: Any) -> D:
        folder = tmp_path / f"daemon-{len(started)}"
        folder.mkdir()
        try:
            daemon = start_one(folder, *args, **kwargs)
        except DaemonError as exc:
            pytest.fail(str(exc), pytrace=False)
        started.append(daemon)
        return daemon

    try:
        yield start
    finally:
        for daemon in started:
            daemon.stop()
