"""A broken cache never breaks a request: the origin answers and a CacheWarning names the problem."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import urlplug
from tests.servers.daemons import free_port
from tests.servers.http import LoopbackHTTPServer
from urlplug_cache import CacheWarning

from .support import counting, fixed

Make = Callable[..., urlplug.OpenerDirector]


def fetch_twice(opener: urlplug.OpenerDirector, url: str) -> list[bytes]:
    bodies = []
    for _ in range(2):
        with opener.open(url) as response:
            bodies.append(response.read())
            assert response.cache_status == (False, False, False)
    return bodies


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a Redis that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(5)
    for sock in accepted:
        sock.close()
    listener.close()


def test_an_unreachable_redis_serves_from_the_origin_with_a_warning(
    make_opener: Make, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(http_server, "/r", fixed(("Cache-Control", "max-age=60")))
    opener = make_opener(urlplug.CacheHandler(f"redis://127.0.0.1:{free_port()}/0"))
    with pytest.warns(CacheWarning, match=r"redis://127\.0\.0\.1:\d+/0: could not read entries"):
        assert fetch_twice(opener, http_server.url("/r")) == [b"payload"] * 2
    assert len(hits) == 2


def test_a_hanging_redis_is_given_up_after_its_timeout_and_then_bypassed(
    make_opener: Make, http_server: LoopbackHTTPServer, silent_server: int
) -> None:
    counting(http_server, "/h", fixed(("Cache-Control", "max-age=60")))
    opener = make_opener(urlplug.CacheHandler(f"redis://127.0.0.1:{silent_server}/0"))
    with pytest.warns(CacheWarning, match="Timeout") as warned:
        assert fetch_twice(opener, http_server.url("/h")) == [b"payload"] * 2
    assert len(warned) == 1  # the second request did not wait for Redis again


@pytest.mark.parametrize(
    ("occupant", "database", "problem"),
    [
        ("cache.db", "cache.db", "not a database"),  # a text file where the database should be
        ("file", "file/cache.db", "File exists"),  # a file where its folder should be
    ],
)
def test_a_sqlite_file_that_cannot_be_used(
    make_opener: Make,
    http_server: LoopbackHTTPServer,
    tmp_path: Path,
    occupant: str,
    database: str,
    problem: str,
) -> None:
    (tmp_path / occupant).write_bytes(b"this is a text file " * 100)
    counting(http_server, "/c", fixed(("Cache-Control", "max-age=60")))
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/{database}"))
    with pytest.warns(CacheWarning, match=problem):
        assert fetch_twice(opener, http_server.url("/c")) == [b"payload"] * 2


def test_a_sqlite_database_with_tables_hishel_cannot_use(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(tmp_path / "mine.db")) as connection:
        connection.execute("CREATE TABLE entries (name TEXT)")
        connection.commit()
    counting(http_server, "/t", fixed(("Cache-Control", "max-age=60")))
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/mine.db"))
    with pytest.warns(CacheWarning, match="entries"):
        assert fetch_twice(opener, http_server.url("/t")) == [b"payload"] * 2
    with contextlib.closing(sqlite3.connect(tmp_path / "mine.db")) as connection:  # left as it was
        assert connection.execute("SELECT sql FROM sqlite_master").fetchall() == [
            ("CREATE TABLE entries (name TEXT)",)
        ]


@pytest.mark.parametrize(
    "url", ["sqlite://relative.db", "sqlite:///folder/", "postgres://db/0", "memory:extra", ""]
)
def test_a_storage_url_that_names_no_storage_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("URLPLUG_CACHE", raising=False)
    with pytest.raises(ValueError, match="cache storage"):
        urlplug.CacheHandler(url or None)
