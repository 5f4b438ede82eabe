"""urlplug-retry: ``RetryHandler``, HTTP(S) retries with backoff and ``Retry-After``.

Installing the distribution adds a conservative ``RetryHandler()`` to every opener
``build_opener()`` makes (two retries of connect failures and of 429/503 with a short
``Retry-After``, for idempotent methods); pass a configured instance
(``RetryHandler(total=5, status_forcelist={502, 503, 504})``) to replace it, or leave
``urlplug-retry`` out of ``URLPLUG_PLUGINS`` to go without it.
"""

from __future__ import annotations

from .handler import DEFAULT_ALLOWED_METHODS, RETRY_AFTER_STATUS_CODES, RetryHandler
from .history import RetryAttempt

__all__ = ["DEFAULT_ALLOWED_METHODS", "RETRY_AFTER_STATUS_CODES", "RetryAttempt", "RetryHandler"]
