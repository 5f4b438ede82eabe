"""Requests and responses between urlplug and hishel's models, bodies streamed both ways."""

from __future__ import annotations

import copy
import functools
import http.client
import io
from collections.abc import Iterator
from typing import Any

import hishel

from urlplug import Request, Response

__all__ = ["cached_request", "hishel_response", "sendable", "urlplug_response"]

CHUNK_SIZE = 64 * 1024

_NOT_STORED = frozenset({"transfer-encoding"})
"""Headers about how the body travelled, which the stored body no longer has."""


def cached_request(request: Request) -> hishel.Request:
    """``request`` as hishel's state machine sees it: method, URL and every header to be sent."""
    headers: dict[str, list[str]] = {}
    for name, value in request.header_items():
        headers.setdefault(name.lower(), []).append(str(value))
    return hishel.Request(method=request.get_method(), url=request.full_url, headers=hishel.Headers(headers))


def sendable(request: Request, asked: hishel.Request, wanted: hishel.Request) -> Request:
    """``request`` as the state machine ``wanted`` it sent: a copy with the headers it added to
    what was ``asked`` (``If-None-Match``, ``If-Modified-Since``), so the caller never sees them."""
    added = [(name, value) for name, value in wanted.headers.items() if asked.headers.get(name) != value]
    if not added:
        return request
    sent = copy.copy(request)
    sent.headers = dict(request.headers)
    sent.unredirected_hdrs = dict(request.unredirected_hdrs)
    for name, value in added:
        sent.add_unredirected_header(name.capitalize(), value)
    return sent


def hishel_response(response: Any) -> hishel.Response:
    """An origin response as hishel's model; its body is read (and the response closed) through ``stream``."""
    headers: dict[str, list[str]] = {}
    for name, value in response.info().items():
        if name.lower() not in _NOT_STORED:
            headers.setdefault(name.lower(), []).append(value)
    return hishel.Response(
        status_code=response.getcode(), headers=hishel.Headers(headers), stream=_chunks(response)
    )


def _chunks(response: Any) -> Iterator[bytes]:
    try:
        while chunk := response.read(CHUNK_SIZE):
            yield chunk
    finally:
        response.close()


def urlplug_response(response: hishel.Response, url: str, upstream: Any | None) -> Response:
    """hishel's ``response`` as a urlplug response for ``url``; ``upstream`` is the origin's response
    it was read from, if any."""
    headers = http.client.HTTPMessage()
    for name in response.headers:
        title = _title(name)
        for value in response.headers.get_list(name) or ():
            headers.set_raw(title, value)  # as http.client's parser stores them, unchecked
    stream = response.stream
    assert isinstance(stream, Iterator)
    body = io.BufferedReader(_StreamBody(stream, upstream), CHUNK_SIZE)
    code = response.status_code
    return Response(body, headers, upstream.geturl() if upstream is not None else url, code, _reason(code))


@functools.lru_cache(maxsize=256)
def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _reason(code: int) -> str:
    try:
        return http.client.responses[code]
    except KeyError:
        return ""


class _StreamBody(io.RawIOBase):
    """A file over an iterator of chunks (a body being saved, or read from the store)."""

    def __init__(self, chunks: Iterator[bytes], upstream: Any | None) -> None:
        self._chunks = chunks
        self._upstream = upstream
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._left:
            self._left = next(self._chunks, b"")
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            # A caller that read exactly Content-Length bytes has the whole body: finish the
            # iterator so that the entry being saved is completed, not dropped as cut short.
            if getattr(self._upstream, "isclosed", lambda: False)():
                for _ in self._chunks:
                    pass
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        super().close()
