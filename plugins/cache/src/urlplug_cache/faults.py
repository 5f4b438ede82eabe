"""``GuardedStorage``: a storage failure becomes a warning and a pause of the cache, never a failed request.

hishel's storages catch most of their own failures and log them (a Redis that does not answer, a
SQLite file that cannot be written or is not a database); the rest they raise. Both kinds reach
:meth:`GuardedStorage.failed`: the caller gets a :class:`CacheWarning` naming the problem, the
request goes to the origin, and the storage is left alone for ``pause`` seconds (the rest of that
request included) so that a hanging server costs one timeout, not one per storage call.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import replace

import hishel

__all__ = ["CacheWarning", "GuardedStorage"]

_watching: contextvars.ContextVar[GuardedStorage | None] = contextvars.ContextVar(
    "urlplug_cache", default=None
)


class CacheWarning(UserWarning):
    """The cache storage failed; the request was served from the origin."""


class _LogBridge(logging.Filter):
    """Hands the errors hishel's storages log while a :class:`GuardedStorage` works to that storage
    (which warns instead); records logged elsewhere go on as usual."""

    def filter(self, record: logging.LogRecord) -> bool:
        storage = _watching.get()
        if storage is None or record.levelno < logging.WARNING:
            return True
        problem = record.getMessage().removeprefix("hishel: ")
        if record.exc_info and record.exc_info[1] is not None:
            problem += f" ({record.exc_info[1]!r})"
        storage.failed(problem)
        return False


_STORAGE_LOGGERS = ("hishel._core._storages._sync_sqlite", "hishel._core._storages._sync_redis")
_bridge_lock = threading.Lock()
_bridge: _LogBridge | None = None


def _install_bridge() -> None:
    global _bridge
    with _bridge_lock:
        if _bridge is None:
            _bridge = _LogBridge()
            for name in _STORAGE_LOGGERS:
                logging.getLogger(name).addFilter(_bridge)


class GuardedStorage(hishel.BaseStorage):
    """``storage`` (described as ``name`` in warnings) with its failures turned into warnings and pauses."""

    def __init__(self, storage: hishel.BaseStorage, name: str, pause: float = 30.0) -> None:
        super().__init__(
            default_ttl=storage.default_ttl,
            default_tti=storage.default_tti,
            max_stream_size=storage.max_stream_size,
        )
        self.storage = storage
        self.name = name
        self.pause = pause
        self._paused_until = 0.0
        self.writes = 0
        """How many writes this process has made to the store (a saved body counts at its end too)."""
        self._writes_lock = threading.Lock()
        _install_bridge()

    def _wrote(self) -> None:
        with self._writes_lock:
            self.writes += 1

    @property
    def available(self) -> bool:
        """Whether the cache is in use: not within ``pause`` seconds of a failure."""
        return time.monotonic() >= self._paused_until

    def failed(self, problem: str) -> None:
        """Pause the cache and warn about ``problem``."""
        self._paused_until = time.monotonic() + self.pause
        warnings.warn(
            f"urlplug-cache: {self.name}: {problem}; the request is served from the origin "
            f"and the cache is bypassed for {self.pause:g} s",
            CacheWarning,
            stacklevel=2,
        )

    @contextlib.contextmanager
    def _watch(self) -> Iterator[None]:
        token = _watching.set(self)
        try:
            yield
        finally:
            _watching.reset(token)

    def _watched(self, stream: Iterable[bytes]) -> Iterator[bytes]:
        """``stream`` with the storage work done while reading it watched too: a body being saved.

        (A stored body being read is not watched: a failure there cannot fall back to the origin,
        so it raises to the reader.)"""
        chunks = iter(stream)
        try:
            while True:
                with self._watch():
                    chunk = next(chunks, None)
                if chunk is None:
                    return
                yield chunk
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                with self._watch():
                    close()
            self._wrote()

    def create_entry(
        self,
        request: hishel.Request,
        response: hishel.Response,
        key: str,
        *,
        ttl: float | None = None,
        tti: float | None = None,
    ) -> hishel.Entry:
        """The storage's entry, or one that only passes ``response`` on if the storage failed."""
        if not self.available:
            return hishel.Entry(id=uuid.uuid4(), request=request, response=response)
        self._wrote()
        try:
            with self._watch():
                entry = self.storage.create_entry(request, response, key, ttl=ttl, tti=tti)
        except Exception as exc:
            self.failed(f"could not store a response ({exc!r})")
            return hishel.Entry(id=uuid.uuid4(), request=request, response=response)
        stream = entry.response.stream
        assert isinstance(stream, Iterable)
        return replace(entry, response=replace(entry.response, stream=self._watched(stream)))

    def get_entries(self, key: str) -> list[hishel.Entry]:
        """The storage's entries for ``key``, none if it failed."""
        if not self.available:
            return []
        try:
            with self._watch():
                return self.storage.get_entries(key)
        except Exception as exc:
            self.failed(f"could not read entries ({exc!r})")
            return []

    def update_headers(self, id: uuid.UUID, headers: hishel.Headers) -> None:
        """Replace an entry's stored headers (after a ``304``), if the storage can."""
        if not self.available:
            return
        self._wrote()
        try:
            with self._watch():
                self.storage.update_headers(id, headers)
        except Exception as exc:
            self.failed(f"could not update an entry ({exc!r})")

    def remove_entry(self, id: uuid.UUID) -> None:
        """Remove an entry (after an unsafe method), if the storage can."""
        if not self.available:
            return
        self._wrote()
        try:
            with self._watch():
                self.storage.remove_entry(id)
        except Exception as exc:
            self.failed(f"could not remove an entry ({exc!r})")

    def close(self) -> None:
        """Close the storage."""
        self.storage.close()
