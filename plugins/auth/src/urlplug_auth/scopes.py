"""Where credentials may go: a URI reduced to scheme, host, port and path, and the rule for covering.

A registered URI covers a request URI when both name the same host and port, the same scheme if both
give one, and the request path lies at or below the registered path on a segment boundary: ``/a`` covers
``/a`` and ``/a/b`` but not ``/ab``.

Ports are compared as ``urllib.request``'s ``reduce_uri`` and ``is_suburi`` compare them: a URI stands
for its authority as written and, when it has a scheme, with the scheme's default port filled in; two
URIs match when one of these forms is the same. So ``http://host`` and ``http://host:80`` match, a bare
``host`` (no scheme: any scheme) matches ``http://host`` but not ``http://host:80`` or ``host:80``, and a
bare ``host`` asked about matches nothing registered with a port: without a scheme no default port can
be guessed.
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
    port: int | None  # the default port filled in; None only for a bare authority without a port
    path: str
    port_given: bool = True  # whether the URI wrote its port

    def covers(self, other: Scope) -> bool:
        """Whether a request to ``other`` lies inside this scope."""
        if self.host != other.host:
            return False
        if self.scheme is not None and other.scheme is not None and self.scheme != other.scheme:
            return False
        if not self._ports() & other._ports():
            return False
        base = self.path
        return other.path == base or other.path.startswith(base if base.endswith("/") else base + "/")

    def _ports(self) -> set[int | None]:
        """The port as written (``None`` if none was) and with the default filled in."""
        return {self.port if self.port_given else None, self.port}

    def reduced(self) -> tuple[Scope, ...]:
        """``urllib.request``'s reduced forms of this URI, each with one port: the default port filled
        in, then the port as written (a single form when they are the same)."""
        filled = self._replace(port_given=True)
        if self.port_given or self.port is None:
            return (filled,)
        return filled, self._replace(port=None, port_given=True)

    @property
    def origin(self) -> tuple[str | None, str, int | None]:
        """Scheme, host and port: the part of the scope that must match exactly."""
        return self.scheme, self.host, self.port


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
    given = port is not None
    if not given and scheme is not None:
        port = DEFAULT_PORTS.get(scheme)
    return Scope(scheme, host, port, parts.path or "/", given)
