"""The one place that relies on responses' internals: finding the active mock.

If a release of ``responses`` changes how a started mock patches ``requests``, these tests fail,
and the version range in ``plugins/responses/pyproject.toml`` must not admit that release until
``urlplug_responses.active`` follows it.
"""

from __future__ import annotations

import pytest
import requests
import responses

from urlplug_responses.active import active_mock


def test_no_mock_is_active_outside_of_one() -> None:
    assert active_mock() is None


def test_the_started_mock_is_found_and_forgotten_when_it_stops() -> None:
    mock = responses.RequestsMock()
    mock.start()
    try:
        assert active_mock() is mock
    finally:
        mock.stop(allow_assert=False)
    assert active_mock() is None


def test_the_context_manager_mock_is_found() -> None:
    with responses.RequestsMock() as mock:
        assert active_mock() is mock
    assert active_mock() is None


def test_the_module_level_mock_is_found_under_activate() -> None:
    @responses.activate
    def inside() -> object:
        return active_mock()

    assert inside() is responses.mock
    assert active_mock() is None


def test_the_module_level_start_and_stop_are_seen() -> None:
    responses.start()
    try:
        assert active_mock() is responses.mock
    finally:
        responses.stop()
        responses.reset()
    assert active_mock() is None


def test_the_innermost_of_nested_mocks_is_the_active_one() -> None:
    with responses.RequestsMock() as outer:
        with responses.RequestsMock() as inner:
            assert active_mock() is inner
        assert active_mock() is outer


def test_it_is_the_mock_that_requests_itself_is_answered_by() -> None:
    with responses.RequestsMock() as mock:
        mock.get("http://api.example/who", body="mocked")
        assert requests.get("http://api.example/who", timeout=5).text == "mocked"
        assert active_mock() is mock


def test_another_patch_of_requests_is_not_taken_for_a_mock() -> None:
    from unittest import mock as std_mock

    def send(*args: object, **kwargs: object) -> None:
        raise AssertionError("not a responses mock")

    with std_mock.patch("requests.adapters.HTTPAdapter.send", send):
        assert active_mock() is None


def test_a_mock_of_another_target_does_not_mock_requests_and_is_not_seen() -> None:
    with responses.RequestsMock(target="requests.Session.send"):
        assert active_mock() is None


def test_a_responses_patch_it_cannot_read_fails_loudly() -> None:
    from unittest import mock as std_mock

    def send(*args: object, **kwargs: object) -> None:
        raise AssertionError("never called")

    send.__module__ = "responses"  # what a future release's patch would look like to this check
    with (
        std_mock.patch("requests.adapters.HTTPAdapter.send", send),
        pytest.raises(RuntimeError, match="cannot find it in responses"),
    ):
        active_mock()
