"""``CacheHandler``: RFC 9111 caching in the open stage, on hishel's state machine and storages."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import hishel

from urlplug import BaseHandler, OpenerDirector, Request

from .faults import GuardedStorage
from .herd import Herd
from .memo import FreshHits
from .messages import cached_request, hishel_response, sendable, urlplug_response
from .status import CacheStatus
from .storages import storage_from_url

__all__ = ["ENVIRONMENT", "CacheHandler"]

ENVIRONMENT = "URLPLUG_CACHE"
"""The environment variable that turns the cache on for every opener: a storage URL."""

_COLLAPSED = frozenset({"GET", "HEAD"})
_NOTHING = CacheStatus(from_cache=False, revalidated=False, stored=False)
_HIT = CacheStatus(from_cache=True, revalidated=False, stored=False)


class _NoResponse(Exception):
    """Nothing after the cache in the open stage answered."""


class CacheHandler(BaseHandler):
    """An RFC 9111 HTTP cache for HTTP(S) responses, kept in ``storage``.

    ``storage`` is a URL — ``sqlite:///absolute/path.db``, ``redis://host:port/db``, ``memory:`` —
    or a hishel storage object; by default, the URL in ``URLPLUG_CACHE``. What is served from the
    store, revalidated or stored is hishel's decision: freshness from ``max-age``, ``Expires`` or
    heuristics, ``no-store``, ``no-cache``, ``Vary``, ``ETag`` and ``Last-Modified`` validation (a
    ``304`` is answered with the stored response, headers refreshed), and invalidation of a URL's
    entries when an unsafe method on it succeeds. The cache is private unless ``shared=True``: it
    stores ``Cache-Control: private`` responses and ignores ``s-maxage``.

    ``handler_order`` is 300: after ``ProxyHandler`` (100), before the HTTP handlers, so a miss goes
    on to them through ``opener.open_after`` and every response, stored or not, goes through the
    response stage (redirects, authentication, cookies, decoding) alike. Every response it returns
    has ``cache_status`` (:class:`~urlplug_cache.CacheStatus`).

    Concurrent misses of one URL (``GET``, ``HEAD``) in one process wait up to ``herd_timeout``
    seconds for the first one's response instead of all going to the origin. A failing storage
    never fails a request: see :class:`~urlplug_cache.faults.GuardedStorage`.
    """

    handler_order = 300

    def __init__(
        self,
        storage: str | hishel.BaseStorage | None = None,
        *,
        shared: bool = False,
        herd_timeout: float = 10.0,
    ) -> None:
        if storage is None:
            storage = os.environ.get(ENVIRONMENT)
            if not storage:
                raise ValueError(f"no cache storage: pass one to CacheHandler() or set {ENVIRONMENT}")
        self.storage, self._herd, self._fresh = _store(storage, herd_timeout)
        self.options = hishel.CacheOptions(shared=shared)

    def http_open(self, request: Request) -> Any:
        """Answer ``request`` from the store, or from the rest of the open stage and store that."""
        opener = self.parent
        assert opener is not None, "CacheHandler opens only as part of an opener"
        if not self.storage.available:
            return _with_status(opener.open_after(self, request), _NOTHING)
        method = request.get_method()
        fingerprint = None
        if method in _COLLAPSED and self._fresh.enabled:
            fingerprint = (method, request.full_url, *((n, str(v)) for n, v in request.header_items()))
            hit = self._fresh.get(fingerprint)
            if hit is not None:
                return _with_status(urlplug_response(hit, request.full_url, None), _HIT)
        key = hashlib.sha256(f"RFC {request.full_url}".encode()).hexdigest()
        end_lead = self._herd.lead(key) if method in _COLLAPSED else None
        try:
            found = self._answer(opener, request, key)
        except BaseException:
            if end_lead is not None:
                end_lead()
            raise
        if found is None:
            if end_lead is not None:
                end_lead()
            return None
        answer, status, upstream = found
        if status == _HIT and fingerprint is not None:
            answer = self._fresh.remember(fingerprint, answer)
        if end_lead is not None:
            if status.stored:  # the others wait until this body is in the store
                answer = replace(answer, stream=_then(answer.stream, end_lead))
            else:  # served from the store, or nothing to wait for
                end_lead()
        return _with_status(urlplug_response(answer, request.full_url, upstream), status)

    https_open = http_open

    def _answer(
        self, opener: OpenerDirector, request: Request, key: str
    ) -> tuple[hishel.Response, CacheStatus, Any] | None:
        """Run hishel's state machine for ``request``: its response, what it did, and the origin's
        response if one was read; ``None`` if nothing after the cache answered."""
        asked = cached_request(request)
        upstream: Any = None

        def send(wanted: hishel.Request) -> hishel.Response:
            nonlocal upstream
            response = opener.open_after(self, sendable(request, asked, wanted))
            if response is None:
                raise _NoResponse
            if response.getcode() == 304:
                response.read()  # the stored body is served: this connection is free again
                response.close()
            else:
                upstream = response
            return hishel_response(response)

        storage = self.storage
        state: hishel.AnyState = hishel.IdleClient(options=self.options)
        revalidated = False
        while True:
            if isinstance(state, hishel.IdleClient):
                state = state.next(asked, storage.get_entries(key))
            elif isinstance(state, hishel.CacheMiss | hishel.NeedRevalidation):
                revalidated = isinstance(state, hishel.NeedRevalidation)
                try:
                    state = state.next(send(state.request))
                except _NoResponse:
                    return None
            elif isinstance(state, hishel.StoreAndUse):
                entry = storage.create_entry(asked, state.response, key)
                # A storage that failed to take the entry passes the response on unsaved (and pauses).
                return entry.response, CacheStatus(False, revalidated, storage.available), upstream
            elif isinstance(state, hishel.CouldNotBeStored):
                return state.response, CacheStatus(False, revalidated, stored=False), upstream
            elif isinstance(state, hishel.FromCache):
                return state.entry.response, CacheStatus(True, revalidated, stored=False), None
            elif isinstance(state, hishel.NeedToBeUpdated):
                for entry in state.updating_entries:
                    storage.update_headers(entry.id, entry.response.headers)
                state = state.next()
            else:  # InvalidateEntries, after an unsafe method succeeded
                for entry_id in state.entry_ids:
                    storage.remove_entry(entry_id)
                state = state.next()


_stores: dict[tuple[str | int, int], tuple[GuardedStorage, Herd, FreshHits]] = {}
_stores_lock = threading.Lock()


def _store(storage: str | hishel.BaseStorage, herd_timeout: float) -> tuple[GuardedStorage, Herd, FreshHits]:
    """One guarded storage, herd and memory of fresh hits per storage URL (or object) in the process,
    shared by every opener: ``memory:`` is one store, a SQLite file has one connection, concurrent
    misses meet. A forked child opens its own (a connection must not cross a fork)."""
    with _stores_lock:
        name = (storage if isinstance(storage, str) else id(storage), os.getpid())
        found = _stores.get(name)
        if found is None:
            if isinstance(storage, str):
                guarded = GuardedStorage(storage_from_url(storage), storage)
            else:
                guarded = GuardedStorage(storage, type(storage).__name__)
            found = _stores[name] = (guarded, Herd(herd_timeout), FreshHits(guarded))
        return found


def _then(stream: Any, done: Callable[[], None]) -> Iterator[bytes]:
    try:
        yield from stream
    finally:
        done()


def _with_status(response: Any, status: CacheStatus) -> Any:
    if response is not None:
        response.cache_status = status
    return response
