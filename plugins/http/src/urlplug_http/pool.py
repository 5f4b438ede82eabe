"""``ConnectionPool``: idle keep-alive connections, bounded, shared safely between threads and forks."""

from __future__ import annotations

import select
import threading
import time
import weakref
from collections.abc import Hashable
from typing import Any

from urlplug.forking import forget_in_forked_children

_leased: set[Lease] = set()


class ConnectionPool:
    """Idle ``http.client`` connections, kept for reuse under a key.

    The HTTP handlers key connections by connection class, host and port (of the proxy when there
    is one), TLS context, tunnel target and whether the request goes through a proxy. At most
    ``max_per_key`` idle connections are kept per key and ``max_total`` in all; a connection idle
    for more than ``idle_timeout`` seconds is closed instead of reused. :meth:`close` closes every
    idle connection; connections in use at that moment are closed when their response is done.
    A forked child starts with an empty pool, so it never shares its parent's sockets.
    """

    def __init__(self, max_per_key: int = 10, max_total: int = 100, idle_timeout: float = 30.0) -> None:
        if max_per_key < 0 or max_total < 0 or idle_timeout < 0:
            raise ValueError("pool limits must not be negative")
        self.max_per_key = max_per_key
        self.max_total = max_total
        self.idle_timeout = idle_timeout
        # Never rebound: the finalizer closes what it holds when the pool is garbage-collected, so
        # idle sockets are closed, not left to warn as unclosed.
        self._idle: dict[Hashable, list[tuple[float, Any]]] = {}
        self._count = 0
        self._generation = 0
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)
        forget_in_forked_children(self)

    def __len__(self) -> int:
        """The number of idle connections."""
        return self._count

    def get(self, key: Hashable) -> Any | None:
        """An idle connection for ``key`` (the most recently used one), or ``None``.

        Every candidate is polled first (one ``poll`` call): a connection the server has closed, or
        with bytes waiting that no request asked for, is closed and skipped, so the next request
        always reads the server's answer to it.
        """
        stale = []
        conn = None
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                since, candidate = idle.pop()
                self._count -= 1
                if time.monotonic() - since > self.idle_timeout:
                    # Older ones below it are staler still.
                    stale.append(candidate)
                    stale.extend(c for _, c in idle)
                    self._count -= len(idle)
                    idle.clear()
                elif _dropped(candidate):
                    stale.append(candidate)
                else:
                    conn = candidate
                    break
        for candidate in stale:
            candidate.close()
        return conn

    def lease(self, key: Hashable, conn: Any) -> Lease:
        """A lease of ``conn`` (now in use) that puts it back under ``key`` when released."""
        return Lease(conn.sock, conn, self, key, self._generation)

    def put(self, key: Hashable, conn: Any, generation: int | None = None) -> None:
        """Keep ``conn`` idle under ``key``, or close it when the pool is full or was closed since."""
        with self._lock:
            keep = (
                (generation is None or generation == self._generation)
                and self._count < self.max_total
                and len(self._idle.get(key, ())) < self.max_per_key
            )
            if keep:
                self._idle.setdefault(key, []).append((time.monotonic(), conn))
                self._count += 1
        if not keep:
            conn.close()

    def close(self) -> None:
        """Close every idle connection; connections now in use are closed when they come back."""
        with self._lock:
            self._generation += 1
            self._count = 0
            idle = dict(self._idle)
            self._idle.clear()
        _close_all(idle)

    def forget_after_fork(self) -> None:
        """In a forked child: drop the copies of the parent's sockets (the parent keeps using them)."""
        self._lock = threading.Lock()
        self.close()

    def __repr__(self) -> str:
        return f"<ConnectionPool {self._count} idle in {len(self._idle)} keys>"


class Lease:
    """A connection (or only its socket) in use by one response, until :meth:`release`.

    Leases in use are held in a module-level set: when a response is abandoned inside a reference
    cycle (an exception's traceback, say), its socket then stays reachable and is closed by the
    response's finalizer instead of being collected first and warned about as unclosed.
    """

    __slots__ = ("conn", "generation", "key", "pool", "sock")

    def __init__(
        self,
        sock: Any,
        conn: Any = None,
        pool: ConnectionPool | None = None,
        key: Hashable = None,
        generation: int = 0,
    ) -> None:
        self.sock = sock
        self.conn = conn
        self.pool = pool
        self.key = key
        self.generation = generation
        _leased.add(self)

    def keep(self) -> None:
        """End the lease without closing anything: the socket goes on serving (a ``CONNECT`` tunnel)."""
        _leased.discard(self)
        self.pool = None
        self.conn = self.sock = None

    def release(self, reusable: bool) -> None:
        """Give the connection back for reuse, or close it when it cannot carry another request."""
        _leased.discard(self)
        conn = self.conn
        if reusable and self.pool is not None and conn.sock is not None:
            self.pool.put(self.key, conn, self.generation)
            return
        if conn is not None:
            conn.close()
        if self.sock is not None:
            self.sock.close()


def _dropped(conn: Any) -> bool:
    """Whether an idle connection was closed by the server (or has stray data waiting)."""
    sock = conn.sock
    if sock is None:
        return True
    pending = getattr(sock, "pending", None)
    if pending is not None and pending():
        return True
    if not hasattr(select, "poll"):
        return bool(select.select([sock], [], [], 0)[0])
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _close_all(idle: dict[Hashable, list[tuple[float, Any]]]) -> None:
    for connections in idle.values():
        for _, conn in connections:
            conn.close()
