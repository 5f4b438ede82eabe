"""Decompression bombs: gigabytes of zeros, compressed to a few MiB, read in 64 KiB blocks in little memory.

The bombs are built without ever holding what they decode to: one compressed block of zeros,
flushed so that it stands alone, repeated, with the checksum the wrapper needs computed block by
block. gzip gets the full 1 GiB; the other codings 256 MiB, which is as telling and quicker.
"""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from collections.abc import Callable

import brotli
import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer

from .support import TIMEOUT, serve, zstd

MIB = 1024 * 1024
GIB = 1024 * MIB
ZEROS = bytes(MIB)
PEAK_LIMIT = 16 * MIB


def _deflate_blocks(size: int) -> bytes:
    """Raw deflate of ``size`` zeros (a multiple of 1 MiB)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)  # no reference to earlier data
    return block * (size // MIB) + compressor.flush()


def gzip_bomb(size: int) -> bytes:
    """``size`` zeros in the gzip format."""
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(ZEROS, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff"
    return header + _deflate_blocks(size) + struct.pack("<II", crc, size & 0xFFFFFFFF)


def zlib_bomb(size: int) -> bytes:
    """``size`` zeros in the zlib format (HTTP's deflate)."""
    adler = 1
    for _ in range(size // MIB):
        adler = zlib.adler32(ZEROS, adler)
    return b"\x78\x01" + _deflate_blocks(size) + struct.pack(">I", adler)


def _streamed(size: int, process: Callable[[bytes], bytes], finish: Callable[[], bytes]) -> bytes:
    return b"".join(process(ZEROS) for _ in range(size // MIB)) + finish()


def brotli_bomb(size: int) -> bytes:
    """``size`` zeros in the brotli format."""
    compressor = brotli.Compressor(quality=1)
    return _streamed(size, compressor.process, compressor.finish)


def zstd_bomb(size: int) -> bytes:
    """``size`` zeros in the zstd format."""
    compressor = zstd.ZstdCompressor()
    return _streamed(size, compressor.compress, compressor.flush)


def _read_measured(opener: urlplug.OpenerDirector, url: str) -> tuple[int, int]:
    """Read ``url`` in 64 KiB blocks: the bytes read, and the peak of memory allocated meanwhile."""
    tracemalloc.start()
    try:
        total = 0
        with opener.open(url, timeout=TIMEOUT) as response:
            while block := response.read(64 * 1024):
                total += len(block)
        return total, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("coding", "bomb", "size"),
    [
        ("gzip", gzip_bomb, GIB),
        ("deflate", zlib_bomb, GIB // 4),
        ("br", brotli_bomb, GIB // 4),
        ("zstd", zstd_bomb, GIB // 4),
    ],
)
def test_bomb_read_in_blocks_stays_small(
    opener: urlplug.OpenerDirector,
    http_server: LoopbackHTTPServer,
    coding: str,
    bomb: Callable[[int], bytes],
    size: int,
) -> None:
    body = bomb(size)
    assert len(body) < 8 * MIB
    serve(http_server, "/bomb", body, coding)
    total, peak = _read_measured(opener, http_server.url("/bomb"))
    assert total == size
    assert peak < PEAK_LIMIT, f"{peak / MIB:.1f} MiB"


def test_stacked_bomb_stays_small(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    serve(http_server, "/bomb", brotli.compress(gzip_bomb(GIB // 4)), "gzip, br")
    total, peak = _read_measured(opener, http_server.url("/bomb"))
    assert total == GIB // 4
    assert peak < PEAK_LIMIT, f"{peak / MIB:.1f} MiB"
