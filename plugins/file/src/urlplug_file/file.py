"""``FileHandler``: opens ``file:`` URLs on this machine and hands other hosts' files to FTP."""

from __future__ import annotations

import errno
import os
import stat
from typing import IO, Any
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
        from urllib.request import url2pathname

        return url2pathname(selector)
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
    this machine opens the local file; any other host (or a port, or user info) turns the request
    into an ``ftp:`` request handed back to the opener, as urllib2 did. ``local_hosts`` decides what
    is this machine; by default one cache shared by every ``FileHandler`` of the process.

    The response streams the file; its headers are ``Content-type`` (from ``mimetypes``,
    ``text/plain`` when unknown), ``Content-length`` (regular files) and ``Last-modified``.
    """

    local_hosts: LocalHosts = LocalHosts()

    def __init__(self, local_hosts: LocalHosts | None = None) -> None:
        if local_hosts is not None:
            self.local_hosts = local_hosts

    def file_open(self, req: Request) -> Any:
        """Open the local file ``req`` names, or hand a remote host's file to the opener as ``ftp:``."""
        bare = _bare_host(req.host)
        if bare is not None and self.local_hosts.is_local(bare):
            return self.open_local_file(req)
        if self.parent is None:
            raise URLError(
                f"file: URL for host {req.host!r} is not on this machine and there is no opener "
                "to hand it to FTP"
            )
        # Only the scheme changes, so the request can only ever go on to FTP.
        req.full_url = "ftp:" + req.full_url.partition(":")[2]
        return self.parent.open(req, timeout=req.timeout)

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
