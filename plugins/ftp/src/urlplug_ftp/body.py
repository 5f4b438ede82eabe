"""``TransferBody``: the body of one FTP transfer, read straight from its data connection."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from urlplug import ContentTooShortError, URLError, URLTimeoutError
from urlplug.timeouts import wait_within

if TYPE_CHECKING:
    import socket

    from urlplug import Timeout

_BUFFER = 64 * 1024


class TransferBody(io.BufferedIOBase):
    """A file-like view of a data connection that ends the transfer properly.

    Reads go straight to the socket (only ``readline`` reads ahead), so a large file streams
    through in the caller's chunks. When the server closes the data connection the body checks
    that ``expected`` bytes (when known) arrived, then calls ``on_end``, which reads the
    server's final reply. Closing the body before that calls ``on_abort`` (or, when everything
    expected has arrived, waits for the normal end); a failed read calls ``on_fail``.

    Reading raises ``ContentTooShortError`` if the data connection closes before ``expected``
    bytes arrived (its ``content`` is what that read got), ``URLError`` as soon as more than
    ``expected`` bytes arrive (the connections are dropped), whatever ``on_end`` raises when the
    server reports a failed transfer, ``URLTimeoutError`` (a ``TimeoutError``) when the server
    stalls or ``limits``' total runs out, and the socket's own ``OSError``. After any of these
    the body is closed.
    """

    def __init__(
        self,
        sock: socket.socket,
        expected: int | None,
        *,
        on_end: Callable[[], None],
        on_abort: Callable[[], None],
        on_fail: Callable[[], None],
        limits: Timeout | None = None,
    ) -> None:
        self._sock: socket.socket | None = sock  # None once the data connection is closed
        self._limits = limits  # a started Timeout whose total bounds every receive
        self._expected = expected
        self._received = 0
        self._pending = bytearray()  # what readline received beyond the line it returned
        self._on_end = on_end
        self._on_abort = on_abort
        self._on_fail = on_fail

    def readable(self) -> bool:
        """A body is always readable."""
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        """Read ``size`` bytes, fewer only at the end of the transfer; all of it when negative."""
        self._check_open()
        if size is None or size < 0:
            return self._read_all()
        first = self._take(size) if self._pending else self._recv(size)
        if len(first) == size:
            return first
        parts = [first]
        missing = size - len(first)
        while missing and (data := self._recv(missing)):
            parts.append(data)
            missing -= len(data)
        got = b"".join(parts)
        if missing:
            self._data_ended(got)
        return got

    def read1(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes with at most one receive from the data connection."""
        self._check_open()
        size = _BUFFER if size < 0 else size
        if self._pending:
            return self._take(size)
        data = self._recv(size)
        if not data and size:
            self._data_ended(data)
        return data

    def readinto(self, buffer: Any, /) -> int:
        """Read into a writable buffer, filling it unless the transfer ends; return the count."""
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1, /) -> bytes:
        """Read one line (at most ``size`` bytes when ``size`` is not negative)."""
        self._check_open()
        limit = -1 if size is None else size
        searched = 0
        while True:
            end = self._pending.find(b"\n", searched)
            if end >= 0:
                return self._take(end + 1 if limit < 0 else min(end + 1, limit))
            if 0 <= limit <= len(self._pending):
                return self._take(limit)
            searched = len(self._pending)
            data = self._recv(_BUFFER)
            if not data:
                line = self._take(len(self._pending))
                self._data_ended(line)
                return line
            self._pending += data

    def close(self) -> None:
        """Close the body; a transfer still running is aborted."""
        if self.closed:
            return
        try:
            if self._sock is not None:
                self._stop()
        finally:
            super().close()

    def __del__(self) -> None:
        # Collected without close(): drop the connections without a word to the server, since a
        # finalizer must not wait for replies.
        if getattr(self, "_sock", None) is not None:
            self._drop()
        super().__del__()

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed FTP transfer")

    def _take(self, size: int) -> bytes:
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def _read_all(self) -> bytes:
        parts = [self._take(len(self._pending))]
        while data := self._recv(_BUFFER):
            parts.append(data)
        got = b"".join(parts)
        self._data_ended(got)
        return got

    def _recv(self, size: int) -> bytes:
        """One receive; ``b""`` once the server has closed the data connection."""
        sock = self._sock
        if sock is None:
            return b""
        try:
            limits = self._limits
            data = sock.recv(size) if limits is None else wait_within(limits, sock, sock.recv, size)
        except BaseException as exc:
            self._drop()
            super().close()
            if isinstance(exc, TimeoutError) and not isinstance(exc, URLTimeoutError):
                raise URLTimeoutError(exc) from exc
            raise
        self._received += len(data)
        if self._expected is not None and self._received > self._expected:
            # More than announced: the file changed under the transfer or the size was a lie;
            # either way these bytes are not the file that was announced.
            self._drop()
            super().close()
            raise URLError(f"ftp transfer sent more than the announced {self._expected} bytes")
        return data

    def _data_ended(self, last: bytes) -> None:
        """The server closed the data connection: check the size, then hear its final reply."""
        if self._sock is None:
            return
        self._disconnect(finished=True)
        try:
            if self._expected is not None and self._received < self._expected:
                self._on_fail()
                raise ContentTooShortError(
                    f"ftp transfer ended after {self._received} of {self._expected} bytes", last
                )
            self._on_end()
        except BaseException:
            super().close()
            raise

    def _stop(self) -> None:
        """Closed before the end: wait for it if everything announced is here, else abort."""
        if self._expected is not None and self._received >= self._expected and not self._pending:
            # close() reports nothing: a failure here has already dropped the connection.
            with contextlib.suppress(Exception):
                if not self._recv(1):
                    self._data_ended(b"")
            if self._sock is None:
                return
        self._disconnect()
        self._on_abort()

    def _drop(self) -> None:
        self._disconnect()
        self._on_fail()

    def _disconnect(self, finished: bool = False) -> None:
        """Close the data connection; after a complete transfer, end its TLS session as ``ftplib`` does."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        unwrap = getattr(sock, "unwrap", None)
        if finished and unwrap is not None:
            # The server may have closed first, or uncleanly: its final reply decides, not this.
            with contextlib.suppress(OSError, ValueError):
                unwrap()
        sock.close()
