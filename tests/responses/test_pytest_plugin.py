"""The pytest fixture ``urlplug_responses``, run in pytest sessions of their own (``pytester``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HEADER = """
import pytest
import responses
import urlplug
"""


def run(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider")


def test_the_fixture_is_an_active_mock_for_urlplug(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_fetch(urlplug_responses):
    assert isinstance(urlplug_responses, responses.RequestsMock)
    urlplug_responses.get("http://api.example/x", json={"ok": True})
    with urlplug.build_opener(plugins=["urlplug-http", "urlplug-responses"]) as opener:
        assert opener.open("http://api.example/x").read() == b'{"ok": true}'
    assert len(urlplug_responses.calls) == 1
""",
    )
    result.assert_outcomes(passed=1)


def test_an_unused_registration_fails_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_forgets_a_call(urlplug_responses):
    urlplug_responses.get("http://api.example/never")
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Not all requests have been executed*api.example/never*"])


def test_a_test_that_fails_is_reported_for_its_own_failure_only(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_breaks(urlplug_responses):
    urlplug_responses.get("http://api.example/never")
    assert 1 == 2, "the test's own failure"
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the test's own failure*"])
    result.stdout.no_fnmatch_line("*Not all requests have been executed*")


def test_unused_registrations_may_be_allowed(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_allows(urlplug_responses):
    urlplug_responses.assert_all_requests_are_fired = False
    urlplug_responses.get("http://api.example/maybe")
""",
    )
    result.assert_outcomes(passed=1)


def test_the_mock_stops_after_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
from urlplug_responses.active import active_mock

def test_first(urlplug_responses):
    assert active_mock() is urlplug_responses

def test_second():
    assert active_mock() is None
""",
    )
    result.assert_outcomes(passed=2)


def test_a_fixture_built_on_it_gets_the_same_check(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.fixture
def api(urlplug_responses):
    urlplug_responses.get("http://api.example/setup-only")
    return urlplug_responses

def test_uses_api_without_calling(api):
    pass
""",
    )
    result.assert_outcomes(failed=1)
