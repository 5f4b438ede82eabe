"""The pytest fixture ``urlplug_responses``: a started ``responses.RequestsMock`` for the test.

Loaded by pytest through the ``pytest11`` entry point. A registration the test never used fails
the test, as ``responses.RequestsMock`` does by default; set ``assert_all_requests_are_fired =
False`` on the mock to allow it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import responses

__all__ = ["pytest_runtest_call", "urlplug_responses"]

_FIXTURE = "urlplug_responses"


@pytest.fixture
def urlplug_responses() -> Iterator[responses.RequestsMock]:
    """A started ``responses.RequestsMock``: every urlplug and requests HTTP(S) call is answered by it."""
    import responses

    mock = responses.RequestsMock()
    mock.start()
    try:
        yield mock
    finally:
        mock.stop(allow_assert=False)  # the test's own check ran in pytest_runtest_call
        mock.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After a test that passed, fail it if its ``urlplug_responses`` mock has unused registrations."""
    result = yield
    mock = getattr(item, "funcargs", {}).get(_FIXTURE)
    if mock is not None:
        mock.stop(allow_assert=True)
    return result
