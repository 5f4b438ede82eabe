"""``Timeout``: how long connecting, each read, and the whole exchange may take.

``timeout=`` of ``urlopen`` and ``OpenerDirector.open`` takes, as urllib2 did, a number of seconds
(or ``None``: wait forever), which bounds connecting and every wait for data on its own; or a
``(connect, read)`` pair; or a :class:`Timeout`, whose ``total`` bounds the whole exchange from the
start of ``open()``: connecting, sending, the response head and every later read of the body, across
redirects and retries.

``request.timeout`` stays what the caller gave when it is a number, ``None`` or the default, so
classic handlers that pass it to a socket keep working. A pair or a ``Timeout`` becomes a
``Timeout`` *started* by ``open()`` (its deadline fixed); a redirect passes it on to the next
``open()``, which keeps that deadline. Handlers turn any of these into socket timeouts with
:func:`as_timeout` and the methods :meth:`Timeout.connect_timeout` and :meth:`Timeout.read_timeout`.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from .errors import URLTimeoutError

__all__ = ["Timeout", "TimeoutArgument", "as_timeout", "wait_within"]

_DEFAULT: Any = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
_Received = TypeVar("_Received")


def _seconds(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"timeout {name} must be a number of seconds or None, not {value!r}")
    if not value >= 0:  # NaN too
        raise ValueError(f"timeout {name} must not be negative, got {value!r}")
    return float(value)


class Timeout:
    """Time limits in seconds for one exchange; ``None`` leaves a limit out.

    ``connect`` bounds making the connection (TLS handshake included), ``read`` every wait for data
    from the server (the response head as a whole, then each read of the body), ``total`` the whole
    exchange from the start of ``open()``, redirects and retries included. Every limit that runs out
    raises :class:`urlplug.URLTimeoutError`.
    """

    __slots__ = ("connect", "deadline", "read", "total")

    def __init__(
        self, connect: float | None = None, read: float | None = None, total: float | None = None
    ) -> None:
        self.connect = _seconds("connect", connect)
        self.read = _seconds("read", read)
        self.total = _seconds("total", total)
        self.deadline: float | None = None
        """When the ``total`` runs out (``time.monotonic()``), once started by ``open()``."""

    def start(self) -> Timeout:
        """This timeout with its deadline fixed from now; itself when it has one or needs none."""
        if self.total is None or self.deadline is not None:
            return self
        started = Timeout(self.connect, self.read, self.total)
        started.deadline = time.monotonic() + self.total
        return started

    def remaining(self) -> float | None:
        """Seconds left of the ``total`` (``None`` without one); ``URLTimeoutError`` when none are."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise URLTimeoutError(f"the total timeout of {self.total:g} s ran out")
        return left

    def connect_timeout(self) -> float | None:
        """The socket timeout for connecting now: ``connect``, cut to what is left of ``total``."""
        return _least(self.connect, self.remaining())

    def read_timeout(self) -> float | None:
        """The socket timeout for the next wait for data: ``read``, cut to what is left of ``total``."""
        return _least(self.read, self.remaining())

    def _limits(self) -> tuple[float | None, float | None, float | None]:
        return self.connect, self.read, self.total

    def __eq__(self, other: object) -> bool:
        # The limits, not the deadline: CacheFTPHandler keeps connections for equal timeouts.
        return isinstance(other, Timeout) and self._limits() == other._limits()

    def __hash__(self) -> int:
        return hash(self._limits())

    def __repr__(self) -> str:
        return f"Timeout(connect={self.connect!r}, read={self.read!r}, total={self.total!r})"


TimeoutArgument: TypeAlias = "float | tuple[float | None, float | None] | Timeout | None"
"""What ``timeout=`` accepts: a number, ``None``, a ``(connect, read)`` pair or a :class:`Timeout`
(or ``socket._GLOBAL_DEFAULT_TIMEOUT``, the default: ``socket.getdefaulttimeout()``)."""


def _least(limit: float | None, remaining: float | None) -> float | None:
    if remaining is None:
        return limit
    return remaining if limit is None or remaining < limit else limit


def as_timeout(value: TimeoutArgument) -> Timeout:
    """Any accepted ``timeout=`` value as a :class:`Timeout` (a number bounds connect and read alike;
    the default is ``socket.getdefaulttimeout()``, read now)."""
    if isinstance(value, Timeout):
        return value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"a timeout pair is (connect, read), got {value!r}")
        return Timeout(*value)
    seconds = socket.getdefaulttimeout() if value is _DEFAULT else value
    return Timeout(seconds, seconds)


def wait_within(
    timeout: Timeout, sock: socket.socket, receive: Callable[..., _Received], *args: Any
) -> _Received:
    """``receive(*args)``, a wait for data on ``sock``, within what is left of ``timeout``'s total.

    ``sock``'s timeout is cut to what is left before the wait, never lengthened: a socket probed
    without waiting (timeout 0) stays so, and a shorter limit of the caller's (the response head's
    own deadline) stays in force. ``URLTimeoutError`` says so when the total is what ran out.
    """
    left = timeout.remaining()
    if left is not None:
        current = sock.gettimeout()
        if current is None or left < current:
            sock.settimeout(left)
    try:
        return receive(*args)
    except TimeoutError:
        timeout.remaining()
        raise
