"""A real Redis (Debian's redis-server, persistence off) and the three storages the cache tests run on."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import urlplug
from tests.servers import daemons

PLUGINS = ("urlplug-http", "urlplug-cache")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[daemons.Daemon]:
    """redis-server on a free loopback port, without snapshots or an append-only file; stopped after."""
    folder = tmp_path_factory.mktemp("redis")

    def configure(port: int) -> list[str]:
        return ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(folder), "--protected-mode", "no"]  # fmt: skip

    try:
        server = daemons.start(daemons.Daemon, "redis-server", folder, configure)
    except daemons.DaemonError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: daemons.Daemon) -> str:
    """A URL of the test Redis, emptied for this test."""
    import redis

    url = f"redis://127.0.0.1:{redis_server.port}/0"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


@pytest.fixture(params=["memory", "sqlite", "redis"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage in turn: ``memory:``, a SQLite file in ``tmp_path``, the test Redis."""
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/cache.db"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def make_opener() -> Iterator[Callable[..., urlplug.OpenerDirector]]:
    """``make(*handlers, plugins=PLUGINS)``: an opener of urlplug-http and urlplug-cache, closed after."""
    with contextlib.ExitStack() as openers:

        def make(*handlers: Any, plugins: tuple[str, ...] = PLUGINS) -> urlplug.OpenerDirector:
            return openers.enter_context(urlplug.build_opener(*handlers, plugins=plugins))

        yield make


@pytest.fixture
def opener(make_opener: Callable[..., urlplug.OpenerDirector], storage_url: str) -> urlplug.OpenerDirector:
    """An opener whose ``CacheHandler`` keeps its entries in ``storage_url``."""
    return make_opener(urlplug.CacheHandler(storage_url))
