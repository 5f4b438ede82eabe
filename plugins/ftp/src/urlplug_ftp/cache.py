"""``CacheFTPHandler``: an ``FTPHandler`` that keeps logged-in connections for the next request."""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from urlplug.forking import forget_in_forked_children

from .handler import FTPHandler

if TYPE_CHECKING:
    import ssl

    from .connection import FTPConnection

_Key = tuple[str, str, str, int, str, Any, Any]


class _Idle(NamedTuple):
    key: _Key
    connection: FTPConnection
    expires: float


class CacheFTPHandler(FTPHandler):
    """Open ``ftp:`` and ``ftps:`` URLs, reusing logged-in control connections.

    A connection is kept once its transfer has ended (or was aborted cleanly) and serves the
    next request for the same user, password, host, port, directory and timeout (and TLS
    context), saving the connect, login and ``CWD`` round trips. Connections idle for longer
    than :meth:`setTimeout` seconds are closed; at most :meth:`setMaxConns` idle ones are kept
    (the longest idle goes first). Requests running at the same time each get their own
    connection, so the handler is safe to share between threads. A kept connection the server
    has closed meanwhile is replaced by a fresh login without the request noticing.
    """

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(context)
        self.delay = 60.0
        self.max_conns = 16
        self._idle: list[_Idle] = []  # oldest first
        self._lock = threading.Lock()
        self._closed = False
        forget_in_forked_children(self)

    def setTimeout(self, t: float) -> None:
        """Close connections that stay idle for more than ``t`` seconds (default 60)."""
        self.delay = t

    def setMaxConns(self, m: int) -> None:
        """Keep at most ``m`` idle connections (default 16)."""
        self.max_conns = m

    def connect_ftp(
        self,
        user: str,
        passwd: str,
        host: str,
        port: int,
        dirs: list[str],
        timeout: Any,
        context: ssl.SSLContext | None = None,
    ) -> FTPConnection:
        """Return an idle connection for these arguments, or log in a new one."""
        # The password is part of the key: a connection logged in with another one is not this login.
        key: _Key = (user, passwd, host.lower(), port, "/".join(dirs), timeout, context)
        with self._lock:
            expired = self._expire(time.monotonic())
            found = next((i for i in range(len(self._idle) - 1, -1, -1) if self._idle[i].key == key), None)
            connection = None if found is None else self._idle.pop(found).connection
        _close_all(expired)
        if connection is not None:
            connection.timeout = timeout  # equal limits, but this request's deadline
            return connection
        from .connection import FTPConnection

        release = partial(self._keep, key)
        return FTPConnection(
            user, passwd, host, port, dirs, timeout, context, release, ask_size=self.ask_size
        )

    def clear_cache(self) -> None:
        """Close every idle connection (connections busy with a transfer close when it ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        _close_all(idle)

    def close(self) -> None:
        """Close the idle connections, and busy ones when their transfer ends; detach from the opener."""
        self._closed = True
        self.clear_cache()
        super().close()

    def forget_after_fork(self) -> None:
        """In a forked child: drop the copies of the parent's connections, sending them nothing."""
        self._lock = threading.Lock()
        idle, self._idle = self._idle, []
        for entry in idle:
            entry.connection.close()  # closes the sockets only: no QUIT goes out

    def _keep(self, key: _Key, connection: FTPConnection) -> None:
        """Take back a connection whose transfer has ended."""
        now = time.monotonic()
        with self._lock:
            self._idle.append(_Idle(key, connection, now + self.delay))
            dropped = self._expire(now)
            limit = 0 if self._closed else max(self.max_conns, 0)
            excess = max(len(self._idle) - limit, 0)
            dropped += self._idle[:excess]
            del self._idle[:excess]
        _close_all(dropped)

    def _expire(self, now: float) -> list[_Idle]:
        """Remove and return the idle connections whose time is up (the caller holds the lock)."""
        expired = [idle for idle in self._idle if idle.expires <= now]
        if expired:
            self._idle = [idle for idle in self._idle if idle.expires > now]
        return expired


def _close_all(idle: list[_Idle]) -> None:
    for entry in idle:
        entry.connection.close()
