"""urlplug-compression: ``ContentDecodingProcessor``, transparent gzip, deflate, br and zstd decoding.

Installing the distribution adds the processor to every opener ``build_opener()`` makes; pass a
configured instance (``ContentDecodingProcessor(codings=["gzip"])``) to replace it, or leave
``urlplug-compression`` out of ``URLPLUG_PLUGINS`` to go without it.
"""

from __future__ import annotations

from .errors import ContentDecodingError
from .processor import ContentDecodingProcessor

__all__ = ["ContentDecodingError", "ContentDecodingProcessor"]
