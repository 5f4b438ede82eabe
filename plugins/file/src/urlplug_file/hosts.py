"""``LocalHosts``: whether a ``file:`` URL's host is this machine, without letting DNS stall a request."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]
"""A function with ``socket.getaddrinfo``'s signature and results."""


def _parse_address(text: str) -> _Address | None:
    """The IP address ``text`` spells (IPv4-mapped IPv6 read as IPv4), or ``None`` for a name."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class _Lookup:
    """One name being resolved in the background: its addresses and canonical name once done."""

    __slots__ = ("_done", "_overran", "addresses", "canonical", "started")

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.addresses: frozenset[_Address] = frozenset()
        self.canonical = ""
        self._done = threading.Event()
        self._overran = False

    def finish(self, infos: Sequence[tuple[Any, ...]]) -> None:
        """Record what the resolver returned and wake the requests waiting for it."""
        found = (_parse_address(str(info[4][0]).partition("%")[0]) for info in infos if info[4])
        self.addresses = frozenset(address for address in found if address is not None)
        self.canonical = str(infos[0][3]).rstrip(".").lower() if infos and infos[0][3] else ""
        self._done.set()

    @property
    def done(self) -> bool:
        """Whether the resolver has answered (or failed)."""
        return self._done.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the answer; once a wait has run out, later ones do not wait."""
        done = self._done.wait(0 if self._overran else timeout)
        self._overran = not done
        return done


class LocalHosts:
    """Decides whether a host named in a ``file:`` URL is this machine.

    ``localhost``, loopback addresses and this machine's host name are local without any lookup.
    Any other name is resolved once, in a background thread, and the answer is kept for ``ttl``
    seconds (at most ``max_entries`` answers); the name is local when it resolves to a loopback
    address or to an address of this machine's host name. A request waits at most ``timeout``
    seconds for a lookup and counts the name as remote when it is not answered by then; a lookup
    that has already overrun is not waited for again, and no more than ``max_pending`` lookups run
    at once, so a slow or dead DNS server cannot pile up delays or threads.
    """

    def __init__(
        self,
        resolve: Resolver = socket.getaddrinfo,
        timeout: float = 1.0,
        ttl: float = 300.0,
        max_entries: int = 256,
        max_pending: int = 8,
    ) -> None:
        self.timeout = timeout
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_pending = max_pending
        self._resolve = resolve
        self._lock = threading.Lock()
        self._lookups: OrderedDict[str, _Lookup] = OrderedDict()
        self._pending = 0

    def is_local(self, host: str) -> bool:
        """Whether ``host`` (a bare name or IP address, no port or brackets) is this machine."""
        name = host.rstrip(".").lower()
        if name in ("", "localhost"):
            return True
        address = _parse_address(name)
        if address is not None and address.is_loopback:
            return True
        own_name = socket.gethostname().lower()
        if name == own_name:
            return True
        # Both lookups run at once; the request waits for them together at most ``timeout``.
        deadline = time.monotonic() + self.timeout
        own = self._lookup(own_name)
        found = self._lookup(name) if address is None else None
        if own is None or not own.wait(self.timeout):
            return False
        if address is not None:
            return address in own.addresses
        if name == own.canonical:
            return True
        if found is None or not found.wait(max(0.0, deadline - time.monotonic())):
            return False
        return any(a.is_loopback or a in own.addresses for a in found.addresses)

    def clear(self) -> None:
        """Forget every cached answer (lookups still running finish unobserved)."""
        with self._lock:
            self._lookups.clear()

    def _lookup(self, name: str) -> _Lookup | None:
        """The cached or newly started lookup of ``name``; ``None`` when too many are running."""
        with self._lock:
            lookup = self._lookups.get(name)
            if lookup is not None and not (lookup.done and time.monotonic() - lookup.started >= self.ttl):
                self._lookups.move_to_end(name)
                return lookup
            if self._pending >= self.max_pending:
                return None
            lookup = self._lookups[name] = _Lookup()
            while len(self._lookups) > self.max_entries:
                self._lookups.popitem(last=False)
            self._pending += 1
        threading.Thread(
            target=self._run, args=(name, lookup), name=f"urlplug-file lookup {name}", daemon=True
        ).start()
        return lookup

    def _run(self, name: str, lookup: _Lookup) -> None:
        try:
            infos = self._resolve(name, None, type=socket.SOCK_STREAM, flags=socket.AI_CANONNAME)
        except Exception:  # any failure to resolve only means "not this machine"
            infos = ()
        with self._lock:
            self._pending -= 1
        lookup.finish(infos)
