"""TLS settings shared by every plugin that speaks TLS (HTTPS, FTPS)."""

from __future__ import annotations

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
