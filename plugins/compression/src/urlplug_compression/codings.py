"""The content codings this process can decode, and a decompressor for each.

``gzip`` and ``deflate`` come with Python (``zlib``). ``br`` needs ``brotli`` or ``brotlicffi``, 1.2 or
later: earlier versions cannot bound how much one call decompresses. ``zstd`` needs
``compression.zstd`` (Python 3.14) or ``backports.zstd``. The libraries are imported on first use.

Every decompressor here speaks one interface, that of the standard library's ``bz2``, ``lzma`` and
``zstd`` decompressors: ``decompress(data, max_length)`` never returns more than ``max_length`` bytes
(brotli may overshoot by a buffer), ``needs_input`` says whether more output can come without more
data, ``eof`` whether the compressed stream ended, and ``unused_data`` holds what followed its end.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any, NamedTuple, Protocol

__all__ = ["Coding", "Decompressor", "canonical", "installed", "named"]

_ZSTD_WINDOW_LOG_MAX = 23
"""RFC 9659: a zstd content coding uses a window of at most 8 MiB; a frame asking for more is refused."""

_ALIASES = {"x-gzip": "gzip"}  # RFC 9110 8.4.1.3


class Decompressor(Protocol):
    """An incremental decompressor whose output per call is bounded."""

    @property
    def eof(self) -> bool: ...

    @property
    def needs_input(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int, /) -> bytes: ...


class Coding(NamedTuple):
    """One content coding: its name, how to make a decompressor, what its library raises."""

    name: str
    new: Callable[[], Decompressor]
    errors: tuple[type[Exception], ...]
    concatenated: bool
    """Whether several compressed streams may follow one another (gzip members, zstd frames)."""


class _Zlib:
    """zlib's decompressor in the common interface: ``needs_input`` instead of ``unconsumed_tail``.

    With ``wbits=None`` it decodes HTTP's ``deflate``, which RFC 9110 defines as zlib-wrapped and
    some servers send raw; the first two bytes tell which.
    """

    __slots__ = ("_head", "_obj", "needs_input")

    def __init__(self, wbits: int | None) -> None:
        self._obj = None if wbits is None else zlib.decompressobj(wbits)
        self._head = b""
        self.needs_input = True

    @property
    def eof(self) -> bool:
        return self._obj is not None and self._obj.eof

    @property
    def unused_data(self) -> bytes:
        return b"" if self._obj is None else self._obj.unused_data

    def decompress(self, data: bytes, max_length: int, /) -> bytes:
        obj = self._obj
        if obj is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            wbits = zlib.MAX_WBITS if _is_zlib_header(self._head) else -zlib.MAX_WBITS
            obj = self._obj = zlib.decompressobj(wbits)
            data, self._head = self._head, b""
        elif not data:
            data = obj.unconsumed_tail
        out = obj.decompress(data, max_length)
        # Output short of the limit means zlib took all the input and has nothing more to give.
        self.needs_input = not obj.unconsumed_tail and len(out) < max_length
        return out


def _is_zlib_header(head: bytes) -> bool:
    """Whether ``head`` starts a zlib stream (RFC 1950: deflate, a window of 32 KiB or less, FCHECK)."""
    return head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


class _Brotli:
    """A ``brotli`` or ``brotlicffi`` decompressor in the common interface.

    brotli may hold output back even when it can take more input, so, as with zlib, only an output
    short of the limit shows that everything was given.
    """

    __slots__ = ("_drained", "_obj")

    unused_data = b""  # brotli reports data after the end of its stream as an error

    def __init__(self, decompressor_class: Any) -> None:
        self._obj = decompressor_class()
        self._drained = True

    @property
    def eof(self) -> bool:
        return bool(self._obj.is_finished())

    @property
    def needs_input(self) -> bool:
        return self._drained and bool(self._obj.can_accept_more_data())

    def decompress(self, data: bytes, max_length: int, /) -> bytes:
        out: bytes = self._obj.process(data, output_buffer_limit=max_length)
        self._drained = len(out) < max_length
        return out


def _imported(name: str) -> Any:
    """The module ``name``, or ``None`` when it does not import."""
    try:
        return import_module(name)
    except ImportError:
        return None


def _brotli() -> Coding | None:
    for name in ("brotli", "brotlicffi"):
        module = _imported(name)
        if module is not None and hasattr(module.Decompressor, "can_accept_more_data"):
            return Coding("br", functools.partial(_Brotli, module.Decompressor), (module.error,), False)
    return None


def _zstd() -> Coding | None:
    module = _imported("compression.zstd") or _imported("backports.zstd")
    if module is None:
        return None
    options = {module.DecompressionParameter.window_log_max: _ZSTD_WINDOW_LOG_MAX}
    new = functools.partial(module.ZstdDecompressor, options=options)
    return Coding("zstd", new, (module.ZstdError,), True)


@functools.cache
def installed() -> dict[str, Coding]:
    """The codings this process can decode, by name, in the order they are offered."""
    codings = [
        Coding("gzip", functools.partial(_Zlib, 16 + zlib.MAX_WBITS), (zlib.error,), True),
        Coding("deflate", functools.partial(_Zlib, None), (zlib.error,), False),
        _brotli(),
        _zstd(),
    ]
    return {coding.name: coding for coding in codings if coding is not None}


_EXTRAS = {"br": "urlplug-compression[brotli]", "zstd": "urlplug-compression[zstd]"}


def named(names: Iterable[str]) -> dict[str, Coding]:
    """The installed codings called ``names``; ``ValueError`` for one that is unknown or missing."""
    available = installed()
    chosen: dict[str, Coding] = {}
    for given in names:
        name = canonical(given)
        coding = available.get(name)
        if coding is None:
            if name in _EXTRAS:
                raise ValueError(f"content coding {given!r} needs a library: pip install '{_EXTRAS[name]}'")
            raise ValueError(f"unknown content coding {given!r}; known: {', '.join(available)}")
        chosen[name] = coding
    return chosen


def canonical(name: str) -> str:
    """The name a ``Content-Encoding`` value stands for: lower case, ``x-gzip`` read as ``gzip``."""
    lowered = name.strip().lower()
    return _ALIASES.get(lowered, lowered)
