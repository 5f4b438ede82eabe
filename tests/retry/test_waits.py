"""The waits between attempts: urllib3's backoff and ``Retry-After`` in both of its forms."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from urlplug_retry.waits import backoff, retry_after

NOW = 1_800_000_000.0


def test_backoff_sleeps_nothing_after_the_first_failure_then_doubles() -> None:
    assert [backoff(n, 0.5, 120.0, 0.0) for n in range(1, 7)] == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0]


def test_backoff_is_capped_by_backoff_max() -> None:
    assert backoff(10, 1.0, 5.0, 0.0) == 5.0


def test_backoff_factor_zero_never_sleeps() -> None:
    assert backoff(5, 0.0, 120.0, 0.0) == 0.0


def test_backoff_jitter_adds_at_most_its_amount() -> None:
    values = [backoff(3, 0.5, 120.0, 0.25) for _ in range(200)]
    assert all(2.0 <= value < 2.25 for value in values)
    assert len(set(values)) > 1


def test_retry_after_in_seconds() -> None:
    assert retry_after("7") == 7.0
    assert retry_after(" 0 ") == 0.0


def test_retry_after_as_an_http_date() -> None:
    assert retry_after(formatdate(NOW + 42, usegmt=True), now=NOW) == 42.0


def test_retry_after_date_in_the_past_asks_for_no_wait() -> None:
    assert retry_after(formatdate(NOW - 3600, usegmt=True), now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "-5", "1.5", "soon", "Mon, 99 Foo 2026 00:00:00", "٣"])
def test_unusable_retry_after_is_none(value: str | None) -> None:
    assert retry_after(value, now=NOW) is None
