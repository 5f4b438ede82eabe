"""``urlretrieve`` and ``urlcleanup``: download a URL to a file, as ``urllib.request`` users expect."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from .errors import ContentTooShortError
from .opener import urlopen
from .request import Request

if TYPE_CHECKING:
    from email.message import Message

_BLOCK_SIZE = 64 * 1024
_temporary_files: list[str] = []


def urlretrieve(
    url: str,
    filename: str | os.PathLike[str] | None = None,
    reporthook: Callable[[int, int, int], object] | None = None,
    data: Any = None,
) -> tuple[str, Message]:
    """Copy the resource at ``url`` to ``filename`` (a temporary file if omitted).

    Returns ``(filename, headers)``. For a local ``file:`` URL without ``filename`` the local path
    itself is returned. ``reporthook(block_number, block_size, total_size)`` is called once before
    the transfer and after each block (``total_size`` is the length the response framed its body by,
    -1 when unknown or when ``Content-Length`` values disagree or are no number). Raises
    ``ContentTooShortError`` if fewer bytes arrive than announced; the partial file is kept.
    """
    with contextlib.closing(urlopen(url, data)) as response:
        headers = response.info()
        if filename is None and Request(url).type == "file":
            from ._stdlib import urllib_request

            url2pathname = urllib_request().url2pathname

            return os.path.normpath(url2pathname(Request(url).selector)), headers
        target, path = _open_target(filename)
        with target:
            size = _announced_size(response, headers)
            received = blocks = 0
            if reporthook is not None:
                reporthook(blocks, _BLOCK_SIZE, size)
            while block := _read_block(response, target, path, headers):
                received += len(block)
                target.write(block)
                blocks += 1
                if reporthook is not None:
                    reporthook(blocks, _BLOCK_SIZE, size)
    if received < size:
        raise ContentTooShortError(
            f"retrieval incomplete: got only {received} out of {size} bytes", (path, headers)
        )
    return path, headers


def _announced_size(response: Any, headers: Message) -> int:
    """The body's length as the response framed it, else as its headers announce it; -1 if unknown."""
    if hasattr(response, "length"):  # http.client's and urlplug-http's responses, before any read
        length = response.length
        return length if isinstance(length, int) else -1
    # Another handler's response: repeated identical values (``5, 5``) are one length; values that
    # disagree or are no decimal number announce nothing.
    values = {
        part.strip() for value in headers.get_all("Content-Length", ()) for part in str(value).split(",")
    }
    if len(values) == 1:
        value = values.pop()
        if value.isascii() and value.isdigit():
            return int(value)
    return -1


def _open_target(filename: str | os.PathLike[str] | None) -> tuple[IO[bytes], str]:
    if filename is not None:
        return open(filename, "wb"), os.fspath(filename)
    import tempfile

    target = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115 - the caller closes it
    _temporary_files.append(target.name)
    return target, target.name


def _read_block(response: Any, target: IO[bytes], path: str, headers: Message) -> bytes:
    import http.client

    try:
        return response.read(_BLOCK_SIZE)  # type: ignore[no-any-return]
    except http.client.IncompleteRead as exc:
        target.write(exc.partial)  # what arrived of this block belongs in the kept partial file
        raise ContentTooShortError(f"retrieval incomplete: {exc}", (path, headers)) from exc


def urlcleanup() -> None:
    """Remove the temporary files ``urlretrieve`` made and forget the openers ``urlopen`` used."""
    from .opener import forget_openers

    while _temporary_files:
        with contextlib.suppress(OSError):
            os.unlink(_temporary_files.pop())
    forget_openers()
