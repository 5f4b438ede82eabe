"""Start-up of the ``urlplug`` command against curl, in one run.

Each case is a fresh process fetching a small file from a loopback ``http.server`` (and a ``data:``
URL, which needs no network); the CPU time of the child (user + system, the least disturbed by other
load on the machine) is taken over interleaved rounds, and the median reported. A bare interpreter
and ``import urlplug.cli`` are shown for scale. curl is the peer when installed (``apt-get install
curl``); it is a C program, so the ratio says how much a Python start costs, not how fast urlplug is.

Run: ``python bench/cli.py``.
"""

from __future__ import annotations

import contextlib
import http.server
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

ROUNDS = 21


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _server(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _cpu_ms(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3


def main() -> None:
    python = sys.executable
    urlplug = [python, "-m", "urlplug"]
    with tempfile.TemporaryDirectory() as folder, _server(Path(folder)) as base:
        (Path(folder) / "small.txt").write_bytes(b"x" * 1024)
        url = f"{base}/small.txt"
        cases = {
            "python -c pass": [python, "-c", "pass"],
            "import urlplug.cli": [python, "-c", "import urlplug.cli"],
            "urlplug data:,x": [*urlplug, "data:,x"],
            "urlplug http (1 KiB)": [*urlplug, url],
        }
        curl = shutil.which("curl")
        if curl is not None:
            cases["curl http (1 KiB)"] = [curl, "-s", url]
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(ROUNDS):
            for name, command in cases.items():
                times[name].append(_cpu_ms(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<24} {median:7.1f} ms CPU")
    if curl is not None:
        ratio = medians["urlplug http (1 KiB)"] / medians["curl http (1 KiB)"]
        print(f"urlplug / curl, one small fetch: {ratio:.1f}x")


if __name__ == "__main__":
    main()
