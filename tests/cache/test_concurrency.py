"""Threads sharing an opener, processes sharing a store, and concurrent misses collapsed into one."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen

from .support import counting

FETCH = """
import sys, urlplug
opener = urlplug.build_opener(urlplug.CacheHandler(sys.argv[1]), plugins=("urlplug-http", "urlplug-cache"))
for url in sys.argv[2:]:
    with opener.open(url) as response:
        sys.stdout.write(response.read().decode() + "\\n")
"""


def per_path(seen: Seen) -> Reply:
    return Reply(200, [("Cache-Control", "max-age=60")], seen.path.encode() * 1000)


def test_eight_threads_sharing_an_opener_get_their_own_bodies(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    paths = [f"/t{n % 4}" for n in range(64)]
    for path in set(paths):
        counting(http_server, path, per_path)

    def fetch(path: str) -> bytes:
        with opener.open(http_server.url(path)) as response:
            body: bytes = response.read()
            return body

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(fetch, paths))
    assert bodies == [path.encode() * 1000 for path in paths]


def test_concurrent_misses_of_one_url_reach_the_origin_once(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    release = threading.Event()

    def slow(seen: Seen) -> Reply:
        release.wait(10)  # every thread is in the cache by then, waiting or leading
        return Reply(200, [("Cache-Control", "max-age=60")], b"only once")

    hits = counting(http_server, "/herd", slow)
    started = threading.Barrier(9)

    def fetch() -> tuple[bytes, bool]:
        started.wait(10)
        with opener.open(http_server.url("/herd")) as response:
            return response.read(), response.cache_status.from_cache

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(fetch) for _ in range(8)]
        started.wait(10)
        release.set()
        results = [future.result(20) for future in futures]
    assert [body for body, _ in results] == [b"only once"] * 8
    assert sorted(from_cache for _, from_cache in results) == [False] + [True] * 7
    assert len(hits) == 1


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_processes_share_one_store(
    kind: str, http_server: LoopbackHTTPServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage = f"sqlite://{tmp_path}/shared.db" if kind == "sqlite" else request.getfixturevalue("redis_url")
    paths = [f"/p{n}" for n in range(6)]
    hits = {path: counting(http_server, path, per_path) for path in paths}
    urls = [http_server.url(path) for path in paths]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", FETCH, storage, *urls], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    for out, err in outputs:
        assert out.decode().splitlines() == [(path * 1000) for path in paths], err.decode()
    assert all(1 <= len(seen) <= 3 for seen in hits.values())
    # A last process finds every body stored by the others: the origin hears nothing more.
    before = sum(len(seen) for seen in hits.values())
    last = subprocess.run(
        [sys.executable, "-c", FETCH, storage, *urls], capture_output=True, timeout=60, check=True
    )
    assert last.stdout.decode().splitlines() == [(path * 1000) for path in paths]
    assert sum(len(seen) for seen in hits.values()) == before


def test_a_response_that_is_not_stored_does_not_hold_the_others_back(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/live.db", herd_timeout=60))
    hits = counting(http_server, "/live", lambda seen: Reply(200, [("Cache-Control", "no-store")], b"live"))
    with opener.open(http_server.url("/live")) as unread:  # its body not read yet
        second = threading.Thread(target=lambda: opener.open(http_server.url("/live")).read())
        second.start()
        second.join(10)
        assert not second.is_alive()  # it did not wait for the first body (herd_timeout is 60 s)
        assert unread.read() == b"live"
    assert len(hits) == 2


def test_a_waiting_miss_gives_up_on_a_leader_that_never_finishes() -> None:
    from urlplug_cache.herd import Herd

    herd = Herd(timeout=0.05)
    end_lead = herd.lead("key")
    assert end_lead is not None
    assert herd.lead("key") is None  # waited out the timeout: it goes to the origin itself
    end_lead()
    assert herd.lead("key") is not None  # the lead is free again
