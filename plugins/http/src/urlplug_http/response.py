"""``HTTPResponse``: ``http.client``'s response with a strict, fast head parser and no silent short reads.

``http.client`` reads the head line by line through ``email.parser``: a connection cut in the middle of
the headers yields a response with whatever arrived, a dripping server stretches the timeout per byte,
and ``read(n)`` returns ``b""`` when a body ends before its ``Content-Length``. This subclass reads the
head in one pass under an overall deadline, rejects what it cannot frame, raises
``http.client.IncompleteRead`` on every kind of short body, and tells its connection's lease whether the
connection can be reused once the body is done.

This is the one module that relies on private parts of ``http.client.HTTPResponse``, checked against
CPython 3.11, 3.12 and 3.13 (``tests/http/test_private_names.py`` fails loudly when one changes): the
attributes ``fp``, ``length``, ``chunked``, ``chunk_left``, ``will_close`` and ``_method``, the methods
``_close_conn``, ``_get_chunk_left``, ``_read_next_chunk_size``, ``_read_and_discard_trailer``,
``_safe_read`` and ``_safe_readinto``, which ``read``/``readinto``/``read1``/``readline`` of the chunked
body call, and ``__init__`` taking its reader from ``sock.makefile("rb")`` (handed a counting one here).
Likewise ``email.message.Message._headers``, the list of ``(name, value)`` pairs that ``set_raw()``
appends to: the parsed fields become the headers in one step.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import io
import re
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from urlplug import URLTimeoutError
from urlplug.timeouts import wait_within

if TYPE_CHECKING:
    from urlplug import Timeout

    from .pool import Lease

MAX_LINE = 65536
"""The longest status or header line accepted, as in ``http.client``."""

MAX_HEADERS = 100
"""The most header fields accepted in one response head, as in ``http.client``."""

_BLOCK = 1 << 20  # a body of any announced size is read in blocks this large at most
_BODYLESS = frozenset({204, 304})
_STATUS_LINE = re.compile(r"(HTTP/1\.[0-9]) ([0-9]{3})(?: (.*))?", re.ASCII | re.DOTALL)
# A field line in one match: a name of no controls, spaces or colons, and a value without a NUL or a
# bare CR (either could be read as a line end downstream), its surrounding blanks left out.
_FIELD_LINE = re.compile(r"([^\x00-\x20\x7f:]+):[ \t]*((?:[^\x00\r]*[^\x00\r \t])?)[ \t]*", re.DOTALL)
_BAD_VALUE = re.compile(r"[\x00\r]")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,64}")
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


_Read = TypeVar("_Read", bound=Callable[..., Any])


def _late(received: int) -> str:
    return f"the server did not send the response head within the timeout ({received} bytes came)"


def _timeouts_as_url_errors(read: _Read) -> _Read:
    """A read method whose timeouts raise ``URLTimeoutError``; the connection is not reused after one."""

    @functools.wraps(read)
    def reading(self: HTTPResponse, *args: Any) -> Any:
        try:
            return read(self, *args)
        except TimeoutError as exc:
            self.will_close = True  # the body stopped at an unknown point
            if isinstance(exc, URLTimeoutError):
                raise
            raise URLTimeoutError(exc) from exc

    return reading  # type: ignore[return-value]


class _SocketReader(io.RawIOBase):
    """A response's socket, read and counted; ``makefile()`` gives the buffered reader over it, standing
    in for the socket when ``http.client.HTTPResponse.__init__`` asks for one.

    ``tell()`` is the count of bytes received, so the buffered reader's own ``tell()`` is the count
    it has handed on and the difference is what it holds unread: after a complete body, that is known
    without a look at the socket. With ``limits`` (a started ``urlplug.Timeout`` with a ``total``),
    every wait is cut to what is left of the total: a body that trickles in within the per-read
    timeout is still cut off when the total runs out.
    """

    def __init__(self, sock: socket.socket, limits: Timeout | None) -> None:
        self._sock = sock
        self._limits = limits
        self.received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._limits is None:
            count = self._sock.recv_into(buffer)
        else:
            count = wait_within(self._limits, self._sock, self._sock.recv_into, buffer)
        self.received += count
        return count

    def tell(self) -> int:
        return self.received

    def fileno(self) -> int:
        return self._sock.fileno()

    def makefile(self, mode: str) -> io.BufferedReader:
        """The buffered reader over this one: what ``http.client`` asks its socket for."""
        return io.BufferedReader(self)


class _Framing(NamedTuple):
    """What the headers say about the body's framing and the connection's future."""

    lengths: set[str]  # every Content-Length value, split at commas
    codings: list[str]  # every Transfer-Encoding coding, in order, lower-cased
    has_coding: bool  # whether any Transfer-Encoding field came, even an empty one
    connection: str  # the Connection options, lower-cased
    keep_alive: bool


def _parse_fields(lines: list[str]) -> list[tuple[str, str]]:
    """``(name, value)`` pairs from header lines, obsolete folding joined; anything malformed refused."""
    fields: list[tuple[str, str]] = []
    field = _FIELD_LINE.fullmatch
    for line in lines:
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        found = field(line)
        if found is None:
            _unfold(line, fields)  # a folded line joins the field above; anything else is refused
        else:
            fields.append((found[1], found[2]))
    if len(fields) > MAX_HEADERS:
        raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
    return fields


def _unfold(line: str, fields: list[tuple[str, str]]) -> None:
    """Join an obsolete folded ``line`` to the last field; raise for anything else."""
    if line[:1] not in (" ", "\t") or not fields or _BAD_VALUE.search(line) is not None:
        raise http.client.HTTPException(f"malformed response header line {line!r}")
    name, value = fields[-1]
    folded = line.strip(" \t")
    fields[-1] = (name, value + " " + folded if value else folded)


def _framing(fields: list[tuple[str, str]]) -> _Framing:
    """What the framing fields say, read from the same (unfolded) values the caller sees."""
    lengths: set[str] = set()
    codings: list[str] = []
    has_coding = keep_alive = False
    connection = ""
    for name, value in fields:
        lowered = name.lower()
        if lowered == "content-length":
            if "," in value:
                lengths.update(part.strip() for part in value.split(","))
            else:
                lengths.add(value.strip())
        elif lowered == "transfer-encoding":  # every field counts, in order (RFC 9112 6.1)
            has_coding = True
            codings.extend(c for c in (part.strip().lower() for part in value.split(",")) if c)
        elif lowered == "connection":
            connection += "," + value.lower()
        elif lowered == "keep-alive" or (lowered == "proxy-connection" and "keep-alive" in value.lower()):
            keep_alive = True
    return _Framing(lengths, codings, has_coding, connection, keep_alive)


def _parse_status(line: str) -> tuple[int, int, str]:
    """``(version, status, reason)`` from a status line; strict: ``HTTP/1.<digit> <3 digits>``."""
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("status line")
    found = _STATUS_LINE.fullmatch(line)
    if found is None:
        if line.startswith("HTTP/") and not line.startswith("HTTP/1."):
            raise http.client.UnknownProtocol(line.split(" ", 1)[0])
        raise http.client.BadStatusLine(line)
    version, code, reason = found.groups()
    status = int(code)
    if status < 100:
        raise http.client.BadStatusLine(line)
    return (10 if version == "HTTP/1.0" else 11), status, (reason or "").strip()


def _head_end(data: bytes) -> int | None:
    """The index just past the empty line that ends a head in ``data``, or ``None``."""
    crlf = data.find(b"\r\n\r\n")
    lf = data.find(b"\n\n")
    if lf >= 0 and (crlf < 0 or lf < crlf):
        return lf + 2
    return None if crlf < 0 else crlf + 4


def _keeps_connection(version: int, status: int, framing: _Framing) -> bool:
    """Whether the server lets the connection carry another request after this response."""
    if status == 101:  # the connection now speaks another protocol
        return False
    if framing.has_coding and framing.lengths:
        # Both framings at once may be an attempt at response splitting: never trust the rest.
        return False
    if version == 11:
        return "close" not in framing.connection
    return framing.keep_alive or "keep-alive" in framing.connection


def _body_length(status: int, method: str | None, framing: _Framing) -> tuple[bool, int | None]:
    """``(chunked, length)`` of the body (RFC 9112 6.3): a length of ``None`` reads to the close."""
    if status in _BODYLESS or status < 200 or method == "HEAD" or (method == "CONNECT" and status < 300):
        return False, 0
    if framing.has_coding:
        # Transfer-Encoding wins over Content-Length; a body whose last coding is not chunked
        # can only end with the connection.
        return bool(framing.codings) and framing.codings[-1] == "chunked", None
    if not framing.lengths:
        return False, None
    lengths = framing.lengths
    if len(lengths) == 1:
        (length,) = lengths
        if length.isascii() and length.isdigit():
            return False, int(length)
    raise http.client.HTTPException(f"invalid Content-Length: {sorted(lengths)!r}")


class HTTPResponse(http.client.HTTPResponse):
    """A response read from an HTTP connection; a file-like object with urllib2's accessors.

    ``lease`` is the connection it is read from: given back for reuse once the body is read to the
    end (when the server keeps the connection and nothing stray follows the body), closed otherwise.
    ``url`` is the URL requested (after redirects, the last one). Reading stops at the end of the
    body; a body cut short raises ``http.client.IncompleteRead``, and a read that times out
    ``urlplug.URLTimeoutError``. With ``limits`` (a started ``urlplug.Timeout`` with a ``total``),
    every wait for data, the head's included, ends when the total runs out.
    """

    url: str
    msg: Any  # the headers, as in http.client, until an opener sets it to the reason phrase (urllib2)
    _method: str | None
    _lease: Lease | None
    _shortened = False  # whether reading the head cut the socket's timeout down to the deadline
    _last_chunk_read = False

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
        *,
        lease: Lease | None = None,
        limits: Timeout | None = None,
    ) -> None:
        self._reader = _SocketReader(
            sock, limits if limits is not None and limits.deadline is not None else None
        )
        # http.client asks its socket only for makefile("rb"): the counting reader answers in its place.
        super().__init__(self._reader, debuglevel, method, url)  # type: ignore[arg-type]
        self._socket = sock
        self._lease = lease
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
                head, buffered = self._read_head(deadline, interim)
                lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
                if self.debuglevel > 0:
                    print("reply:", repr(lines[0]))
                version, status, reason = _parse_status(lines[0])
                if not 100 <= status < 200 or status == 101:
                    break
                interim = True
        finally:
            if self._shortened:
                self._socket.settimeout(timeout)
        self._frame(version, status, reason, lines[1:-2])
        if self.length != 0:
            if not buffered:
                self._ack_now()
            return
        # Bytes after a bodiless response put the connection out of step: _stray_bytes sees them.
        if self._method != "CONNECT":  # a tunnel goes on over the connection once it is open
            self._close_conn()  # nothing to read: the connection is free at once

    def _read_head(self, deadline: float | None, interim: bool) -> tuple[bytes, int]:
        """The bytes of one response head, up to and including the empty line that ends it, and how
        many bytes after it are already buffered.

        Consumes exactly the head from the buffered reader, so the body stays there. With a timeout,
        the whole head (and any ``interim`` 1xx head before it) must arrive before ``deadline``,
        however slowly it drips. Linear in the head's size: each byte is searched once.
        """
        fp = self.fp
        parts: list[bytes] = []
        size = newlines = line = 0  # line: the length of the line being read
        tail = b""  # the last bytes seen, for an end of head split between two reads
        while True:
            # The first read already has the whole timeout: the socket's own.
            if deadline is not None and (size or interim):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise URLTimeoutError(_late(size))
                self._socket.settimeout(remaining)
                self._shortened = True
            try:
                chunk = fp.peek(1)  # at most one read from the socket when the buffer is empty
            except URLTimeoutError:
                raise  # the total ran out
            except TimeoutError as exc:
                raise URLTimeoutError(_late(size)) from exc
            except ConnectionResetError as exc:
                if size:
                    raise
                raise http.client.RemoteDisconnected("Remote end closed connection without response") from exc
            if not chunk:
                if not size:
                    raise http.client.RemoteDisconnected("Remote end closed connection without response")
                raise http.client.HTTPException(
                    f"connection closed in the middle of the response head after {size} bytes"
                )
            window = tail + chunk
            end = _head_end(window)
            if end is not None:
                used = end - len(tail)
                parts.append(fp.read(used))
                return b"".join(parts), len(chunk) - used
            parts.append(fp.read(len(chunk)))
            size += len(chunk)
            newlines += chunk.count(b"\n")
            tail = window[-3:]
            if newlines > MAX_HEADERS + 1:
                raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
            newline = chunk.rfind(b"\n")
            line = len(chunk) - newline - 1 if newline >= 0 else line + len(chunk)
            if line > MAX_LINE + 1:
                raise http.client.LineTooLong("header line" if newlines else "status line")

    def _ack_now(self) -> None:
        """Acknowledge the head at once when the body is still on the wire.

        A server that writes its head and body in two small writes holds the body (Nagle) until the
        head is acknowledged, which a delayed ACK postpones by about 40 ms on every request of a
        kept-alive connection. One ``setsockopt`` where the platform has ``TCP_QUICKACK``.
        """
        if _QUICKACK is not None:
            # Not a TCP socket (a test double, a Unix socket): nothing to acknowledge early.
            with contextlib.suppress(OSError, AttributeError):
                self._socket.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    def _frame(self, version: int, status: int, reason: str, lines: list[str]) -> None:
        """Parse the header lines and decide how the body is delimited and whether the connection stays."""
        fields = _parse_fields(lines)
        headers = http.client.HTTPMessage()
        # What set_raw() would append field by field (compat32 stores them as given), in one step.
        headers._headers = fields  # type: ignore[attr-defined]
        if self.debuglevel > 0:
            for name, value in fields:
                print("header:", name + ":", value)
        framing = _framing(fields)
        self.version = version
        self.code = self.status = status
        self.reason = reason
        self.headers = self.msg = headers
        self.chunk_left = None
        self.will_close = not _keeps_connection(version, status, framing)
        self.chunked, self.length = _body_length(status, self._method, framing)
        if self.length is None and not self.chunked:
            self.will_close = True  # the body ends when the server closes the connection

    # --- the body: short reads are errors ----------------------------------------------------

    @_timeouts_as_url_errors
    def read(self, amt: int | None = None) -> bytes:
        """Read the body, or up to ``amt`` bytes of it; a body cut short raises ``IncompleteRead``."""
        expected = self.length
        if not expected or self.chunked or self.fp is None:
            return super().read(None if amt is not None and amt < 0 else amt)
        if amt is None or amt < 0:  # the whole body of known length: the hot path of small responses
            try:
                data = self._safe_read(expected)
            except http.client.IncompleteRead:
                self._close_conn()  # with the length left unread: the connection is not reused
                raise
            self.length = 0
            self._close_conn()
            return data
        # A body of known length, read in blocks: the hot path of downloads, kept to one buffered read.
        wanted = amt if amt < expected else expected
        data = self.fp.read(wanted)
        self.length = expected - len(data)
        if len(data) < wanted:
            self._truncated(data, expected)
        if not self.length:
            self._close_conn()
        return data

    @_timeouts_as_url_errors
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

    @_timeouts_as_url_errors
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

    @_timeouts_as_url_errors
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

    peek = _timeouts_as_url_errors(http.client.HTTPResponse.peek)

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

    # --- http.client's private helpers, bounded and strict ----------------------------------

    def _safe_read(self, amt: int) -> bytes:
        """Exactly ``amt`` bytes, read in blocks of at most 1 MiB: a huge announced size costs only
        what arrives. ``IncompleteRead`` if the body ends first."""
        fp = self.fp
        assert fp is not None
        if amt <= _BLOCK:
            data = fp.read(amt)
        else:
            parts = []
            remaining = amt
            while remaining and (block := fp.read(min(remaining, _BLOCK))):
                parts.append(block)
                remaining -= len(block)
            data = b"".join(parts)
        if len(data) < amt:
            raise http.client.IncompleteRead(data, amt - len(data))
        return data

    def _read_next_chunk_size(self) -> int:
        """The next chunk's size: hexadecimal digits only (no ``0x``, sign or ``_``), extensions dropped."""
        fp = self.fp
        assert fp is not None
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("chunk size")
        size = line.partition(b";")[0].strip(b" \t\r\n")
        if _CHUNK_SIZE.fullmatch(size) is None:
            self._close_conn()
            raise ValueError(f"invalid chunk size line {line[:80]!r}")  # IncompleteRead to the caller
        return int(size, 16)

    def _get_chunk_left(self) -> int | None:
        """The bytes left in the current chunk, reading the next chunk's size when it is done;
        ``None`` after the last chunk. A chunk not followed by its CRLF is refused."""
        chunk_left: int | None = self.chunk_left
        if not chunk_left:
            if chunk_left is not None and self._safe_read(2) != b"\r\n":
                self.will_close = True
                self._close_conn()
                raise http.client.IncompleteRead(b"")
            try:
                chunk_left = self._read_next_chunk_size()
            except ValueError:
                raise http.client.IncompleteRead(b"") from None
            if chunk_left == 0:
                self._read_and_discard_trailer()
                self._close_conn()
                chunk_left = None
            self.chunk_left = chunk_left
        return chunk_left

    def _read_and_discard_trailer(self) -> None:
        http.client.HTTPResponse._read_and_discard_trailer(self)  # type: ignore[attr-defined]
        self._last_chunk_read = True

    # --- the end of the body -----------------------------------------------------------------

    def _close_conn(self) -> None:
        lease, self._lease = self._lease, None
        reusable = False
        if lease is not None and not self.will_close:
            complete = self._last_chunk_read if self.chunked else self.length == 0
            reusable = complete and not self._stray_bytes()
        http.client.HTTPResponse._close_conn(self)  # type: ignore[attr-defined]
        if lease is not None:
            lease.release(reusable)

    def _stray_bytes(self) -> bool:
        """Whether bytes already follow the complete body in the read buffer: then the connection is
        out of step.

        Counted without a system call. Bytes still in the socket, or decrypted and waiting in its
        TLS layer, are the pool's to find: it looks for both before it reuses a connection.
        """
        fp = self.fp
        return fp is not None and fp.tell() != self._reader.received

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
