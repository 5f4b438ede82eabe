"""``HTTPResponse``: ``http.client``'s response with a strict, fast head parser and no silent short reads.

``http.client`` reads the head line by line through ``email.parser``: a connection cut in the middle of
the headers yields a response with whatever arrived, a dripping server stretches the timeout per byte,
and ``read(n)`` returns ``b""`` when a body ends before its ``Content-Length``. This subclass reads the
head in one pass under an overall deadline, rejects what it cannot frame, raises
``http.client.IncompleteRead`` on every kind of short body, and tells its connection's lease whether the
connection can be reused once the body is done.
"""

from __future__ import annotations

import http.client
import re
import time
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import socket

    from .pool import Lease

MAX_LINE = 65536
"""The longest status or header line accepted, as in ``http.client``."""

MAX_HEADERS = 100
"""The most header fields accepted in one response head, as in ``http.client``."""

_HEAD_END = re.compile(rb"\n\r?\n")
_BODYLESS = frozenset({204, 304})


def _late(received: int) -> str:
    return f"the server did not send the response head within the timeout ({received} bytes came)"


class _Framing(NamedTuple):
    """What the headers say about the body's framing and the connection's future."""

    lengths: set[str]
    coding: str
    connection: str
    keep_alive: bool


_FRAMING_NAMES = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection"}
)


def _parse_fields(lines: list[str]) -> tuple[list[tuple[str, str]], _Framing]:
    """``(name, value)`` pairs from header lines (obsolete folding joined), and the framing headers."""
    fields: list[tuple[str, str]] = []
    framing: list[tuple[str, str]] = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name[-1] in " \t" or name[0] in " \t" or len(line) > MAX_LINE:
            _unfold(line, fields)  # a folded line joins the field above; anything else is refused
            continue
        value = value.strip()
        fields.append((name, value))
        lowered = name.lower()
        if lowered in _FRAMING_NAMES:
            framing.append((lowered, value))
    if len(fields) > MAX_HEADERS:
        raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
    return fields, _framing(framing)


def _unfold(line: str, fields: list[tuple[str, str]]) -> None:
    """Join an obsolete folded ``line`` to the last field; raise for a line too long or malformed."""
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("header line")
    if line[:1] not in (" ", "\t") or not fields:
        raise http.client.HTTPException(f"malformed response header line {line!r}")
    name, value = fields[-1]
    fields[-1] = (name, f"{value} {line.strip()}")


def _framing(framing: list[tuple[str, str]]) -> _Framing:
    """What the framing headers, as ``(lowered name, value)``, say about the body and the connection."""
    lengths: set[str] = set()
    coding = connection = ""
    keep_alive = False
    for lowered, value in framing:
        if lowered == "content-length":
            lengths.update(part.strip() for part in value.split(","))
        elif lowered == "transfer-encoding":
            coding = value.lower()
        elif lowered == "connection":
            connection += value.lower()
        elif lowered == "keep-alive" or "keep-alive" in value.lower():  # or Proxy-Connection: keep-alive
            keep_alive = True
    return _Framing(lengths, coding, connection, keep_alive)


class HTTPResponse(http.client.HTTPResponse):
    """A response read from an ``http.client`` connection; a file-like object with urllib2's accessors.

    Set as the connection's ``response_class``. ``url`` is the URL requested (after redirects, the
    last one). Reading stops at the end of the body; a body cut short raises
    ``http.client.IncompleteRead``.
    """

    url: str
    msg: Any  # the headers, as in http.client, until an opener sets it to the reason phrase (urllib2)
    _method: str | None
    _lease: Lease | None = None
    _shortened = False  # whether reading the head cut the socket's timeout down to the deadline
    _last_chunk_read = False

    def __init__(
        self, sock: socket.socket, debuglevel: int = 0, method: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        self._socket = sock
        self.url = url or ""

    # --- the head ----------------------------------------------------------------------------

    def begin(self) -> None:
        """Read the status line and headers (skipping interim 1xx responses) and frame the body."""
        if self.headers is not None:
            return
        timeout = self._socket.gettimeout()
        deadline = None if not timeout else time.monotonic() + timeout
        try:
            interim = False
            while True:
                head = self._read_head(deadline, interim)
                lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
                version, status, reason = self._parse_status(lines[0])
                if not 100 <= status < 200 or status == 101:
                    break
                interim = True
        finally:
            if self._shortened:
                self._socket.settimeout(timeout)
        self._frame(version, status, reason, lines[1:-2])

    def _read_head(self, deadline: float | None, interim: bool) -> bytes:
        """The bytes of one response head, up to and including the empty line that ends it.

        Consumes exactly the head from the buffered reader, so the body stays there. With a
        timeout, the whole head (and any ``interim`` 1xx head before it) must arrive before
        ``deadline``, however slowly it drips.
        """
        fp = self.fp
        head = b""
        newlines = 0
        while True:
            # The first read already has the whole timeout: the socket's own.
            if deadline is not None and (head or interim):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(_late(len(head)))
                self._socket.settimeout(remaining)
                self._shortened = True
            try:
                chunk = fp.peek(1)  # at most one read from the socket when the buffer is empty
            except TimeoutError as exc:
                raise TimeoutError(_late(len(head))) from exc
            except ConnectionResetError as exc:
                if head:
                    raise
                raise http.client.RemoteDisconnected("Remote end closed connection without response") from exc
            if not chunk:
                if not head:
                    raise http.client.RemoteDisconnected("Remote end closed connection without response")
                raise http.client.HTTPException(
                    f"connection closed in the middle of the response head after {len(head)} bytes"
                )
            data = head + chunk if head else chunk
            end = _HEAD_END.search(data, max(0, len(head) - 2))
            if end is not None:
                fp.read(end.end() - len(head))
                return data[: end.end()]
            fp.read(len(chunk))
            head = data
            newlines += chunk.count(b"\n")
            if newlines > MAX_HEADERS + 1:
                raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
            if len(head) - head.rfind(b"\n") > MAX_LINE + 1:
                raise http.client.LineTooLong("header line" if newlines else "status line")

    def _parse_status(self, line: str) -> tuple[int, int, str]:
        if self.debuglevel > 0:
            print("reply:", repr(line))
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("status line")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise http.client.BadStatusLine(line)
        code = parts[1]
        if len(code) != 3 or not code.isascii() or not code.isdigit():
            raise http.client.BadStatusLine(line)
        version = parts[0]
        if version in ("HTTP/1.0", "HTTP/0.9"):
            number = 10
        elif version.startswith("HTTP/1."):
            number = 11
        else:
            raise http.client.UnknownProtocol(version)
        return number, int(code), parts[2].strip() if len(parts) == 3 else ""

    def _frame(self, version: int, status: int, reason: str, lines: list[str]) -> None:
        """Parse the header lines and decide how the body is delimited and whether the connection stays."""
        fields, framing = _parse_fields(lines)
        headers = http.client.HTTPMessage()
        for name, value in fields:
            headers.set_raw(name, value)
        if self.debuglevel > 0:
            for name, value in fields:
                print("header:", name + ":", value)
        self.version = version
        self.code = self.status = status
        self.reason = reason
        self.headers = self.msg = headers
        self.chunked = framing.coding.rpartition(",")[2].strip() == "chunked"
        self.chunk_left = None
        if version == 11:
            self.will_close = "close" in framing.connection
        else:
            self.will_close = not (framing.keep_alive or "keep-alive" in framing.connection)
        self.length = None
        if framing.coding:
            # A body framed by Transfer-Encoding ignores Content-Length; one that has both may be an
            # attempt at response splitting, so the connection is not trusted for another request.
            if framing.lengths:
                self.will_close = True
        elif framing.lengths:
            lengths = framing.lengths
            if len(lengths) > 1 or not all(part.isascii() and part.isdigit() for part in lengths):
                raise http.client.HTTPException(f"invalid Content-Length: {sorted(lengths)!r}")
            self.length = int(lengths.pop())
        method = self._method
        if status in _BODYLESS or status < 200 or method == "HEAD" or (method == "CONNECT" and status < 300):
            self.length = 0
            self.chunked = False
        elif not self.chunked and self.length is None:
            self.will_close = True
        if status == 101:  # the connection now speaks another protocol
            self.will_close = True

    # --- the body: short reads are errors ----------------------------------------------------

    def read(self, amt: int | None = None) -> bytes:
        """Read the body, or up to ``amt`` bytes of it; a body cut short raises ``IncompleteRead``."""
        expected = self.length
        if amt is None or amt < 0 or not expected or self.chunked or self.fp is None:
            return super().read(None if amt is not None and amt < 0 else amt)
        # A body of known length, read in blocks: the hot path of downloads, kept to one buffered read.
        wanted = amt if amt < expected else expected
        data = self.fp.read(wanted)
        self.length = expected - len(data)
        if len(data) < wanted:
            self._truncated(data, expected)
        if not self.length:
            self._close_conn()
        return data

    def readinto(self, b: Any) -> int:
        """Read into a writable buffer; a body cut short raises ``IncompleteRead``."""
        expected = self.length
        if not expected or self.chunked or self.fp is None:
            return super().readinto(b)
        view = memoryview(b).cast("B")
        if len(view) > expected:
            view = view[:expected]
        n = self.fp.readinto(view)
        self.length = expected - n
        if n < len(view):
            self._truncated(bytes(view[:n]), expected)
        if not self.length:
            self._close_conn()
        return n

    def read1(self, n: int = -1) -> bytes:
        """Read with at most one read from the socket; a body cut short raises ``IncompleteRead``."""
        expected = self.length
        data = super().read1(n)
        if expected and not self.chunked:
            if not data and n != 0:
                self._truncated(data, expected)
            if self.length == 0 and self.fp is not None:
                self._close_conn()
        return data

    def readline(self, limit: int | None = -1) -> bytes:
        """Read one line of the body; a body cut short raises ``IncompleteRead``."""
        if limit is None:
            limit = -1
        expected = self.length
        line = super().readline(limit)
        if expected and not self.chunked:
            wanted = expected if limit < 0 else min(limit, expected)
            if len(line) < wanted and not line.endswith(b"\n"):
                self._truncated(line, expected)
            if self.length == 0 and self.fp is not None:
                self._close_conn()
        return line

    def _truncated(self, data: bytes, expected: int) -> None:
        self.will_close = True
        if self.fp is not None:
            self._close_conn()
        raise http.client.IncompleteRead(data, expected - len(data))

    def flush(self) -> None:
        """Nothing to flush: a response is only read.

        ``http.client`` flushes its reader here, which fails when a response abandoned in a reference
        cycle is collected after its reader.
        """

    def _read_and_discard_trailer(self) -> None:
        http.client.HTTPResponse._read_and_discard_trailer(self)  # type: ignore[attr-defined]
        self._last_chunk_read = True

    # --- the end of the body -----------------------------------------------------------------

    def _close_conn(self) -> None:
        http.client.HTTPResponse._close_conn(self)  # type: ignore[attr-defined]
        lease, self._lease = self._lease, None
        if lease is not None:
            complete = self._last_chunk_read if self.chunked else self.length == 0
            lease.release(complete and not self.will_close)

    # --- urllib2's accessors, without http.client's deprecation of them ----------------------

    def geturl(self) -> str:
        """Return the URL of the resource retrieved (after any redirect)."""
        return self.url

    def info(self) -> http.client.HTTPMessage:
        """Return the response headers."""
        return self.headers

    def getcode(self) -> int:
        """Return the status code."""
        return self.status

    def __repr__(self) -> str:
        return f"<HTTPResponse [{self.status}] {self.url!r}>"
