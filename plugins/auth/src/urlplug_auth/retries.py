"""Bookkeeping of authentication retries, so that a refused request is retried a bounded number of times.

An auth handler answers a 401/407 by re-opening the same ``Request`` from inside its error handler,
so the retries of one request nest on one thread. :class:`Retries` counts, per thread and per request,
how many of a handler's retries are open around the current call, and drains the refused response
before retrying so that its keep-alive connection can carry the retry.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from urlplug.response import discard


class Retries:
    """A handler's retries in progress, per thread: ``depth(req)`` and ``retry(opener, req)``."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _state(self) -> tuple[dict[int, int], list[Any]]:
        local = self._local
        if not hasattr(local, "depths"):
            local.depths = {}  # id(request) -> retries open; the request is alive while it is here
            local.answering = []  # the refused responses being answered, innermost last
        return local.depths, local.answering

    def depth(self, req: object) -> int:
        """How many retries of ``req`` by this handler are under way around the current call."""
        return self._state()[0].get(id(req), 0)

    @contextlib.contextmanager
    def answering(self, response: Any) -> Iterator[None]:
        """Mark ``response`` as the refused response the handler is deciding about."""
        stack = self._state()[1]
        stack.append(response)
        try:
            yield
        finally:
            stack.pop()

    def refused(self) -> Any:
        """The refused response being answered, if it has not been drained for a retry yet."""
        stack = self._state()[1]
        return stack[-1] if stack else None

    def retry(self, opener: Any, req: Any) -> Any:
        """Drain the refused response, then open ``req`` again through ``opener``."""
        depths, stack = self._state()
        if stack and stack[-1] is not None:
            discard(stack[-1])
            stack[-1] = None
        key = id(req)
        depths[key] = depths.get(key, 0) + 1
        try:
            return opener.open(req, timeout=req.timeout)
        finally:
            depths[key] -= 1
            if not depths[key]:
                del depths[key]
