"""TLS settings shared by every plugin that speaks TLS (HTTPS, FTPS)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl


def client_context(
    context: ssl.SSLContext | None = None,
    cafile: str | None = None,
    capath: str | None = None,
    check_hostname: bool | None = None,
) -> ssl.SSLContext:
    """The context to connect with: ``context`` if given, else a verifying default one.

    The default trusts the system store (or ``cafile``/``capath``), checks host names and sends
    SNI. ``check_hostname``, when not ``None``, overrides the context's setting.
    """
    import ssl

    if context is None:
        context = ssl.create_default_context(cafile=cafile, capath=capath)
    elif cafile is not None or capath is not None:
        raise ValueError("give either an SSLContext or cafile/capath, not both")
    if check_hostname is not None:
        context.check_hostname = check_hostname
    return context


class ContextOnFirstUse:
    """A handler's TLS context: the ``context`` it was given (with ``check_hostname`` applied, at
    once), or else a verifying default one made by :meth:`get` at the first connection that needs it
    (loading the trust store is slow, and building an opener does not import ``ssl``). ``given`` says
    which. Safe to share between threads: the default is made once.
    """

    def __init__(self, context: ssl.SSLContext | None = None, check_hostname: bool | None = None) -> None:
        self.given = context is not None or check_hostname is not None
        self._context = client_context(context, check_hostname=check_hostname) if self.given else None
        self._lock = threading.Lock()

    def get(self) -> ssl.SSLContext:
        """The context to connect with."""
        context = self._context
        if context is None:
            with self._lock:
                if self._context is None:
                    self._context = client_context()
                context = self._context
        return context
