"""Helpers of the compression tests: encoded bodies, and routes that serve them."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import Any

import brotli

from ..servers.http import LoopbackHTTPServer, Reply, Seen

try:
    from compression import zstd  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    from backports import zstd  # type: ignore[no-redef, unused-ignore]

TIMEOUT = 10
CODINGS = ("gzip", "deflate", "br", "zstd")
TEXT = b"".join(b"line %d of a body that compresses well\n" % i for i in range(6000))
"""About 250 KB of lines: several decoding blocks, and lines to read one by one."""


def encode(body: bytes, coding: str) -> bytes:
    """``body`` compressed with ``coding`` (``raw-deflate``: deflate without the zlib wrapper)."""
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    if coding == "raw-deflate":
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()
    if coding == "br":
        return bytes(brotli.compress(body))
    if coding == "zstd":
        return bytes(zstd.compress(body))
    raise ValueError(coding)


def encode_all(body: bytes, *codings: str) -> bytes:
    """``body`` with ``codings`` applied in order, as ``Content-Encoding: a, b`` says."""
    for coding in codings:
        body = encode(body, coding)
    return body


def serve(
    server: LoopbackHTTPServer,
    path: str,
    body: bytes,
    content_encoding: str | None,
    status: int = 200,
    chunked: bool = False,
    extra: list[tuple[str, str]] | None = None,
) -> None:
    """Answer ``path`` with ``body`` as it is, labelled ``Content-Encoding: content_encoding``."""
    headers = [("Content-Type", "text/plain")]
    if content_encoding is not None:
        headers.append(("Content-Encoding", content_encoding))
    headers.extend(extra or ())

    def route(seen: Seen) -> Reply:
        payload: bytes | Iterator[bytes] = body
        if chunked:
            payload = iter([body[i : i + 1000] for i in range(0, len(body), 1000)])
        return Reply(status, headers, payload)

    server.routes[path] = route


def accept_encoding(seen: Seen) -> Any:
    """The ``Accept-Encoding`` a request carried, or ``None``."""
    return {name.lower(): value for name, value in seen.headers.items()}.get("accept-encoding")
