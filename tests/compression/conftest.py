"""Openers for the compression tests: urlplug-http's handlers and the processor, closed after each test."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import urlplug

HTTP_AND_COMPRESSION = ("urlplug-http", "urlplug-compression")


@pytest.fixture
def make_opener() -> Iterator[Callable[..., urlplug.OpenerDirector]]:
    """``make(*handlers, context=None)``: an opener of urlplug-http and urlplug-compression."""
    with contextlib.ExitStack() as openers:

        def make(*handlers: Any, **kwargs: Any) -> urlplug.OpenerDirector:
            opener = urlplug.build_opener(*handlers, plugins=HTTP_AND_COMPRESSION, **kwargs)
            return openers.enter_context(opener)

        yield make


@pytest.fixture
def opener(make_opener: Callable[..., urlplug.OpenerDirector]) -> urlplug.OpenerDirector:
    """An opener of urlplug-http's handlers with the default ``ContentDecodingProcessor``."""
    return make_opener()
