"""``DecodedResponse``: a response whose body is decoded from its content codings as it is read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from urlplug import Response

from .stream import DecodedBody

if TYPE_CHECKING:
    import email.message

    from .codings import Coding

__all__ = ["DecodedResponse"]

_ENCODED_BODY = frozenset({"content-encoding", "content-length"})
"""Headers that describe the bytes sent, not the bytes read once decoded."""


class DecodedResponse(Response):
    """A response whose body reads decoded, streaming: ``read(n)``, ``readline()``, iteration, ``readinto()``.

    ``headers`` (``info()``) are the server's without ``Content-Encoding`` and ``Content-Length``,
    which describe the encoded bytes. ``content_codings`` lists the codings the server applied, in
    the order it applied them, as its ``Content-Encoding`` named them (lower case): ``("gzip",)``, or
    ``("gzip", "br")`` for a body gzipped, then compressed with brotli. ``raw`` is the response as it
    came, with its original headers; closing this response closes it. Attributes a response of
    ``http.client`` has and this one does not (``version``, ``will_close``, ...) are read from ``raw``.
    """

    def __init__(self, raw: Any, codings: Sequence[Coding], content_codings: tuple[str, ...]) -> None:
        super().__init__(
            DecodedBody(raw, codings),
            _decoded_headers(raw.info()),
            raw.geturl(),
            raw.getcode(),
            getattr(raw, "reason", None),
        )
        self.raw = raw
        self.content_codings = content_codings
        self.length: int | None = None  # as http.client says of a body whose size is unknown

    def __getattr__(self, name: str) -> Any:
        if name == "raw":  # not set yet: while unpickling, say
            raise AttributeError(name)
        return getattr(self.raw, name)


def _decoded_headers(headers: email.message.Message) -> email.message.Message:
    """A copy of ``headers`` without the ones that describe the encoded body."""
    decoded = type(headers)(policy=headers.policy)
    for name, value in headers.raw_items():
        if name.lower() not in _ENCODED_BODY:
            decoded.set_raw(name, value)
    return decoded
