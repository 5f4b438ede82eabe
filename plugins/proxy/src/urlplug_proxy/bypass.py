"""``NoProxy``: the hosts a ``no_proxy`` list sends directly instead of through the proxy.

The list is comma-separated; each entry is one of

- ``*`` — every host;
- a host name (``example.com``, ``.example.com`` or ``*.example.com``) — that name and every name below
  it, on label boundaries (``example.com`` covers ``www.example.com``, not ``badexample.com``);
- an IP address (``127.0.0.1``, ``::1``, ``[::1]``) — that address only;
- a network in CIDR form (``10.0.0.0/8``, ``fd00::/8``) — every address in it;
- any of the last three followed by ``:port`` — only requests to that port.

Names are compared case-insensitively and never resolved: ``localhost`` does not cover ``127.0.0.1``.
Entries that are none of these are ignored, as curl does, so a stray value in the environment does not
break every request.
"""

from __future__ import annotations

import ipaddress

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

__all__ = ["NoProxy", "split_host"]


def split_host(host: str) -> tuple[str, int | None]:
    """Split ``host[:port]`` (IPv6 in brackets, or bare) into a lower-case host and a port or ``None``.

    A trailing dot on a name is dropped (``example.com.`` is ``example.com``). A port that is not a
    number stays part of the host, so it matches nothing.
    """
    host = host.strip().lower()
    port: int | None = None
    if host.startswith("["):
        inside, bracket, rest = host[1:].partition("]")
        if bracket and (not rest or (rest[0] == ":" and rest[1:].isdigit())):
            return inside, int(rest[1:]) if rest else None
        return host, None
    if host.count(":") == 1:
        name, _, digits = host.partition(":")
        if digits.isdigit():
            host, port = name, int(digits)
    return host.rstrip("."), port


def _address(host: str) -> _IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _parse_entry(entry: str) -> tuple[str | _IPNetwork, int | None] | None:
    """One entry as (name suffix or network, port or ``None``); ``None`` for an entry that is neither."""
    if "/" in entry:
        base, _, prefix = entry.partition("/")
        host, port = split_host(base)
        try:
            return ipaddress.ip_network(f"{host}/{prefix}", strict=False), port
        except ValueError:
            return None
    host, port = split_host(entry)
    address = _address(host)
    if address is not None:
        return ipaddress.ip_network(address), port
    name = host.removeprefix("*").lstrip(".")
    if not name or any(c in name for c in "*/[] "):
        return None
    return name, port


class NoProxy:
    """A parsed ``no_proxy`` list; :meth:`matches` says whether a host bypasses the proxy.

    Parsing happens once, here; matching a host costs a few comparisons per entry.
    """

    def __init__(self, spec: str | None) -> None:
        self.spec = spec or ""
        entries = [entry.strip() for entry in self.spec.split(",")]
        self.everything = "*" in entries
        self._names: list[tuple[str, int | None]] = []
        self._networks: list[tuple[_IPNetwork, int | None]] = []
        for entry in entries:
            parsed = _parse_entry(entry) if entry and entry != "*" else None
            if parsed is None:
                continue
            target, port = parsed
            if isinstance(target, str):
                self._names.append((target, port))
            else:
                self._networks.append((target, port))

    def __bool__(self) -> bool:
        return self.everything or bool(self._names or self._networks)

    def matches(self, host: str, default_port: int | None = None) -> bool:
        """Whether a request to ``host`` (``name``, ``name:port``, ``[v6]:port``) goes direct.

        ``default_port`` is the port of the URL's scheme, used for entries with a port when
        ``host`` names none.
        """
        if self.everything:
            return True
        name, port = split_host(host)
        if port is None:
            port = default_port
        address = _address(name)
        if address is not None:
            return any(address in network and wanted in (None, port) for network, wanted in self._networks)
        return any(
            (name == suffix or name.endswith("." + suffix)) and wanted in (None, port)
            for suffix, wanted in self._names
        )

    def __repr__(self) -> str:
        return f"NoProxy({self.spec!r})"
