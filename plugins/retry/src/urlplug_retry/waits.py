"""How long to wait before a retry: urllib3's exponential backoff, and a response's ``Retry-After``."""

from __future__ import annotations

import time

__all__ = ["backoff", "retry_after"]


def backoff(failures: int, factor: float, maximum: float, jitter: float) -> float:
    """Seconds to sleep after ``failures`` consecutive failed attempts, as urllib3 2 computes them.

    No sleep after the first failure, then ``factor * 2 ** (failures - 1)`` plus up to ``jitter``
    random seconds, never more than ``maximum``.
    """
    if failures <= 1:
        return 0.0
    value = factor * 2.0 ** (failures - 1)
    if jitter:
        import random

        value += random.random() * jitter
    return max(0.0, min(maximum, value))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (delay-seconds or an HTTP-date); ``None`` if unusable.

    A date in the past asks for no wait. ``now`` (seconds since the epoch) defaults to the clock.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # only for a date: not imported with the plugin

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110's IMF-fixdate is GMT; obsolete forms without a zone too
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
