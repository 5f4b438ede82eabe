"""SOCKS proxies on loopback: microsocks (SOCKS5, from Debian) and a small SOCKS4/4a server.

microsocks comes from Debian (``apt-get install microsocks``; ``./scripts/test`` installs it). It
listens on 127.0.0.1 only, on a free port, and with ``auth`` demands SOCKS5 username/password. It
logs each connection it makes for a client (``client[N] 127.0.0.1: connected to <host>:<port>``,
the host as the client sent it: a name or an address), which tells what resolved the name and how
many connections went through it.

microsocks speaks SOCKS5 only, and no SOCKS4 server is packaged for Debian: :class:`Socks4Server`
is written here, enough of SOCKS4 and its 4a extension (RFC-less, from the protocol's own text) to
relay a connection and record what the client asked for.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pytest

from . import daemons
from .http import ScriptedServer, relay

SOCKS_USER, SOCKS_PASSWORD = "sockuser", "s3cret:with/odd@chars"


@dataclass
class Microsocks(daemons.Daemon):
    """A running microsocks on 127.0.0.1."""

    auth: tuple[str, str] | None = None

    def url(self, scheme: str = "socks5", userinfo: str | None = None) -> str:
        """``<scheme>://127.0.0.1:<port>``, with ``userinfo@`` if given."""
        return f"{scheme}://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"

    def connected_to(self) -> list[str]:
        """The ``host:port`` of every connection it made for a client so far, in order."""
        log = (self.folder / "stderr.txt").read_text(errors="replace")
        return [line.rpartition("connected to ")[2] for line in log.splitlines() if "connected to " in line]


def start_microsocks(folder: Path, auth: tuple[str, str] | None = None) -> Microsocks:
    """Start microsocks with its log in ``folder``; ``DaemonError`` if it does not come up."""

    def configure(port: int) -> list[str]:
        credentials = ["-u", auth[0], "-P", auth[1]] if auth is not None else []
        return ["-i", "127.0.0.1", "-p", str(port), *credentials]

    proxy = daemons.start(Microsocks, "microsocks", folder, configure)
    proxy.auth = auth
    return proxy


@pytest.fixture
def microsocks_factory(tmp_path: Path) -> Iterator[Callable[..., Microsocks]]:
    """``start(auth=None)`` starts a microsocks; all are stopped afterwards."""
    with daemons.started_in(tmp_path, start_microsocks) as start:
        yield start


@pytest.fixture
def microsocks(microsocks_factory: Callable[..., Microsocks]) -> Microsocks:
    """An open microsocks."""
    return microsocks_factory()


@pytest.fixture
def microsocks_auth(microsocks_factory: Callable[..., Microsocks]) -> Microsocks:
    """A microsocks that demands ``SOCKS_USER`` and ``SOCKS_PASSWORD``."""
    return microsocks_factory(auth=(SOCKS_USER, SOCKS_PASSWORD))


@dataclass
class Socks4Request:
    """What a SOCKS4 client asked for: the address, or with 4a the name, its port and user id."""

    host: str
    port: int
    user_id: str


@dataclass
class Socks4Server:
    """A SOCKS4/4a proxy on 127.0.0.1 that records each request and relays the connection.

    A user id other than ``user_id`` (when set) is refused with reply 0x5D, as identd-less servers do.
    """

    user_id: str | None = None
    seen: list[Socks4Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server = ScriptedServer(self._serve)

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, scheme: str = "socks4", userinfo: str | None = None) -> str:
        return f"{scheme}://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"

    def _serve(self, sock: socket.socket, number: int) -> None:
        reader: BinaryIO = sock.makefile("rb")
        version, command, port_high, port_low = reader.read(4)
        address = ipaddress.IPv4Address(reader.read(4))
        user_id = _until_nul(reader).decode()
        host = str(address)
        if version != 4 or command != 1:
            return
        if int(address) < 256:  # 0.0.0.x: SOCKS4a, the name follows
            host = _until_nul(reader).decode()
        port = port_high << 8 | port_low
        self.seen.append(Socks4Request(host, port, user_id))
        if self.user_id is not None and user_id != self.user_id:
            sock.sendall(b"\x00\x5d" + bytes(6))
            return
        upstream = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"\x00\x5a" + bytes(6))
        relay(sock, upstream)

    def stop(self) -> None:
        self.server.stop()


def _until_nul(reader: BinaryIO) -> bytes:
    data = b""
    while (byte := reader.read(1)) not in (b"\x00", b""):
        data += byte
    return data


@pytest.fixture
def socks4_server() -> Iterator[Socks4Server]:
    """An open :class:`Socks4Server`."""
    server = Socks4Server()
    server.server.start()
    yield server
    server.stop()
