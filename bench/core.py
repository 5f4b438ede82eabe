"""The opener machinery's own cost, and cold start, against urllib.request in one run.

1. Per-request cost: ``open()`` through an in-memory classic handler (``mem_open`` returning a small
   response), urlplug's ``build_opener`` opener vs ``urllib.request.build_opener``'s.
2. Dispatch as a program written for urllib.request sees it: one ``MemHandler`` class (a
   ``urllib.request.BaseHandler`` whose ``mem_open`` returns ``urllib.response.addinfourl``) given to
   both ``build_opener`` functions, opens per second (target: urlplug >= 1.0x urllib.request).
3. Cold start: the CPU time of ``python -c "import X; X.build_opener()"`` for urlplug (with every
   installed plugin) and urllib.request, as fresh processes.

Run: ``python bench/core.py``. Prints medians and ratios (urlplug / stdlib; lower is better).
"""

from __future__ import annotations

import email.message
import io
import os
import resource
import statistics
import subprocess
import sys
import timeit
import urllib.request
import urllib.response

import urlplug

REPEAT = 7
NUMBER = 20_000


class StdlibMem(urllib.request.BaseHandler):
    def mem_open(self, req: urllib.request.Request) -> urllib.response.addinfourl:
        return urllib.response.addinfourl(io.BytesIO(b"hello"), email.message.Message(), req.full_url, 200)


class PlugMem(urlplug.BaseHandler):
    def mem_open(self, req: urlplug.Request) -> urlplug.Response:
        return urlplug.Response(io.BytesIO(b"hello"), email.message.Message(), req.full_url, 200)


class MemHandler(urllib.request.BaseHandler):
    """The same classic handler for both openers."""

    def mem_open(self, req: urllib.request.Request) -> urllib.response.addinfourl:
        return urllib.response.addinfourl(io.BytesIO(b"hello"), email.message.Message(), req.full_url, 200)


def per_request(open_url: object) -> float:
    timer = timeit.Timer(lambda: open_url("mem://bench/item"))  # type: ignore[operator]
    return statistics.median(t / NUMBER for t in timer.repeat(REPEAT, NUMBER))


def cold_start(codes: list[str], runs: int = 21) -> list[float]:
    """Median CPU time (user + system) of ``python -c code`` for each code, runs interleaved.

    CPU time, not wall time: on a shared machine the wall time of a 100 ms process moves with what
    else runs, its CPU time much less. Byte-code caching is on for these runs
    (``PYTHONDONTWRITEBYTECODE`` removed, one warm-up run each), as in any installed environment:
    otherwise an editable checkout recompiles every module of urlplug at each start while the
    standard library's are precompiled.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: list[list[float]] = [[] for _ in codes]
    for code in codes:
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
    for _ in range(runs):
        for i, code in enumerate(codes):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [statistics.median(t) for t in times]


def main() -> None:
    stdlib_opener = urllib.request.build_opener(StdlibMem)
    plug_opener = urlplug.build_opener(PlugMem)
    assert plug_opener.open("mem://bench/item").read() == b"hello"
    stdlib = per_request(stdlib_opener.open)
    plug = per_request(plug_opener.open)
    print(
        f"per-request  urllib.request {stdlib * 1e6:7.2f} us   urlplug {plug * 1e6:7.2f} us   "
        f"ratio {plug / stdlib:.2f}x (target <= 1.0x)"
    )

    stdlib_dispatch = per_request(urllib.request.build_opener(MemHandler).open)
    plug_dispatch = per_request(urlplug.build_opener(MemHandler).open)
    print(
        f"dispatch     urllib.request {1 / stdlib_dispatch:9,.0f}/s   urlplug {1 / plug_dispatch:9,.0f}/s   "
        f"ratio {stdlib_dispatch / plug_dispatch:.2f}x (target >= 1.0x)"
    )

    bare, stdlib_cold, plug_cold = cold_start(
        [
            "pass",
            "import urllib.request; urllib.request.build_opener()",
            "import urlplug; urlplug.build_opener()",
        ]
    )
    print(
        f"cold start   urllib.request {stdlib_cold * 1e3:7.1f} ms   urlplug {plug_cold * 1e3:7.1f} ms CPU   "
        f"ratio {plug_cold / stdlib_cold:.2f}x (target <= 1.0x; a bare interpreter takes {bare * 1e3:.1f} ms)"
    )


if __name__ == "__main__":
    main()
