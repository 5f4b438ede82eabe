"""``FileHandler``: opens ``file:`` URLs of this machine; other hosts' files are refused."""

from __future__ import annotations

import errno
import os
import stat
from typing import IO
from urllib.parse import unquote_to_bytes

from urlplug import BaseHandler, Request, Response, URLError
from urlplug.response import make_headers

from .hosts import LocalHosts

# A FIFO opened for reading would block until a writer appears; O_NONBLOCK makes open() return.
_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0)


def _bare_host(host: str) -> str | None:
    """``host`` without IPv6 brackets, or ``None`` if it has a port or user info (then it is remote)."""
    if "@" in host:
        return None
    if host.startswith("["):
        inner, bracket, rest = host[1:].partition("]")
        return inner if bracket and not rest else None
    return None if ":" in host else host


def _path(selector: str) -> str:
    """The local path a ``file:`` URL's selector names, percent-escapes decoded."""
    if os.name == "nt":
        from urlplug import url2pathname

        return url2pathname(selector)  # type: ignore[no-any-return]
    # Decoding to bytes first keeps names that are not UTF-8 (``%FF``) exactly as they are on disk.
    return os.fsdecode(unquote_to_bytes(selector))


def _content_type(path: str) -> str:
    import mimetypes

    # A relative name such as ``data:x.txt`` must not be taken for a URL by mimetypes.
    name = path if os.path.isabs(path) else os.path.join(os.curdir, path)
    return mimetypes.guess_type(name)[0] or "text/plain"


def _open(path: str) -> tuple[IO[bytes], os.stat_result]:
    """Open ``path`` for reading and return it with its status; a directory raises ``IsADirectoryError``."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return open(fd, "rb"), status
    except BaseException:
        os.close(fd)
        raise


class FileHandler(BaseHandler):
    """Open ``file:`` URLs.

    A URL with no host (``file:/path``, ``file:///path``), ``localhost`` or a name or address of
    this machine opens the local file; any other host (or a port, or user info) raises
    ``URLError("file not on local host")``, as ``urllib.request`` does: a ``file:`` URL never makes
    a connection (urllib2 handed such URLs to FTP). ``local_hosts`` decides what is this machine; by
    default one cache shared by every ``FileHandler`` of the process.

    The response streams the file; its headers are ``Content-type`` (from ``mimetypes``,
    ``text/plain`` when unknown), ``Content-length`` (regular files) and ``Last-modified``.
    """

    local_hosts: LocalHosts = LocalHosts()

    def __init__(self, local_hosts: LocalHosts | None = None) -> None:
        if local_hosts is not None:
            self.local_hosts = local_hosts

    def file_open(self, req: Request) -> Response:
        """Open the local file ``req`` names; a file of another host is ``URLError``, never fetched."""
        bare = _bare_host(req.host)
        if bare is not None and self.local_hosts.is_local(bare):
            return self.open_local_file(req)
        raise URLError("file not on local host")

    def open_local_file(self, req: Request) -> Response:
        """Open the file ``req.selector`` names on this machine; an ``OSError`` becomes ``URLError``."""
        path = _path(req.selector)
        if "\0" in path:
            raise URLError(f"file: URL path contains a NUL byte: {req.full_url!r}")
        try:
            fp, status = _open(path)
        except OSError as exc:
            raise URLError(exc) from exc
        from email.utils import formatdate

        headers = make_headers(
            [
                ("Content-type", _content_type(path)),
                ("Content-length", status.st_size if stat.S_ISREG(status.st_mode) else None),
                ("Last-modified", formatdate(status.st_mtime, usegmt=True)),
            ]
        )
        return Response(fp, headers, req.full_url)
