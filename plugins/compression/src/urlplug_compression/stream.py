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

__all__ = ["BLOCK", "DecodingReader"]

BLOCK = 64 * 1024
"""Encoded bytes asked of the layer below at a time; also the decoded buffer's size."""

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


class DecodingReader(io.RawIOBase):
    """The decoded body of ``source``, a response whose ``codings`` were applied in the order given.

    The last coding applied is undone first. Closing the reader closes ``source``, and so does a
    decoding error: a connection left in the middle of a body is not reused.
    """

    def __init__(self, source: Any, codings: Sequence[Coding]) -> None:
        super().__init__()
        self._source = source
        read: _Read = getattr(source, "read1", None) or source.read
        for coding in reversed(codings):
            read = _Layer(coding, read).read
        self._read = read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any, /) -> int:
        """Decode up to ``len(buffer)`` bytes into ``buffer``; 0 at the end of the body."""
        if self.closed:
            raise ValueError("read of closed response")
        view = memoryview(buffer).cast("B")
        try:
            data = self._read(len(view))
        except ContentDecodingError:
            self.close()
            raise
        size = len(data)
        view[:size] = data
        return size

    def close(self) -> None:
        """Close the response underneath."""
        if not self.closed:
            try:
                self._source.close()
            finally:
                super().close()
