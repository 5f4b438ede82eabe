"""``ContentDecodingProcessor``: ask HTTP(S) servers for compressed bodies, decode them as they are read."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from urlplug import BaseHandler

if TYPE_CHECKING:
    from urlplug import Request

    from .codings import Coding

__all__ = ["ContentDecodingProcessor"]

_BODYLESS = frozenset({204, 304})
_first_use = threading.Lock()


class ContentDecodingProcessor(BaseHandler):
    """Offers the content codings this process can decode and decodes the responses that use them.

    Every HTTP(S) request without an ``Accept-Encoding`` header gets one (unredirected) listing
    ``codings``: by default every coding installed, ``gzip, deflate``, then ``br`` with ``brotli`` or
    ``brotlicffi`` (1.2 or later) and ``zstd`` with ``compression.zstd`` or ``backports.zstd``. A
    response to such a request whose ``Content-Encoding`` names only codings on that list becomes a
    :class:`~urlplug_compression.response.DecodedResponse`: the body reads decoded (stacked codings
    undone last first), in bounded memory, and a corrupt or truncated body raises
    :class:`~urlplug_compression.ContentDecodingError`.

    Left as they came: responses to requests whose caller set ``Accept-Encoding`` or ``Range``
    (a ``.tar.gz`` download stays gzipped; a range of encoded bytes cannot be decoded alone), to
    ``HEAD`` requests, ``204`` and ``304`` responses, and bodies in a coding not on the list.

    ``handler_order`` is 900: after ``HTTPHandler`` adds the opener's ``addheaders`` (an
    ``Accept-Encoding`` there counts as the caller's), before ``HTTPErrorProcessor``, so that an
    ``HTTPError``'s body and headers are decoded too.
    """

    handler_order = 900

    def __init__(self, codings: Iterable[str] | None = None) -> None:
        # The default looks for the libraries at the first request, not when openers are built.
        self._settings: tuple[dict[str, Coding], str] | None = None
        if codings is not None:
            from .codings import named

            self._settings = _settings(named(codings))

    @property
    def codings(self) -> tuple[str, ...]:
        """The codings offered and decoded, in the order ``Accept-Encoding`` lists them."""
        return tuple(self._table())

    def _table(self) -> dict[str, Coding]:
        return self._current()[0]

    def _current(self) -> tuple[dict[str, Coding], str]:
        settings = self._settings
        if settings is None:
            from .codings import installed

            with _first_use:  # one offer string per processor, even when threads start together
                if self._settings is None:
                    self._settings = _settings(installed())
                settings = self._settings
        return settings

    def _offers(self, request: Request) -> bool:
        """Whether the ``Accept-Encoding`` of ``request`` is the one this processor added: the very
        string object it made (see ``_settings``), where a caller's own value, even an equal one, is
        another."""
        return request.get_header("Accept-encoding") is self._current()[1]

    def http_request(self, request: Request) -> Request:
        """Add ``Accept-Encoding`` unless the caller set it or asks for a ``Range``."""
        if request.has_header("Accept-encoding") and not self._offers(request):
            return request
        if request.has_header("Range"):
            request.remove_header("Accept-encoding")
        else:
            # As add_unredirected_header(), less its check of a value that is known to be clean.
            request.unredirected_hdrs["Accept-encoding"] = self._current()[1]
        return request

    def http_response(self, request: Request, response: Any) -> Any:
        """The response, decoding as it is read if its body uses codings the processor asked for."""
        values = response.info().get_all("Content-Encoding")
        if not values or not self._offers(request):
            return response
        if response.getcode() in _BODYLESS or request.get_method() == "HEAD":
            return response
        from .codings import canonical

        named = tuple(name.strip().lower() for value in values for name in value.split(",") if name.strip())
        table = self._table()
        applied = [coding for coding in map(canonical, named) if coding != "identity"]
        if not applied or not all(name in table for name in applied):
            return response
        from .response import DecodedResponse

        return DecodedResponse(response, [table[name] for name in applied], named)

    https_request = http_request
    https_response = http_response


def _settings(codings: dict[str, Coding]) -> tuple[dict[str, Coding], str]:
    if not codings:
        raise ValueError("no content coding to offer")
    # A string object of the processor's own, told from a caller's by identity: decoding and
    # encoding again makes a new one even where ", ".join() would return one name's interned string.
    return codings, ", ".join(codings).encode("ascii").decode("ascii")
