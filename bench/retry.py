"""urlplug-retry's cost when no retry is needed: W1 with and without the plugin, and its idle path alone.

1. W1: sequential 1 KiB GETs over HTTP from a local nginx (Debian's; ``apt-get install nginx``), one
   kept-alive connection, through ``build_opener(plugins=("urlplug-http", "urlplug-retry"))`` and
   ``build_opener(plugins=("urlplug-http",))``, in alternating rounds. Target: with / without >= 0.97x.
2. The idle path: ``RetryHandler.urlplug_open`` around an ``open_after`` that answers at once with a
   200 response, against calling that ``open_after`` directly: what the handler adds per request.

Run: ``python bench/retry.py`` (about 20 s). Prints the best round of each opener (the least
disturbed by other load), the ratio (time without / time with; higher is better, 1.0 is parity) by
wall clock and by this process's CPU time, and the idle path's cost in nanoseconds per request.
"""

from __future__ import annotations

import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

import nginx

import urlplug
from urlplug_retry import RetryHandler

KIB = 1024
GETS = 1000
ROUNDS = 11
IDLE_CALLS = 200_000

SERVER = """\
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
    }}
"""


def w1(opener: Any, url: str) -> None:
    """``GETS`` sequential GETs of the 1 KiB file, each body read to its end."""
    for _ in range(GETS):
        with opener.open(url, timeout=10) as response:
            if len(response.read()) != KIB:
                raise AssertionError("unexpected body")


def best_rounds(openers: dict[str, Any], url: str) -> dict[str, tuple[float, float]]:
    """The best (wall, CPU) seconds of each opener over ``ROUNDS`` alternating rounds."""
    best = {name: (float("inf"), float("inf")) for name in openers}
    for _ in range(ROUNDS):
        for name, opener in openers.items():
            wall, cpu = time.perf_counter(), time.process_time()
            w1(opener, url)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


class _Answering:
    """An opener whose ``open_after`` answers at once, as the HTTP handler does with a 200."""

    def __init__(self) -> None:
        self.response = urlplug.Response(None, None, "http://example.org/", 200, "OK")  # type: ignore[arg-type]

    def open_after(self, plugin: object, request: urlplug.Request) -> Any:
        return self.response


def idle_path_ns() -> tuple[float, float]:
    """Nanoseconds per request of ``open_after`` alone and through ``RetryHandler.urlplug_open``."""
    opener: Any = _Answering()
    handler = RetryHandler()
    request = urlplug.Request("http://example.org/")
    bare = min(timeit.repeat(lambda: opener.open_after(handler, request), number=IDLE_CALLS, repeat=5))
    through = min(timeit.repeat(lambda: handler.urlplug_open(opener, request), number=IDLE_CALLS, repeat=5))
    return bare / IDLE_CALLS * 1e9, through / IDLE_CALLS * 1e9


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="urlplug-bench-retry-") as folder:
        root = Path(folder)
        (root / "www").mkdir()
        (root / "www" / "1k").write_bytes(b"x" * KIB)
        server = nginx.start(root, lambda port: SERVER.format(port=port, root=root))
        openers = {
            "without": urlplug.build_opener(plugins=("urlplug-http",)),
            "with retry": urlplug.build_opener(plugins=("urlplug-http", "urlplug-retry")),
        }
        try:
            if not any(isinstance(h, RetryHandler) for h in openers["with retry"].handlers):
                raise SystemExit("urlplug-retry is not installed: pip install -e plugins/retry")
            url = f"http://127.0.0.1:{server.port}/1k"
            for opener in openers.values():
                w1(opener, url)  # connect and warm up outside the timing
            best = best_rounds(openers, url)
        finally:
            for opener in openers.values():
                opener.close()
            server.stop()
    print(f"W1: {GETS} sequential 1 KiB GETs from nginx over one kept-alive connection, best of {ROUNDS}")
    for name, (wall, cpu) in best.items():
        print(
            f"  {name:10} {GETS / wall:8.0f} req/s   {wall / GETS * 1e6:6.1f} us per GET"
            f" ({cpu / GETS * 1e6:.1f} us CPU)"
        )
    (wall_without, cpu_without), (wall_with, cpu_with) = best["without"], best["with retry"]
    print(
        f"  with / without: {wall_without / wall_with:.3f}x wall clock, {cpu_without / cpu_with:.3f}x CPU"
        " (target >= 0.97x)"
    )
    bare, through = idle_path_ns()
    print(
        f"Idle path: open_after alone {bare:.0f} ns, through RetryHandler.urlplug_open {through:.0f} ns:"
        f" {through - bare:.0f} ns added per request"
    )


if __name__ == "__main__":
    main()
