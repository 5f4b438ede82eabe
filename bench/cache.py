"""urlplug-cache: a cache hit against a fresh keep-alive fetch, and against hishel's requests integration.

The script starts nginx (Debian's; ``apt-get install nginx``) on loopback serving a 1 KiB file and a
32 MiB file, both with ``Cache-Control: max-age=3600``. Then, in interleaved rounds (median reported):

1. a fresh keep-alive GET of the 1 KiB file by a urlplug opener without the cache;
2. the same URL answered from the cache by a urlplug opener, from ``memory:`` and from a SQLite file
   (repeated hits within a second: served from the memory of fresh hits), and once more from
   ``memory:`` with that memory's clock moved a second before each request, so that hishel decides
   every hit (for reference; no target);
3. the same hit served by hishel's own ``requests`` integration (``hishel.requests.CacheAdapter`` with
   RFC 9111 on, private) from the same storage objects.

Last, the 32 MiB file is stored into SQLite and read back from it in 1 MiB blocks, with the peak of
Python allocations for each (the figure the README quotes).

Run: ``python bench/cache.py [--quick]``. Peers: ``pip install -r bench/requirements.txt``.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import hishel
import nginx
import requests
from hishel.requests import CacheAdapter

import urlplug
from urlplug_cache import memo
from urlplug_cache.storages import storage_from_url

KIB, MIB = 1024, 1024 * 1024

SERVER = """\
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        add_header Cache-Control "max-age=3600";
    }}
"""


def per_second(fetch: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fetch()
    return count / (time.perf_counter() - start)


def urlplug_get(opener: urlplug.OpenerDirector, url: str) -> Callable[[], bytes]:
    def get() -> bytes:
        with opener.open(url) as response:
            return response.read()

    return get


def requests_get(session: requests.Session, url: str) -> Callable[[], bytes]:
    return lambda: session.get(url).content


def peak_mib(read: Callable[[], None]) -> float:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests per round")
    args = parser.parse_args()
    count, rounds = (300, 3) if args.quick else (1500, 5)

    with tempfile.TemporaryDirectory(prefix="urlplug-bench-cache-") as folder:
        root = Path(folder)
        (root / "www").mkdir()
        (root / "www" / "1k").write_bytes(b"x" * KIB)
        with open(root / "www" / "32m", "wb") as big:
            big.truncate(32 * MIB)
        server = nginx.start(root, lambda port: SERVER.format(root=root, port=port))
        try:
            run(f"http://127.0.0.1:{server.port}", root, count, rounds)
        finally:
            server.stop()


def run(base: str, root: Path, count: int, rounds: int) -> None:
    url = f"{base}/1k"
    memory = storage_from_url("memory:")  # what URLPLUG_CACHE=memory: gives
    sqlite = hishel.SqliteStorage(database_path=root / "cache.db")
    http_only = ("urlplug-http",)
    with_cache = ("urlplug-http", "urlplug-cache")
    network = urlplug.build_opener(plugins=http_only)
    cases: dict[str, Callable[[], bytes]] = {
        "urlplug, fresh keep-alive fetch": urlplug_get(network, url),
        "urlplug-cache hit, memory": urlplug_get(
            urlplug.build_opener(urlplug.CacheHandler(memory), plugins=with_cache), url
        ),
        "urlplug-cache hit, SQLite": urlplug_get(
            urlplug.build_opener(urlplug.CacheHandler(sqlite), plugins=with_cache), url
        ),
    }
    memory_hit = cases["urlplug-cache hit, memory"]
    clock = memo._clock
    seconds = itertools.count()

    def decided_by_hishel() -> bytes:
        memo._clock = lambda: float(next(seconds))  # a new second for every look at the memory
        try:
            return memory_hit()
        finally:
            memo._clock = clock

    cases["urlplug-cache hit, memory, hishel decides"] = decided_by_hishel
    for name, storage in (("memory", memory), ("SQLite", sqlite)):
        session = requests.Session()
        adapter = CacheAdapter(storage=storage, rfc=hishel.CacheOptions(shared=False))
        session.mount("http://", adapter)
        cases[f"hishel.requests hit, {name}"] = requests_get(session, url)

    for fetch in cases.values():  # warm up: connections open, entries stored
        for _ in range(3):
            assert fetch() == b"x" * KIB
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fetch in cases.items():
            results[name].append(per_second(fetch, count))
    median = {name: statistics.median(values) for name, values in results.items()}

    print(f"1 KiB GET of {url}, {rounds} rounds of {count} (median requests/s)")
    for name, value in median.items():
        print(f"  {name:44} {value:10,.0f}/s")
    fresh = median["urlplug, fresh keep-alive fetch"]
    print("ratios (target)")
    for label, case, peer, target in (
        ("memory hit vs fresh fetch", "urlplug-cache hit, memory", fresh, 5),
        ("SQLite hit vs fresh fetch", "urlplug-cache hit, SQLite", fresh, 2),
        (
            "memory hit vs hishel.requests",
            "urlplug-cache hit, memory",
            median["hishel.requests hit, memory"],
            2,
        ),
        (
            "SQLite hit vs hishel.requests",
            "urlplug-cache hit, SQLite",
            median["hishel.requests hit, SQLite"],
            2,
        ),
    ):
        ratio = median[case] / peer
        print(f"  {label:36} {ratio:6.2f}x  (>= {target}x: {'met' if ratio >= target else 'NOT met'})")
    decided = median["urlplug-cache hit, memory, hishel decides"] / fresh
    print(f"  {'hishel-decided memory hit vs fresh fetch':36} {decided:6.2f}x  (for reference)")

    big_url = f"{base}/32m"
    opener = urlplug.build_opener(urlplug.CacheHandler(f"sqlite://{root}/big.db"), plugins=with_cache)

    def read_big() -> None:
        with opener.open(big_url) as response:
            while response.read(MIB):
                pass

    stored = peak_mib(read_big)
    served = peak_mib(read_big)
    print(f"32 MiB body through SQLite, read in 1 MiB blocks: peak Python allocations {stored:.1f} MiB")
    print(f"  while storing it, {served:.1f} MiB while serving it from the store")


if __name__ == "__main__":
    main()
