"""Loopback proxy servers for the tests: real tinyproxy instances, and a clean proxy environment.

tinyproxy comes from Debian (``apt-get install tinyproxy``; ``.ci/run`` installs it). Each instance
gets its own config in a temporary folder: it listens on 127.0.0.1 only, on a free port, allows only
127.0.0.1 as a client, permits ``CONNECT`` only to the ports given, and with ``basic_auth`` demands
``Proxy-Authorization: Basic`` (answering ``407`` without it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import daemons
from .http import LoopbackHTTPServer

PROXY_USER, PROXY_PASSWORD = "proxyuser", "proxy-pass"


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """``monkeypatch``, after removing every ``*_proxy`` variable and ``REQUEST_METHOD``."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    return monkeypatch


@dataclass
class Tinyproxy(daemons.Daemon):
    """A running tinyproxy on 127.0.0.1."""

    basic_auth: tuple[str, str] | None = None

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, userinfo: str | None = None) -> str:
        """``http://127.0.0.1:<port>``, with ``userinfo@`` if given."""
        return f"http://{userinfo + '@' if userinfo else ''}{self.hostport}"

    def log(self) -> str:
        """tinyproxy's log so far (it writes one line per event, unbuffered)."""
        return (self.folder / "tinyproxy.log").read_text(errors="replace")


def _config(port: int, folder: Path, connect_ports: Iterable[int], basic_auth: tuple[str, str] | None) -> str:
    lines = [
        f"Port {port}",
        "Listen 127.0.0.1",
        "Timeout 30",
        "Allow 127.0.0.1",
        f'LogFile "{folder / "tinyproxy.log"}"',
        "LogLevel Info",
        "MaxClients 50",
        'ViaProxyName "tinyproxy"',
        # Without a ConnectPort line tinyproxy would tunnel to any port.
        *(f"ConnectPort {p}" for p in connect_ports or [9]),
    ]
    if basic_auth is not None:
        lines.append(f"BasicAuth {basic_auth[0]} {basic_auth[1]}")
    return "\n".join(lines) + "\n"


def start_tinyproxy(
    folder: Path, connect_ports: Iterable[int] = (), basic_auth: tuple[str, str] | None = None
) -> Tinyproxy:
    """Start tinyproxy with its config and log in ``folder``; ``DaemonError`` if it does not come up."""
    connect_ports = list(connect_ports)

    def configure(port: int) -> list[str]:
        (folder / "tinyproxy.conf").write_text(_config(port, folder, connect_ports, basic_auth))
        return ["-d", "-c", str(folder / "tinyproxy.conf")]

    proxy = daemons.start(Tinyproxy, "tinyproxy", folder, configure, logs=["tinyproxy.log"])
    proxy.basic_auth = basic_auth
    return proxy


@pytest.fixture
def tinyproxy_factory(tmp_path: Path) -> Iterator[Callable[..., Tinyproxy]]:
    """``start(connect_ports=(), basic_auth=None)`` starts a tinyproxy; all are stopped afterwards."""
    with daemons.started_in(tmp_path, start_tinyproxy) as start:
        yield start


@pytest.fixture
def tinyproxy(tinyproxy_factory: Callable[..., Tinyproxy], https_server: LoopbackHTTPServer) -> Tinyproxy:
    """An open tinyproxy that tunnels (``CONNECT``) to ``https_server``'s port only."""
    return tinyproxy_factory(connect_ports=[https_server.port])


@pytest.fixture
def tinyproxy_auth(
    tinyproxy_factory: Callable[..., Tinyproxy], https_server: LoopbackHTTPServer
) -> Tinyproxy:
    """A tinyproxy that demands Basic auth (``PROXY_USER``, ``PROXY_PASSWORD``); tunnels as ``tinyproxy``."""
    return tinyproxy_factory(connect_ports=[https_server.port], basic_auth=(PROXY_USER, PROXY_PASSWORD))
