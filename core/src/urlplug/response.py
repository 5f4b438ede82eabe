"""The response type every handler returns: a file-like body with a URL, a status and headers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import email.message
    from types import TracebackType


class Readable(Protocol):
    """What a response body must offer: at least ``read`` and ``close``."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class URLResponse(Protocol):
    """What ``urlopen()`` and ``OpenerDirector.open()`` return, as a type checker sees it.

    Every response of the urlplug family (:class:`Response`, the HTTP plugin's ``HTTPResponse``,
    ``HTTPError``) has these; so does ``urllib.response.addinfourl``. A classic handler may return
    anything, as in urllib2: this is the contract of the family's handlers, not a runtime check.
    """

    @property
    def url(self) -> str: ...

    @property
    def status(self) -> int | None: ...

    @property
    def reason(self) -> str | None: ...

    @property
    def headers(self) -> email.message.Message: ...

    def read(self, amt: int | None = ..., /) -> bytes: ...

    def readline(self, limit: int | None = ..., /) -> bytes: ...

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...

    def geturl(self) -> str: ...

    def info(self) -> email.message.Message: ...

    def getcode(self) -> int | None: ...

    def __enter__(self) -> URLResponse: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None: ...


class Response:
    """A file-like response: the body of ``fp`` plus ``url``, ``status``, ``reason`` and ``headers``.

    It offers urllib2's ``geturl()``, ``info()`` and ``getcode()`` as well as Python 3's attributes,
    and is a context manager that closes the body on exit.
    """

    def __init__(
        self,
        fp: Readable | IO[bytes],
        headers: email.message.Message,
        url: str,
        code: int | None = None,
        reason: str | None = None,
    ) -> None:
        self.fp = fp
        self.headers = headers
        self.url = url
        self.status = code
        self.reason = reason

    # --- urllib2 accessors -------------------------------------------------------------------

    @property
    def code(self) -> int | None:
        """The status code, as urllib2 named it (same as ``status``)."""
        return self.status

    @code.setter
    def code(self, value: int | None) -> None:
        self.status = value

    @property
    def msg(self) -> str | None:
        """The reason phrase, as ``http.client`` names it."""
        return self.reason

    def geturl(self) -> str:
        """Return the URL of the resource retrieved (after any redirect)."""
        return self.url

    def info(self) -> email.message.Message:
        """Return the response headers as an ``email.message.Message``."""
        return self.headers

    def getcode(self) -> int | None:
        """Return the status code, or ``None`` for protocols without one."""
        return self.status

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """Return the value of header ``name``, or ``default``."""
        return self.headers.get(name, default)

    def getheaders(self) -> list[tuple[str, str]]:
        """Return the headers as a list of ``(name, value)`` pairs."""
        return list(self.headers.items())

    # --- file interface ----------------------------------------------------------------------

    def read(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes of the body (all of it when ``size`` is negative)."""
        return self.fp.read(size)

    def read1(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes with at most one call to the underlying stream."""
        read1 = getattr(self.fp, "read1", None)
        return read1(size) if read1 is not None else self.fp.read(size)

    def readline(self, size: int = -1, /) -> bytes:
        """Read one line of the body."""
        return self._fp_attr("readline")(size)  # type: ignore[no-any-return]

    def readlines(self, hint: int = -1, /) -> list[bytes]:
        """Read the remaining lines of the body."""
        readlines = getattr(self.fp, "readlines", None)
        if readlines is not None:
            return readlines(hint)  # type: ignore[no-any-return]
        lines: list[bytes] = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def readinto(self, buffer: Any, /) -> int:
        """Read bytes into a writable buffer and return how many were read."""
        readinto = getattr(self.fp, "readinto", None)
        if readinto is not None:
            return readinto(buffer)  # type: ignore[no-any-return]
        view = memoryview(buffer).cast("B")
        data = self.fp.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        """A response is always readable."""
        return True

    def fileno(self) -> int:
        """The underlying file descriptor, where the body has one."""
        return self._fp_attr("fileno")()  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[bytes]:
        readline = self._fp_attr("readline")
        while line := readline():
            yield line

    def __next__(self) -> bytes:
        line: bytes = self._fp_attr("readline")()
        if not line:
            raise StopIteration
        return line

    @property
    def closed(self) -> bool:
        """Whether the body has been closed."""
        return bool(getattr(self.fp, "closed", False))

    def close(self) -> None:
        """Close the body; further reads fail or return nothing."""
        self.fp.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _fp_attr(self, name: str) -> Any:
        try:
            return getattr(self.fp, name)
        except AttributeError:
            raise io.UnsupportedOperation(f"this response's body has no {name}()") from None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status}] {self.url!r}>"


def make_headers(fields: Iterable[tuple[str, object]]) -> email.message.Message:
    """Response headers from ``(name, value)`` pairs; pairs whose value is ``None`` are skipped."""
    import email.message

    headers = email.message.Message()
    for name, value in fields:
        if value is not None:
            headers[name] = str(value)
    return headers


DISCARD_LIMIT = 64 * 1024
"""The longest body :func:`discard` reads to free its connection; a longer one costs the connection."""


def discard(response: Any) -> None:
    """Finish with a response nobody will read (a redirect, a refusal answered by a retry): read its
    body to the end when it is announced no longer than :data:`DISCARD_LIMIT`, so that its
    connection can carry the next request, then close it. A body that fails to read is only closed.
    """
    import http.client

    try:
        length = getattr(response, "length", None)
        if length is None or length <= DISCARD_LIMIT:
            response.read(DISCARD_LIMIT)
    except (OSError, ValueError, http.client.HTTPException):
        pass
    finally:
        response.close()
