"""``ContentDecodingError``: a response body that cannot be decoded from its content codings."""

from __future__ import annotations

from urlplug import URLError

__all__ = ["ContentDecodingError"]


class ContentDecodingError(URLError):
    """The body of a response is corrupt or cut short in one of its content codings.

    A ``URLError`` (so an ``OSError``), raised while the body is read. ``coding`` names the content
    coding that failed (``"gzip"``, ``"deflate"``, ``"br"`` or ``"zstd"``); the library's own
    exception, where there was one, is the ``__cause__``.
    """

    def __init__(self, coding: str, message: str) -> None:
        super().__init__(f"{coding}: {message}")
        self.coding = coding
