"""``file:`` URLs against plain file reads and urllib.request's FileHandler, in one run.

1. Throughput: read a 64 MiB file in 64 KiB chunks through ``opener.open("file://...")``, against
   ``open(path, "rb").read(65536)`` in a loop (target: urlplug >= 0.9x plain) and against
   ``urllib.request``'s opener reading the same way.
2. Per-open cost: open, read and close a small file, urlplug against urllib.request.

Run: ``python bench/file.py``. Prints best-of-N timings and ratios (higher throughput is better).
The file is read once before timing, so every reader is served from the page cache.
"""

from __future__ import annotations

import os
import tempfile
import time
import timeit
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import urlplug

SIZE = 64 * 1024 * 1024
CHUNK = 64 * 1024
ROUNDS = 7
SMALL_OPENS = 2000


def drain(fp: Any) -> int:
    total = 0
    while chunk := fp.read(CHUNK):
        total += len(chunk)
    return total


def plain_read(path: Path) -> int:
    with open(path, "rb") as fp:
        return drain(fp)


def best_seconds(read: Callable[[], int], expected: int) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        assert read() == expected
        best = min(best, time.perf_counter() - start)
    return best


def per_open(open_url: Callable[[str], Any], url: str) -> float:
    def once() -> None:
        with open_url(url) as response:
            response.read()

    return min(timeit.repeat(once, number=SMALL_OPENS, repeat=5)) / SMALL_OPENS


def main() -> None:
    plug = urlplug.build_opener(plugins=("urlplug-file",))
    stdlib = urllib.request.build_opener()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.bin"
        path.write_bytes(os.urandom(1024 * 1024) * (SIZE // (1024 * 1024)))
        url = path.as_uri()

        def plug_read() -> int:
            with plug.open(url) as response:
                return drain(response)

        def stdlib_read() -> int:
            with stdlib.open(url) as response:
                return drain(response)

        plain_read(path)
        plain = best_seconds(lambda: plain_read(path), SIZE)
        ours = best_seconds(plug_read, SIZE)
        theirs = best_seconds(stdlib_read, SIZE)
        mib = SIZE / (1024 * 1024)
        print(
            f"64 MiB in 64 KiB chunks   open().read {mib / plain:7.0f} MiB/s   "
            f"urlplug {mib / ours:7.0f} MiB/s   urllib.request {mib / theirs:7.0f} MiB/s"
        )
        print(f"  urlplug / open().read      {plain / ours:.2f}x (target >= 0.9x)")
        print(f"  urlplug / urllib.request   {theirs / ours:.2f}x")

        small = Path(folder) / "small.txt"
        small.write_bytes(b"x" * 512)
        ours_open = per_open(plug.open, small.as_uri())
        theirs_open = per_open(stdlib.open, small.as_uri())
        print(
            f"open+read+close 512 B file   urlplug {ours_open * 1e6:6.1f} us   "
            f"urllib.request {theirs_open * 1e6:6.1f} us   "
            f"speed ratio {theirs_open / ours_open:.2f}x (urlplug / urllib.request)"
        )
    plug.close()


if __name__ == "__main__":
    main()
