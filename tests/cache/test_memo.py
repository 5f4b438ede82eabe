"""Fresh hits served again from memory within one second, and forgotten whenever the store changes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import hishel
import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug_cache import memo
from urlplug_cache.faults import GuardedStorage

from .support import counting, fixed

Make = Callable[..., urlplug.OpenerDirector]


@pytest.fixture
def same_second(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Stops the memo's clock (at a second of the test's choice); returns the function that moves it."""
    now = [1_000_000.5]
    monkeypatch.setattr(memo, "_clock", lambda: now[0])

    def move(seconds: float) -> None:
        now[0] += seconds

    return move


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys the cache looked up in its store, in order."""
    seen: list[str] = []
    original = GuardedStorage.get_entries

    def get_entries(self: GuardedStorage, key: str) -> list[hishel.Entry]:
        seen.append(key)
        return original(self, key)

    monkeypatch.setattr(GuardedStorage, "get_entries", get_entries)
    return seen


def fetch(
    opener: urlplug.OpenerDirector, url: str
) -> tuple[int, bytes, list[tuple[str, str]], tuple[bool, ...]]:
    with opener.open(url) as response:
        return response.status, response.read(), response.getheaders(), tuple(response.cache_status)


def versions() -> Callable[[Seen], Reply]:
    """An answer to GET that changes after each successful PUT (which the origin sees too)."""
    version = [1]

    def answer(seen: Seen) -> Reply:
        if seen.method == "PUT":
            version[0] += 1
            return Reply(204, [])
        return Reply(200, [("Cache-Control", "max-age=60")], b"version %d" % version[0])

    return answer


@pytest.mark.parametrize("storage", ["memory:", "sqlite"])
def test_hits_within_one_second_are_served_without_asking_the_store(
    storage: str,
    make_opener: Make,
    http_server: LoopbackHTTPServer,
    tmp_path: Path,
    same_second: Callable[[float], None],
    lookups: list[str],
) -> None:
    url_of_store = storage if storage == "memory:" else f"sqlite://{tmp_path}/cache.db"
    opener = make_opener(urlplug.CacheHandler(url_of_store))
    hits = counting(http_server, "/fresh", fixed(("Cache-Control", "max-age=60"), body=b"fresh body"))
    url = http_server.url("/fresh")
    assert fetch(opener, url)[3] == (False, False, True)  # a miss, stored
    remembered = fetch(opener, url)  # a hit hishel decides, remembered
    again = [fetch(opener, url) for _ in range(3)]
    assert again == [remembered] * 3  # the same status, body and headers (Age included)
    assert remembered[1] == b"fresh body" and remembered[3] == (True, False, False)
    assert len(lookups) == 2 and len(hits) == 1

    same_second(1)  # a new second: hishel is asked again
    assert fetch(opener, url)[1:2] == (b"fresh body",)
    assert len(lookups) == 3 and len(hits) == 1


def test_an_unsafe_method_on_the_url_forgets_its_hit(
    make_opener: Make, http_server: LoopbackHTTPServer, same_second: Callable[[float], None]
) -> None:
    opener = make_opener(urlplug.CacheHandler("memory:"))
    hits = counting(http_server, "/doc", versions())
    url = http_server.url("/doc")
    assert [fetch(opener, url)[1] for _ in range(3)] == [b"version 1"] * 3
    opener.open(urlplug.Request(url, data=b"change", method="PUT")).close()
    assert fetch(opener, url)[1] == b"version 2"  # the PUT's success removed the entry: to the origin again
    assert len(hits) == 3  # GET, PUT, GET


def test_a_commit_by_another_connection_to_the_file_forgets_the_hits(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path, same_second: Callable[[float], None]
) -> None:
    path = tmp_path / "shared.db"
    reader = make_opener(urlplug.CacheHandler(f"sqlite://{path}"))
    writer = make_opener(urlplug.CacheHandler(hishel.SqliteStorage(database_path=path)))  # its own connection
    hits = counting(http_server, "/doc", versions())
    url = http_server.url("/doc")
    assert [fetch(reader, url)[1] for _ in range(3)] == [b"version 1"] * 3
    writer.open(urlplug.Request(url, data=b"change", method="PUT")).close()  # finds and removes the entry
    assert fetch(reader, url)[1] == b"version 2"
    assert len(hits) == 3  # GET, PUT, GET


def test_redis_is_asked_every_time(
    make_opener: Make, http_server: LoopbackHTTPServer, redis_url: str, same_second: Callable[[float], None],
    lookups: list[str],
) -> None:  # fmt: skip
    opener = make_opener(urlplug.CacheHandler(redis_url))
    counting(http_server, "/fresh", fixed(("Cache-Control", "max-age=60")))
    statuses = [fetch(opener, http_server.url("/fresh"))[3] for _ in range(4)]
    assert statuses == [(False, False, True)] + [(True, False, False)] * 3
    assert len(lookups) == 4


def test_a_body_larger_than_the_limit_is_read_from_the_store_each_time(
    make_opener: Make, http_server: LoopbackHTTPServer, same_second: Callable[[float], None],
    lookups: list[str],
) -> None:  # fmt: skip
    opener = make_opener(urlplug.CacheHandler("memory:"))
    body = bytes(range(256)) * (memo.MAX_BODY // 256 + 1)
    counting(http_server, "/big", fixed(("Cache-Control", "max-age=60"), body=body))
    results = [fetch(opener, http_server.url("/big")) for _ in range(3)]
    assert [result[1] == body for result in results] == [True] * 3
    assert [result[3][0] for result in results] == [False, True, True]
    assert len(lookups) == 3


def test_hishel_counts_ages_in_whole_seconds() -> None:
    """What the memory of hits relies on: hishel's answer for an entry changes only as whole seconds
    pass (its ``Age`` is a whole number, and freshness ends at a whole second of age)."""
    second = int(time.time())

    def answer(age: int) -> hishel.State:
        request = hishel.Request(method="GET", url="http://h/x", headers=hishel.Headers({}))
        headers = {"date": formatdate(second - age, usegmt=True), "cache-control": "max-age=60"}
        response = hishel.Response(status_code=200, headers=hishel.Headers(headers), stream=iter([b"x"]))
        entry = hishel.Entry(id=uuid.uuid4(), request=request, response=response)
        return hishel.IdleClient(options=hishel.CacheOptions(shared=False)).next(request, [entry])

    fresh = answer(58)  # 58 or 59 s old by the time hishel looks
    assert isinstance(fresh, hishel.FromCache)
    assert fresh.entry.response.headers.get("age") in ("58", "59")
    assert not isinstance(answer(61), hishel.FromCache)
