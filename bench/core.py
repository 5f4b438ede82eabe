"""The opener machinery's own cost, and cold start, against urllib.request in one run.

1. Per-request cost: ``open()`` through an in-memory classic handler (``mem_open`` returning a small
   response), urlplug's ``build_opener`` opener vs ``urllib.request.build_opener``'s.
2. Cold start: ``python -c "import X; X.build_opener()"`` for urlplug (with every installed plugin)
   and urllib.request, as fresh processes.

Run: ``python bench/core.py``. Prints medians and ratios (urlplug / stdlib; lower is better).
"""

from __future__ import annotations

import email.message
import io
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


def per_request(open_url: object) -> float:
    timer = timeit.Timer(lambda: open_url("mem://bench/item"))  # type: ignore[operator]
    return statistics.median(t / NUMBER for t in timer.repeat(REPEAT, NUMBER))


def cold_start(code: str) -> float:
    runs = []
    for _ in range(15):
        result = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-c",
                f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


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

    stdlib_cold = cold_start("import urllib.request; urllib.request.build_opener()")
    plug_cold = cold_start("import urlplug; urlplug.build_opener()")
    print(
        f"cold start   urllib.request {stdlib_cold * 1e3:7.1f} ms   urlplug {plug_cold * 1e3:7.1f} ms   "
        f"ratio {plug_cold / stdlib_cold:.2f}x (target <= 1.2x)"
    )


if __name__ == "__main__":
    main()
