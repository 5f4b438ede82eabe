"""urlplug-ftp: ``ftp:`` and ``ftps:`` URLs for urlplug, on ``ftplib``.

``FTPHandler`` joins every default opener (entry point ``urlplug.handlers``); pass
``CacheFTPHandler`` to ``build_opener`` to keep logged-in connections between requests. Both
are also reachable as ``urlplug.FTPHandler`` and ``urlplug.CacheFTPHandler``.

Errors: opening raises ``URLError`` (``reason`` is the ``ftplib`` error with the server's reply,
or the ``OSError``; a malformed ``SIZE`` reply is an ``ftplib.error_proto``); bad input (a control
character in the path, user or password, a bad port) raises ``ValueError`` before anything is
sent. Reading raises ``ContentTooShortError`` when the data connection closes before the announced
size arrived, ``URLError`` as soon as more than the announced size arrives or when the server's
final reply reports a failed transfer, and the socket's ``OSError`` (``TimeoutError`` on a stall).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urlplug import lazy

from .cache import CacheFTPHandler
from .handler import FTPHandler

if TYPE_CHECKING:
    from .body import TransferBody
    from .connection import FTPConnection

__all__ = ["CacheFTPHandler", "FTPConnection", "FTPHandler", "TransferBody"]

# ftplib (and with it ssl) loads with the first FTP request, not with build_opener().
__getattr__ = lazy.exports(__name__, {"FTPConnection": ".connection", "TransferBody": ".body"})
