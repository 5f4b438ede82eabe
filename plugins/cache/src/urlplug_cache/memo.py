"""``FreshHits``: a response hishel just served from the store, served again without asking it while
nothing can have changed its answer.

hishel's answer to a request depends on the request, the stored entries and the time; it counts time
in whole seconds (HTTP dates do, and so do the ages it computes and sends in ``Age``). So within one
second of the clock, for the same request (method, URL and every header) and an unchanged store,
its answer is the same: a hit remembered then is served as it is, headers (``Age`` included) and
body. The store counts as changed when this process writes to it (:class:`GuardedStorage` counts its
writes, a body still being saved included) and, for SQLite, when another connection commits to the
file (``PRAGMA data_version``); other storages (Redis) are always asked.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Hashable
from typing import NamedTuple

import hishel

from .faults import GuardedStorage

__all__ = ["MAX_BODY", "FreshHits"]

MAX_BODY = 64 * 1024
"""The largest stored body (by its ``Content-Length``) remembered; a larger one is read from the store."""

_clock = time.time  # wall-clock seconds, as hishel counts them
_MAX_HITS = 128  # remembered hits at most in one second; when full, the oldest goes


class _Hit(NamedTuple):
    stamp: tuple[int, int, int]  # (second of the clock, this process's writes, the file's version)
    status_code: int
    headers: hishel.Headers
    body: bytes


class FreshHits:
    """The hits of the current second, for the requests that had them (see the module's docstring)."""

    def __init__(self, storage: GuardedStorage) -> None:
        self._storage = storage
        self._version = _version_reader(storage.storage)
        self._hits: dict[Hashable, _Hit] = {}  # all of the same second, the one below
        self._second = -1
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Whether the store can tell cheaply that it has not changed (SQLite, ``memory:``)."""
        return self._version is not None

    def _stamp(self) -> tuple[int, int, int] | None:
        assert self._version is not None
        version = self._version()
        if version is None:
            return None
        return int(_clock()), self._storage.writes, version

    def get(self, request: Hashable) -> hishel.Response | None:
        """The response remembered for ``request`` (a fingerprint of it) if it still holds."""
        hit = self._hits.get(request)
        if hit is None or hit.stamp != self._stamp():
            return None
        return hishel.Response(status_code=hit.status_code, headers=hit.headers, stream=iter((hit.body,)))

    def remember(self, request: Hashable, response: hishel.Response) -> hishel.Response:
        """Remember ``response`` (served from the store) for ``request``; return it to be served.

        A body announced no larger than :data:`MAX_BODY` is read now (it is read from the store
        anyway) and served from memory; any other response is returned as it is, not remembered.
        """
        length = response.headers.get("content-length", "")
        if not (length.isascii() and length.isdigit() and int(length) <= MAX_BODY):
            return response
        stamp = self._stamp()
        body = b"".join(response.stream)  # type: ignore[arg-type]
        if stamp is not None and len(body) == int(length):
            with self._lock:
                if stamp[0] != self._second:  # the hits of an earlier second no longer hold
                    self._hits.clear()
                    self._second = stamp[0]
                elif len(self._hits) >= _MAX_HITS:
                    del self._hits[next(iter(self._hits))]
                self._hits[request] = _Hit(stamp, response.status_code, response.headers, body)
        return hishel.Response(
            status_code=response.status_code, headers=response.headers, stream=iter((body,))
        )


def _version_reader(storage: hishel.BaseStorage) -> Callable[[], int | None] | None:
    """A function giving the SQLite file's ``data_version`` (``None`` before the storage connects or
    when the query fails), or ``None`` for a storage that is not SQLite."""
    if not isinstance(storage, hishel.SqliteStorage):
        return None

    lock = threading.Lock()  # threads share the connection, and its one prepared statement for this

    def version() -> int | None:
        connection = storage.connection
        if connection is None:
            return None
        try:
            with lock:
                row = connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else int(row[0])

    return version
