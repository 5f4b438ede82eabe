"""urlplug-cache: ``CacheHandler``, RFC 9111 HTTP caching on hishel.

Off until configured: ``build_opener()`` adds a ``CacheHandler`` to every opener when
``URLPLUG_CACHE`` names a storage (``sqlite:///abs/path.db``, ``redis://host:port/db``,
``memory:``; the ``urlplug.handlers`` entry point :func:`default_cache_handler`), and a configured
``CacheHandler(storage)`` passed to ``build_opener()`` replaces that default.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from urlplug import lazy

if TYPE_CHECKING:
    from .faults import CacheWarning
    from .handler import CacheHandler
    from .status import CacheStatus

__all__ = ["CacheHandler", "CacheStatus", "CacheWarning", "default_cache_handler"]


def default_cache_handler() -> CacheHandler | None:
    """The ``CacheHandler`` for a default opener: one on the storage ``URLPLUG_CACHE`` names, or ``None``."""
    if not os.environ.get("URLPLUG_CACHE"):  # handler.ENVIRONMENT, without importing hishel
        return None
    from .handler import CacheHandler

    return CacheHandler()


# Without URLPLUG_CACHE, a default opener needs nothing but the environment check above (no hishel).
__getattr__ = lazy.exports(
    __name__, {"CacheHandler": ".handler", "CacheStatus": ".status", "CacheWarning": ".faults"}
)
