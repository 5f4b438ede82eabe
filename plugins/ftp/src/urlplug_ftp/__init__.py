"""urlplug-ftp: ``ftp:`` and ``ftps:`` URLs for urlplug, on ``ftplib``.

``FTPHandler`` joins every default opener (entry point ``urlplug.handlers``); pass
``CacheFTPHandler`` to ``build_opener`` to keep logged-in connections between requests. Both
are also reachable as ``urlplug.FTPHandler`` and ``urlplug.CacheFTPHandler``.

Errors: opening raises ``URLError`` (``reason`` is the ``ftplib`` error with the server's reply,
or the ``OSError``); bad input (a control character in the path, user or password, a bad port)
raises ``ValueError`` before anything is sent. Reading raises ``ContentTooShortError`` when the
data connection closes before the announced size arrived, ``URLError`` when the server's final
reply reports a failed transfer, and the socket's ``OSError`` (``TimeoutError`` on a stall).
"""

from .body import TransferBody
from .cache import CacheFTPHandler
from .connection import FTPConnection
from .handler import FTPHandler

__all__ = ["CacheFTPHandler", "FTPConnection", "FTPHandler", "TransferBody"]
