"""Where credentials may go: a URI reduced to scheme, host, port and path, and the rule for covering.

A registered URI covers a request URI when both name the same host and port (default ports filled
in), the same scheme if both give one, and the request path lies at or below the registered path on a
segment boundary: ``/a`` covers ``/a`` and ``/a/b`` but not ``/ab``.

urllib2 also accepts a bare authority (``"host"``, ``"host:8080"``, ``"[::1]:8080"``) with no scheme. It
matches any scheme; without a port it stands for the default port of whichever scheme is in use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from urlplug.origin import DEFAULT_PORTS


class Scope(NamedTuple):
    """A URI reduced to what decides where credentials may be sent."""

    scheme: str | None  # None for a bare authority
    host: str
    port: int | None  # None only for a bare authority without a port
    path: str

    def covers(self, other: Scope) -> bool:
        """Whether a request to ``other`` lies inside this scope."""
        if self.host != other.host:
            return False
        if self.scheme is not None and other.scheme is not None and self.scheme != other.scheme:
            return False
        if self.port != other.port and not (_default_port(self, other) or _default_port(other, self)):
            return False
        base = self.path
        return other.path == base or other.path.startswith(base if base.endswith("/") else base + "/")

    @property
    def origin(self) -> tuple[str | None, str, int | None]:
        """Scheme, host and port: the part of the scope that must match exactly."""
        return self.scheme, self.host, self.port


def _default_port(bare: Scope, other: Scope) -> bool:
    """Whether ``bare`` has no port (a bare "host") and ``other`` is on its scheme's default port."""
    return bare.port is None and other.scheme is not None and other.port == DEFAULT_PORTS.get(other.scheme)


def scope_of(uri: str) -> Scope:
    """Reduce a URI or a bare authority to a :class:`Scope`. ``ValueError`` if it names no host.

    The path is kept without query or fragment; an empty path is ``/``.
    """
    if not isinstance(uri, str):
        raise TypeError(f"a URI must be a str, not {type(uri).__name__}: {uri!r}")
    return _scope_of(uri)


# Every request looks its URL up a few times (password manager, protection spaces).
@lru_cache(maxsize=512)
def _scope_of(uri: str) -> Scope:
    parts = urlsplit(uri)
    if parts.netloc or "//" in uri:
        scheme: str | None = parts.scheme.lower() or None
    else:
        # "host" or "host:port": urlsplit would read "host:" as a scheme.
        parts = urlsplit("//" + uri)
        scheme = None
    host = parts.hostname
    if not host:
        raise ValueError(f"no host in {uri!r}: expected a URL such as 'http://host/path' or 'host:port'")
    port = parts.port  # ValueError for a port that is not a number in range
    if port is None and scheme is not None:
        port = DEFAULT_PORTS.get(scheme)
    return Scope(scheme, host, port, parts.path or "/")
