"""urlplug-file: the ``file:`` and ``data:`` URL handlers of urlplug.

``FileHandler`` opens local files (and hands ``file://otherhost/...`` to FTP, as urllib2 did);
``DataHandler`` opens RFC 2397 ``data:`` URLs. Both join every default opener through the
``urlplug.handlers`` entry points and are importable as ``urlplug.FileHandler`` and
``urlplug.DataHandler``.
"""

from __future__ import annotations

from .data import DataHandler
from .file import FileHandler
from .hosts import LocalHosts

__all__ = ["DataHandler", "FileHandler", "LocalHosts"]
