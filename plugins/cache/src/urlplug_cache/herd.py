"""``Herd``: concurrent misses of one URL in one process wait for the first one's response."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Herd"]


class Herd:
    """One leader per cache key; the others wait (at most ``timeout`` seconds) until it is done.

    A crawler that asks for one URL from many threads at once would otherwise send every request
    to the origin: the first response only becomes a cache entry once its body has been read.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._leaders: dict[str, threading.Event] = {}

    def lead(self, key: str) -> Callable[[], None] | None:
        """Become the leader for ``key`` and get the function that ends the lead, or wait for the
        current leader and get ``None`` (the caller then looks the store up again)."""
        with self._lock:
            event = self._leaders.get(key)
            if event is None:
                mine = self._leaders[key] = threading.Event()
                return lambda: self._end(key, mine)
        event.wait(self.timeout)
        return None

    def _end(self, key: str, event: threading.Event) -> None:
        with self._lock:
            if self._leaders.get(key) is event:
                del self._leaders[key]
        event.set()
