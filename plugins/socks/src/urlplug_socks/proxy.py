"""``SOCKSProxy``: one SOCKS proxy, and the connections made through it (on ``python-socks``)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["SOCKSError", "SOCKSProxy", "SOCKS_SCHEMES"]

Scheme = Literal["socks4", "socks4a", "socks5", "socks5h"]
SOCKS_SCHEMES: tuple[Scheme, ...] = ("socks4", "socks4a", "socks5", "socks5h")
"""The proxy URL schemes: ``socks4a`` and ``socks5h`` let the proxy resolve the origin's name."""

DEFAULT_PORT = 1080
# python-socks reads a timeout of None as 60 s; without a timeout the caller waits as long as it takes.
_UNBOUNDED = 365 * 24 * 3600.0


class SOCKSError(ConnectionError):
    """The SOCKS proxy did not connect: authentication failed, it could not reach the origin, or
    it answered in something other than SOCKS."""


@dataclass(frozen=True)
class SOCKSProxy:
    """A SOCKS proxy at ``host:port`` of one of :data:`SOCKS_SCHEMES`, with optional credentials.

    Called with an origin's host, port and timeout, it returns a socket connected to the origin
    through the proxy (the :class:`urlplug_http.transport.Dial` protocol). With ``socks4a`` and
    ``socks5h`` the proxy resolves the origin's name; with ``socks4`` and ``socks5`` this process
    does and sends the address. SOCKS4 sends ``username`` as its user id and has no password.
    """

    scheme: Scheme
    host: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def remote_dns(self) -> bool:
        """Whether the proxy resolves the origin's name (``socks4a``, ``socks5h``)."""
        return self.scheme in ("socks4a", "socks5h")

    def __call__(self, host: str, port: int, timeout: float | None) -> socket.socket:
        """A socket connected to ``host:port`` through the proxy; ``OSError`` if it cannot be made."""
        from python_socks import ProxyConnectionError, ProxyError, ProxyType
        from python_socks.sync import Proxy

        kind = ProxyType.SOCKS4 if self.scheme.startswith("socks4") else ProxyType.SOCKS5
        proxy = Proxy(kind, self.host, self.port, self.username, self.password, rdns=self.remote_dns)
        try:
            sock = proxy.connect(host, port, timeout=_UNBOUNDED if timeout is None else timeout)
        except ProxyConnectionError as exc:
            raise _unreachable(exc, f"{self.host}:{self.port}") from exc
        except ProxyError as exc:
            raise SOCKSError(
                f"SOCKS proxy {self.host}:{self.port} did not connect to {host}:{port}: {exc}"
            ) from exc
        sock.settimeout(timeout)
        return sock


def _unreachable(exc: OSError, proxy: str) -> OSError:
    """The error of the connection to the proxy as its own kind (``ConnectionRefusedError``,
    ``socket.gaierror``, ``TimeoutError``), which python-socks wraps in one class of its own."""
    cause = exc.__cause__
    kind = type(cause) if isinstance(cause, OSError) else OSError
    what = (cause.strerror or str(cause)) if isinstance(cause, OSError) else str(exc)
    return kind(exc.errno, f"could not connect to the SOCKS proxy {proxy}: {what}")
