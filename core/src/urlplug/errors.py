"""The exceptions urlplug raises: ``URLError`` and its subclasses, and ``url_error`` to choose one."""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any

from .response import Readable, Response, make_headers

if TYPE_CHECKING:
    import email.message


class URLError(OSError):
    """A handler ran into a problem opening a URL. ``reason`` says what: a message or an exception."""

    def __init__(self, reason: str | BaseException, filename: str | None = None) -> None:
        self.args = (reason,)
        self.reason = reason
        if filename is not None:
            self.filename = filename

    def __str__(self) -> str:
        return f"<urlopen error {self.reason}>"


class HTTPError(URLError, Response):
    """An HTTP error status. It is also a response: its body can be read and it can be returned.

    ``code`` is the status code, ``reason`` (also ``msg``) the reason phrase, ``headers`` (also
    ``hdrs``) the response headers.
    """

    def __init__(
        self,
        url: str,
        code: int,
        msg: str,
        hdrs: email.message.Message | None,
        fp: Readable | IO[bytes] | None,
    ) -> None:
        headers = hdrs if hdrs is not None else make_headers(())
        Response.__init__(self, fp if fp is not None else io.BytesIO(), headers, url, code, msg)
        self.args = (msg,)
        self.filename = url

    @property
    def reason(self) -> str:  # the URLError attribute, backed by the status message
        return self.msg

    @reason.setter
    def reason(self, value: Any) -> None:
        self.__dict__["msg"] = value

    @property
    def msg(self) -> str:
        return self.__dict__.get("msg", "")  # type: ignore[no-any-return]

    @msg.setter
    def msg(self, value: str) -> None:
        self.__dict__["msg"] = value

    @property
    def hdrs(self) -> email.message.Message:
        """The response headers (urllib2's name for ``headers``)."""
        return self.headers

    @hdrs.setter
    def hdrs(self, value: email.message.Message) -> None:
        self.headers = value

    def __str__(self) -> str:
        return f"HTTP Error {self.code}: {self.msg}"

    def __repr__(self) -> str:
        return f"<HTTPError {self.code}: {self.msg!r}>"


class ContentTooShortError(URLError):
    """A download ended before the announced amount of data arrived; ``content`` holds what did."""

    def __init__(self, message: str, content: Any) -> None:
        super().__init__(message)
        self.content = content


class URLTimeoutError(URLError, TimeoutError):
    """A time limit ran out: connecting, waiting for the response, reading the body, or the total.

    Both ``except URLError`` and ``except TimeoutError`` catch it. ``reason`` is the socket's
    ``TimeoutError`` or a message saying which limit ran out.
    """


def url_error(exc: BaseException) -> URLError:
    """``exc`` (an ``OSError`` or a protocol error) as the ``URLError`` to raise in its place.

    A ``URLError`` stays itself; a ``TimeoutError`` becomes a :class:`URLTimeoutError`.
    """
    if isinstance(exc, URLError):
        return exc
    if isinstance(exc, TimeoutError):
        return URLTimeoutError(exc)
    return URLError(exc)
