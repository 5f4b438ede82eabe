"""urlplug-cookies: ``HTTPCookieProcessor``, cookie handling on ``http.cookiejar``.

Not part of the default opener: pass ``HTTPCookieProcessor(jar)`` to ``build_opener()``.
"""

from __future__ import annotations

from .processor import HTTPCookieProcessor

__all__ = ["HTTPCookieProcessor"]
