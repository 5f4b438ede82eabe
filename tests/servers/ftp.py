"""Loopback FTP servers for the tests.

``PyFTPServer`` runs pyftpdlib (plain, FTPS or IPv6) in a thread over a small file tree and counts
what clients do: connections, logins, disconnections and every command. ``ScriptedFTPServer`` is
a small FTP server of our own, on plain sockets, that misbehaves on request: a silent banner, a
``PASV``/``EPSV`` reply naming another host, a data connection that stalls or ends early, a
control connection dropped after each transfer.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import trustme

USER = "alice"
PASSWORD = "p@ss:w/rd"  # every character that must be percent-encoded in a URL's user info
BIG_SIZE = 4 * 1024 * 1024

# The tree pyftpdlib serves: anonymous users see public/, alice sees alice/.
TREE: dict[str, bytes] = {
    "public/readme.txt": b"hello from ftp\n",
    "public/notes.txt": b"first line\nsecond line\nthird line\n",
    "public/empty.bin": b"",
    "public/name with space.txt": b"spaced out\n",
    "public/docs/guide.txt": b"the guide\n",
    "public/docs/sub/deep.bin": bytes(range(256)) * 4,
    "public/big.bin": random.Random(4).randbytes(BIG_SIZE),
    "alice/secret.txt": b"for alice only\n",
}


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it holds (servers update their counts in their own thread)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def ftp_url(
    host: str,
    port: int,
    path: str = "/",
    user: str | None = None,
    password: str | None = None,
    scheme: str = "ftp",
) -> str:
    """``scheme://user:password@host:port/path`` with user and password percent-encoded."""
    login = ""
    if user is not None:
        login = quote(user, safe="") + (f":{quote(password, safe='')}" if password is not None else "") + "@"
    name = f"[{host}]" if ":" in host else host
    return f"{scheme}://{login}{name}:{port}{path}"


# --- pyftpdlib ---------------------------------------------------------------------------------


class PyFTPServer:
    """pyftpdlib on loopback in a thread, with counts that show what clients did.

    ``tls_certfile`` makes it an FTPS server that requires TLS on the control and the data
    connections. ``commands`` lists ``(command, argument)`` as the server received them.
    ``overrides`` is a class whose methods replace the pyftpdlib handler's (``ftp_SIZE``,
    ``respond``, …; ``super()`` reaches pyftpdlib's), for a real server that misbehaves in one way.
    """

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        tls_certfile: str | None = None,
        overrides: type | None = None,
    ) -> None:
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.ioloop import IOLoop
        from pyftpdlib.servers import FTPServer

        logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
        self.host = host
        self.tls = tls_certfile is not None
        self.connections = 0
        self.disconnections = 0
        self.logins: list[str] = []
        self.commands: list[tuple[str, str]] = []
        authorizer = DummyAuthorizer()
        authorizer.add_anonymous(str(root / "public"))
        authorizer.add_user(USER, PASSWORD, str(root / "alice"), perm="elr")
        handler = self._handler_class(authorizer, tls_certfile, overrides)
        self._ftpd = FTPServer((host, 0), handler, ioloop=IOLoop())
        self.port: int = self._ftpd.address[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _handler_class(self, authorizer: Any, tls_certfile: str | None, overrides: type | None) -> type:
        from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler

        server = self
        base: Any = FTPHandler if tls_certfile is None else TLS_FTPHandler
        bases = (base,) if overrides is None else (overrides, base)

        class CountingHandler(*bases):  # type: ignore[misc]
            def on_connect(self) -> None:
                server.connections += 1

            def on_disconnect(self) -> None:
                server.disconnections += 1

            def on_login(self, username: str) -> None:
                server.logins.append(username)

            def pre_process_command(self, line: str, cmd: str, arg: str) -> None:
                server.commands.append((cmd, arg))
                super().pre_process_command(line, cmd, arg)

        CountingHandler.authorizer = authorizer
        CountingHandler.auth_failed_timeout = 0  # pyftpdlib waits 3 s before refusing a login
        if tls_certfile is not None:
            CountingHandler.certfile = tls_certfile
            CountingHandler.tls_control_required = True
            CountingHandler.tls_data_required = True
        return CountingHandler

    def _serve(self) -> None:
        while not self._stop.is_set():
            self._ftpd.ioloop.loop(timeout=0.01, blocking=False)
        self._ftpd.close_all()

    def start(self) -> PyFTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def url(self, path: str = "/", user: str | None = None, password: str | None = None) -> str:
        return ftp_url(self.host, self.port, path, user, password, "ftps" if self.tls else "ftp")

    def sent(self, command: str) -> list[str]:
        """The arguments of every ``command`` the server received."""
        return [arg for cmd, arg in self.commands if cmd == command]

    @property
    def open_sessions(self) -> int:
        return self.connections - self.disconnections


@pytest.fixture(scope="session")
def ftp_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files pyftpdlib serves (see ``TREE``)."""
    root = tmp_path_factory.mktemp("ftp")
    for name, data in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.fixture
def ftp_server(ftp_tree: Path) -> Iterator[PyFTPServer]:
    """pyftpdlib on 127.0.0.1: anonymous (``public/``) and ``alice`` (``alice/``)."""
    server = PyFTPServer(ftp_tree).start()
    yield server
    server.stop()


@pytest.fixture
def ftp_server_ipv6(ftp_tree: Path) -> Iterator[PyFTPServer]:
    """pyftpdlib on ::1, where clients use ``EPSV``."""
    server = PyFTPServer(ftp_tree, host="::1").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ftps_certfile(server_cert: trustme.LeafCert, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ftps") / "server.pem"
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def ftps_server(ftp_tree: Path, ftps_certfile: str) -> Iterator[PyFTPServer]:
    """pyftpdlib FTPS on 127.0.0.1 (certificate from ``ca``), TLS required on control and data."""
    server = PyFTPServer(ftp_tree, tls_certfile=ftps_certfile).start()
    yield server
    server.stop()


# --- a scripted server that misbehaves -----------------------------------------------------------


@dataclass
class ScriptedFile:
    """A file of ``ScriptedFTPServer`` and how its transfer goes.

    ``announce`` puts ``(N bytes)`` in the 150 reply; ``send`` is how many bytes actually go
    out (all by default); ``stall`` keeps the data connection open without sending more;
    ``final`` is the reply after the data connection closes; ``drip`` sends the data a byte at
    a time, ``drip`` seconds apart.
    """

    data: bytes
    announce: bool = True
    send: int | None = None
    stall: bool = False
    drip: float = 0.0
    final: str = "226 Transfer complete."


@dataclass
class ScriptedFTPServer:
    """A tiny threaded FTP server on plain sockets that does what the test says.

    ``silent`` never sends the banner. ``passive_host`` is the host its ``PASV`` and ``EPSV``
    replies name; a listener on 127.0.0.2 at the announced port (the trap) counts clients that
    believe it in ``trapped``. ``hang_up`` closes the control connection after each transfer,
    as a server dropping an idle client does. ``sizes`` makes it answer ``SIZE``.
    """

    files: dict[str, ScriptedFile] = field(default_factory=dict)
    host: str = "127.0.0.1"
    silent: bool = False
    passive_host: str | None = None
    hang_up: bool = False
    sizes: bool = False
    connections: int = 0
    trapped: int = 0
    commands: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._listener = socket.create_server((self.host, 0), family=family)
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = [self._listener]
        self._lock = threading.Lock()

    def start(self) -> ScriptedFTPServer:
        self._spawn(self._accept)
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            for sock in self._sockets:
                # shutdown() wakes a thread blocked in accept() or recv(); close() alone does not.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        for thread in self._threads:
            thread.join(5)

    def url(self, path: str = "/") -> str:
        return ftp_url(self.host, self.port, path)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _keep(self, sock: socket.socket) -> socket.socket:
        """Register ``sock`` to be closed by ``stop()``; after ``stop()`` close it at once."""
        with self._lock:
            if not self._stopped.is_set():
                self._sockets.append(sock)
                return sock
        sock.close()
        raise OSError("the scripted server has stopped")

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
                self._keep(conn)
            except OSError:
                return
            self.connections += 1
            self._spawn(self._session, conn)

    def _session(self, conn: socket.socket) -> None:
        try:
            self._converse(conn)
        except OSError:
            pass  # the client hung up: normal in fault tests
        finally:
            conn.close()

    def _converse(self, conn: socket.socket) -> None:
        if self.silent:
            self._stopped.wait()
            return
        reader = conn.makefile("rb")

        def reply(text: str) -> None:
            conn.sendall(text.encode() + b"\r\n")

        reply("220 scripted server ready")
        passive: socket.socket | None = None
        while line := reader.readline():
            command, _, arg = line.decode().strip().partition(" ")
            command = command.upper()
            self.commands.append(f"{command} {arg}".strip())
            if command in ("PASV", "EPSV"):
                passive = self._passive(command, reply)
            elif command == "RETR":
                if not self._retrieve(arg, passive, reply, conn):
                    return
                passive = None
            elif command == "CWD":
                reply("250 ok" if arg == "/" else "550 no such directory")  # it only has files
            elif command == "SIZE" and self.sizes and arg in self.files:
                reply(f"213 {len(self.files[arg].data)}")
            elif command == "QUIT":
                reply("221 bye")
                return
            else:
                reply(_SIMPLE_REPLIES.get(command, "502 not implemented"))

    def _passive(self, command: str, reply: Callable[[str], None]) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        data = self._keep(socket.create_server((self.host, 0), family=family))
        port = data.getsockname()[1]
        self._spawn(self._trap, port)
        named = self.passive_host or self.host
        if command == "PASV":
            reply(f"227 Entering Passive Mode ({named.replace('.', ',')},{port >> 8},{port & 255}).")
        else:
            reply(f"229 Entering Extended Passive Mode (|1|{named}|{port}|)")
        return data

    def _trap(self, port: int) -> None:
        """Listen on 127.0.0.2 at the data port: a client that connects here followed the reply."""
        try:
            trap = self._keep(socket.create_server(("127.0.0.2", port)))
        except OSError:
            return
        with trap:
            trap.settimeout(5)
            try:
                client, _ = trap.accept()
            except OSError:
                return
            self.trapped += 1
            client.close()

    def _retrieve(
        self, name: str, passive: socket.socket | None, reply: Callable[[str], None], conn: socket.socket
    ) -> bool:
        """Run one transfer; return whether the control connection goes on."""
        file = self.files.get(name)
        if file is None:
            reply("550 No such file.")
            return True
        if passive is None:
            reply("425 Use PASV first.")
            return True
        passive.settimeout(5)
        data, _ = passive.accept()
        self._keep(data)
        size = f" ({len(file.data)} bytes)" if file.announce else ""
        reply(f"150 Opening BINARY mode data connection for {name}{size}.")
        sent = file.data[: file.send] if file.send is not None else file.data
        if file.drip:
            for byte in sent:
                data.sendall(bytes([byte]))
                time.sleep(file.drip)
        else:
            data.sendall(sent)
        if file.stall:
            self._stopped.wait()
            return False
        data.close()
        reply(file.final)
        return not self.hang_up


_SIMPLE_REPLIES = {
    "USER": "331 password please",
    "PASS": "230 logged in",
    "TYPE": "200 type set",
    "PWD": '257 "/" is the current directory',
    "NOOP": "200 noop ok",
    "ABOR": "225 no transfer to abort",
    "SIZE": "550 no size",
}


@pytest.fixture
def scripted_ftp() -> Iterator[Callable[..., ScriptedFTPServer]]:
    """A factory of started ``ScriptedFTPServer``s, stopped after the test."""
    servers: list[ScriptedFTPServer] = []

    def start(**options: Any) -> ScriptedFTPServer:
        server = ScriptedFTPServer(**options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
