"""``RetryAttempt``: one attempt of a retried request, as kept in ``retry_history``."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["RetryAttempt"]


class RetryAttempt(NamedTuple):
    """One attempt: the method and URL sent, and what came of it (an exception or a status)."""

    method: str
    url: str
    error: BaseException | None = None
    status: int | None = None
