"""Reading a body through its content codings, in bounded memory whatever the compression ratio.

Each coding is undone by a layer that asks the layer below (the response, for the outermost one)
for at most ``BLOCK`` encoded bytes, and only when its decompressor needs input; no call to a
decompressor returns much more than its caller asked for. A body that decodes to gigabytes is
read with a few blocks in memory.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ContentDecodingError

if TYPE_CHECKING:
    from .codings import Coding, Decompressor

__all__ = ["BLOCK", "DecodedBody"]

BLOCK = 64 * 1024
"""Encoded bytes asked of the layer below at a time, and decoded bytes at a time for ``readline``."""

_Read = Callable[[int], bytes]


class _Layer:
    """Undoes one content coding of the bytes ``source`` returns.

    ``read(size)`` returns between 1 and ``size`` decoded bytes, or ``b""`` at the end. Streams of a
    coding that allows it (gzip members, zstd frames) may follow one another; anything else after
    the end of the stream, or an end that never comes, is a :class:`ContentDecodingError`. A body
    with no bytes at all decodes to nothing.
    """

    __slots__ = ("_coding", "_decompressor", "_pending", "_source", "_started")

    def __init__(self, coding: Coding, source: _Read) -> None:
        self._coding = coding
        self._source = source
        self._decompressor: Decompressor = coding.new()
        self._pending = b""  # decoded bytes beyond what was asked for (brotli may overshoot)
        self._started = False

    def read(self, size: int) -> bytes:
        if self._pending:
            data, self._pending = self._pending[:size], self._pending[size:]
            return data
        while True:
            decompressor = self._decompressor
            if decompressor.eof:
                data = decompressor.unused_data or self._source(BLOCK)
                if not data:
                    return b""
                if not self._coding.concatenated:
                    raise ContentDecodingError(
                        self._coding.name, "data after the end of the compressed stream"
                    )
                decompressor = self._decompressor = self._coding.new()
            elif decompressor.needs_input:
                data = self._source(BLOCK)
                if not data:
                    if self._started:
                        raise ContentDecodingError(self._coding.name, "the compressed stream is truncated")
                    return b""
                self._started = True
            else:
                data = b""
            try:
                out = decompressor.decompress(data, size)
            except self._coding.errors as exc:
                raise ContentDecodingError(self._coding.name, f"corrupt compressed data ({exc})") from exc
            if out:
                if len(out) > size:
                    self._pending = out[size:]
                    return out[:size]
                return out


class DecodedBody(io.BufferedIOBase):
    """The decoded body of ``source``, a response whose ``codings`` were applied in the order given.

    The last coding applied is undone first. A binary file: ``read``, ``read1``, ``readline``,
    ``readinto``, iteration. Decoded bytes are handed over as the decompressor returns them, not
    copied through a second buffer. Closing the body closes ``source``, and so does a decoding error:
    a connection left in the middle of a body is not reused.
    """

    def __init__(self, source: Any, codings: Sequence[Coding]) -> None:
        super().__init__()
        self._source = source
        decode: _Read = getattr(source, "read1", None) or source.read
        for coding in reversed(codings):
            decode = _Layer(coding, decode).read
        self._decode = decode
        self._buffer = b""  # decoded bytes that readline took beyond a line, from _position on
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        """Read ``size`` bytes, fewer only at the end of the body; all of it when ``size`` is negative."""
        wanted = BLOCK if size is None or size < 0 else size
        parts = []
        while wanted > 0 and (data := self.read1(wanted)):
            parts.append(data)
            if size is not None and size >= 0:
                wanted -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def read1(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes (at least one before the end) with at most one decoding step."""
        if size < 0:
            size = BLOCK
        buffer, position = self._buffer, self._position
        if position < len(buffer):
            self._position = position + size
            return buffer[position : position + size]
        return self._next(size)

    def readline(self, size: int | None = -1, /) -> bytes:
        """Read up to and including the next ``\\n`` (at most ``size`` bytes when it is not negative)."""
        limit = -1 if size is None else size
        parts: list[bytes] = []
        taken = 0
        while taken != limit:
            buffer, position = self._buffer, self._position
            if position >= len(buffer):
                buffer, position = self._next(BLOCK), 0
                if not buffer:
                    break
                self._buffer = buffer
            end = buffer.find(b"\n", position) + 1 or len(buffer)
            if limit >= 0:
                end = min(end, position + limit - taken)
            parts.append(buffer[position:end])
            taken += end - position
            self._position = end
            if buffer[end - 1] == 0x0A:
                break
        return b"".join(parts)

    def _next(self, size: int) -> bytes:
        """The next decoded bytes, at most ``size``: ``b""`` at the end of the body."""
        if self.closed:
            raise ValueError("read of closed response")
        try:
            return self._decode(size)
        except ContentDecodingError:
            self.close()
            raise

    def close(self) -> None:
        """Close the response underneath."""
        if not self.closed:
            try:
                self._source.close()
            finally:
                self._buffer = b""
                super().close()
