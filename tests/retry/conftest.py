"""Openers for the retry tests: urlplug-http's handlers and a ``RetryHandler`` whose sleeps are recorded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import urlplug
from tests.servers.http import Reply, Route, Seen
from urlplug_retry import RetryHandler

HTTP_AND_RETRY = ("urlplug-http", "urlplug-retry")


class Sleeps(list[float]):
    """Records the sleeps asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_opener(sleeps: Sleeps) -> Iterator[Callable[..., urlplug.OpenerDirector]]:
    """``make(retry=None, *handlers, plugins=...)``: an opener of urlplug-http and ``retry``.

    ``retry`` defaults to the default ``RetryHandler()`` with its sleeps recorded in ``sleeps``.
    """
    with contextlib.ExitStack() as openers:

        def make(
            retry: RetryHandler | None = None, *handlers: Any, plugins: tuple[str, ...] = HTTP_AND_RETRY
        ) -> urlplug.OpenerDirector:
            if retry is None:
                retry = RetryHandler()
            retry.sleep = sleeps
            opener = urlplug.build_opener(retry, *handlers, plugins=plugins)
            return openers.enter_context(opener)

        yield make


def replies(*answers: Reply) -> Route:
    """A route that gives ``answers`` in turn, then repeats the last one."""
    queue = list(answers)

    def serve(seen: Seen) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return serve


def ok(body: bytes = b"fine") -> Reply:
    return Reply(200, [("Content-Type", "text/plain")], body)


def refusal(status: int, retry_after: str | None = None, body: bytes = b"busy, come back later") -> Reply:
    headers = [("Content-Type", "text/plain")]
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return Reply(status, headers, body)
