"""urlplug-retry's cost when no retry is needed: W1 with and without the plugin, and its idle path alone.

1. W1: sequential 1 KiB GETs over HTTP from a local nginx (Debian's; ``apt-get install nginx``), one
   kept-alive connection, through ``build_opener(plugins=("urlplug-http", "urlplug-retry"))`` and
   ``build_opener(plugins=("urlplug-http",))``, in alternating rounds. Target: with / without >= 0.97x.
2. The idle path without a network: ``opener.open()`` answered at once by a canned handler, without
   a plugin, with a plugin that only calls ``opener.open_after`` (the core's cost of sending a
   request on), and with ``RetryHandler``: what the plugin adds per request, and how much of it is
   its own.

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
GETS = 500
ROUNDS = 31
OPENS = 50_000

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


class _Canned(urlplug.BaseHandler):
    """Answers every ``http:`` request at once with the same response: the machinery alone."""

    def __init__(self, response: urlplug.Response) -> None:
        self.response = response

    def http_open(self, request: urlplug.Request) -> urlplug.Response:
        return self.response


class _PassOn:
    """A native plugin that only sends the request on: what ``open_after`` itself costs."""

    schemes = frozenset({"http", "https"})
    handler_order = 200

    @urlplug.hookimpl
    def urlplug_open(self, opener: urlplug.OpenerDirector, request: urlplug.Request) -> Any:
        return opener.open_after(self, request)


def machinery_ns() -> dict[str, float]:
    """Nanoseconds per ``opener.open()`` answered at once: without a plugin, with a bare
    ``open_after`` plugin, with ``RetryHandler``; best of alternating rounds."""
    response = urlplug.Response(None, None, "http://example.org/", 200, "OK")  # type: ignore[arg-type]
    openers = {
        "without": urlplug.build_opener(_Canned(response), plugins=()),
        "open_after only": urlplug.build_opener(_Canned(response), _PassOn(), plugins=()),
        "RetryHandler": urlplug.build_opener(_Canned(response), RetryHandler(), plugins=()),
    }
    best = dict.fromkeys(openers, float("inf"))
    for _ in range(7):
        for name, opener in openers.items():
            seconds = timeit.timeit(lambda opener=opener: opener.open("http://example.org/"), number=OPENS)
            best[name] = min(best[name], seconds / OPENS * 1e9)
    return best


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
    machinery = machinery_ns()
    print(f"The machinery alone: opener.open() answered at once by a canned handler, best of 7 x {OPENS}")
    for name, ns in machinery.items():
        added = ns - machinery["without"]
        print(f"  {name:16} {ns:6.0f} ns per open" + (f"  (+{added:.0f} ns)" if added else ""))


if __name__ == "__main__":
    main()
