"""``CacheStatus``: how the cache served a response, read as attributes."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CacheStatus"]


class CacheStatus(NamedTuple):
    """What the cache did for one response, as ``response.cache_status``.

    ``from_cache``: the body came from the store (``revalidated`` tells whether the origin was asked
    first and answered ``304 Not Modified``). ``stored``: the response came from the origin and is
    being saved as it is read. All three ``False``: the origin answered and nothing was kept.
    """

    from_cache: bool
    revalidated: bool
    stored: bool

    def __str__(self) -> str:
        if self.from_cache:
            return "hit, revalidated" if self.revalidated else "hit"
        return "miss, stored" if self.stored else "miss, not stored"
