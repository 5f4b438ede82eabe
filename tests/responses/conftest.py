"""Openers for the responses bridge's tests: the HTTP plugin and the bridge, closed after each test."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

import urlplug

BRIDGED = ("urlplug-http", "urlplug-responses")
MOCKED = "http://api.example/"  # never resolved: the mock answers, or the test fails


@pytest.fixture
def make_opener() -> Iterator[Callable[..., urlplug.OpenerDirector]]:
    """``make(*handlers, context=None)``: an opener of the HTTP plugin and the bridge; closed afterwards."""
    with contextlib.ExitStack() as openers:
        yield lambda *handlers, **kwargs: openers.enter_context(
            urlplug.build_opener(*handlers, plugins=BRIDGED, **kwargs)
        )


@pytest.fixture
def opener(make_opener: Callable[..., urlplug.OpenerDirector]) -> urlplug.OpenerDirector:
    """An opener of the HTTP plugin's handlers and the bridge."""
    return make_opener()
