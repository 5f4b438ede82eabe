"""Cache storages from a URL: ``sqlite:///abs/path.db``, ``redis://host:port/db``, ``memory:``.

Every storage is one of hishel's, with urlplug's defaults: no time-to-live of its own (RFC 9111
freshness decides what is served, and stale entries stay for revalidation), no body-size limit
beyond SQLite's 1 GiB database cap, and Redis timeouts of one second without retries, so that a
Redis that hangs is bypassed quickly.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import hishel

__all__ = ["REDIS_TIMEOUT", "storage_from_url"]

REDIS_TIMEOUT = 1.0
"""Seconds redis-py waits to connect and for each reply (its own default is 5)."""


def storage_from_url(url: str) -> hishel.BaseStorage:
    """The hishel storage ``url`` names; ``ValueError`` if it names none."""
    scheme = url.partition(":")[0].lower()
    if scheme == "memory" and url.lower() == "memory:":
        connection = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        return hishel.SqliteStorage(connection=connection)
    if scheme == "sqlite":
        return _sqlite(url)
    if scheme in ("redis", "rediss", "unix"):
        return _redis(url)
    raise ValueError(
        f"unknown cache storage {url!r}: use sqlite:///absolute/path.db, redis://host:port/db or memory:"
    )


def _sqlite(url: str) -> hishel.SqliteStorage:
    parts = urlsplit(url)
    path = Path(parts.path)
    if parts.netloc or not parts.path.startswith("/") or parts.path.endswith("/"):
        raise ValueError(
            f"cache storage {url!r}: a SQLite URL names an absolute file: sqlite:///path/to/cache.db"
        )
    return hishel.SqliteStorage(database_path=path)


def _redis(url: str) -> hishel.RedisStorage:
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError:
        raise ValueError(
            f"cache storage {url!r} needs redis-py: pip install 'urlplug-cache[redis]'"
        ) from None
    client = redis.Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT,
        socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    return hishel.RedisStorage(client, default_ttl=None, max_stream_size=None, key_prefix="urlplug-cache")
