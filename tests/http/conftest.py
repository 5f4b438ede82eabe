"""Openers for the HTTP plugin's tests: only urlplug-http's handlers, closed after each test."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import urlplug

HTTP_ONLY = ("urlplug-http",)


@pytest.fixture
def make_opener() -> Iterator[Callable[..., urlplug.OpenerDirector]]:
    """``make(*handlers, context=None)``: an opener of urlplug-http's handlers; all closed afterwards."""
    made: list[urlplug.OpenerDirector] = []

    def make(*handlers: Any, context: ssl.SSLContext | None = None) -> urlplug.OpenerDirector:
        opener = urlplug.build_opener(*handlers, plugins=HTTP_ONLY, context=context)
        made.append(opener)
        return opener

    yield make
    for opener in made:
        opener.close()


@pytest.fixture
def opener(make_opener: Callable[..., urlplug.OpenerDirector]) -> urlplug.OpenerDirector:
    """An opener of urlplug-http's handlers."""
    return make_opener()


@pytest.fixture
def tls_opener(
    make_opener: Callable[..., urlplug.OpenerDirector], client_tls: ssl.SSLContext
) -> urlplug.OpenerDirector:
    """An opener whose HTTPS handler trusts the tests' CA."""
    return make_opener(context=client_tls)
