"""What an ``ftp:`` request asks for: login, server, directory, file and transfer type."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from urlplug import URLError
from urlplug.validate import check_url

if TYPE_CHECKING:
    from urlplug import Request

FTP_PORT = 21
_HOST_PORT = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::(\d*))?", re.ASCII)
_TYPES = frozenset("AID")


class FTPTarget(NamedTuple):
    """One FTP request, decoded and checked: safe to put on the control connection.

    ``kind`` is the transfer type: ``"I"`` (binary, the default for a file), ``"A"`` (ASCII) or
    ``"D"`` (a directory listing, the default when the path ends with ``/``).
    """

    user: str
    passwd: str
    host: str
    port: int
    dirs: tuple[str, ...]
    file: str
    kind: str


def parse_target(req: Request) -> FTPTarget:
    """Read ``ftp://user:password@host:port/dir/file;type=a|i|d`` from ``req``.

    The core has already percent-decoded ``req.host``, user and password included; the path's
    segments are decoded here, after the ``;type=`` attribute is split off. A control character
    in any of them (a decoded ``%0D%0A`` would inject an FTP command) raises ``ValueError``
    before anything is sent; so does a port that is not a number from 1 to 65535.
    """
    userinfo, at, hostport = req.host.rpartition("@")
    user, _, passwd = userinfo.partition(":") if at else ("", "", "")
    found = _HOST_PORT.fullmatch(hostport)
    if found is None:
        raise ValueError(f"invalid FTP host or port: {hostport!r}")
    host, port = found.group(1).strip("[]"), int(found.group(2) or FTP_PORT)
    if not 0 < port < 65536:
        raise ValueError(f"invalid FTP port: {port}")
    if not host:
        raise URLError("ftp error: no host given")
    path, _, attrs = req.selector.partition(";")
    *dirs, file = (unquote(segment) for segment in path.split("/"))
    if dirs and not dirs[0]:
        dirs = dirs[1:]  # the '/' that starts the path is not an empty directory name
    for what, value in (
        ("host", host),
        ("user", user),
        ("password", passwd),
        ("path", "/".join([*dirs, file])),
    ):
        _check(what, value)
    return FTPTarget(user, passwd, host, port, tuple(dirs), file, _kind(file, attrs))


def _kind(file: str, attrs: str) -> str:
    kind = "I" if file else "D"
    for attr in attrs.split(";"):
        name, _, value = attr.partition("=")
        if name.lower() == "type" and value.upper() in _TYPES:
            kind = value.upper()
    return kind


def _check(what: str, value: str) -> None:
    try:
        check_url(value)
    except ValueError:
        raise ValueError(f"refusing to send an FTP {what} holding a control character: {value!r}") from None
