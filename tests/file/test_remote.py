"""FileHandler and other hosts: what counts as this machine; any other host is refused.

Name lookups go to a fake resolver (``FakeDNS``), so no test here asks a real DNS server anything.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import urlplug
from urlplug import BaseHandler, OpenerDirector, Request, Response, URLError
from urlplug.response import make_headers
from urlplug_file import FileHandler, LocalHosts

OWN_ADDRESS = "192.0.2.10"
REMOTE_ADDRESS = "198.51.100.7"


class FakeDNS:
    """A resolver with ``socket.getaddrinfo``'s signature over a fixed table; it logs each lookup.

    Names in ``hang`` block until ``release`` is set, like a DNS server that does not answer.
    """

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.hang: set[str] = set()
        self.release = threading.Event()
        self.calls: list[str] = []

    def __call__(
        self, host: str, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> Any:
        self.calls.append(host)
        if host in self.hang:
            self.release.wait()
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        canonical = host if flags & socket.AI_CANONNAME else ""
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, canonical, (self.table[host], 0))]


class FTPRecorder(BaseHandler):
    """A classic ``ftp_open`` that records the requests it is given and answers each one."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def ftp_open(self, req: Request) -> Response:
        self.requests.append(req)
        return Response(io.BytesIO(b"from ftp"), make_headers([]), req.full_url)


@pytest.fixture
def dns() -> Iterator[FakeDNS]:
    dns = FakeDNS(
        {
            socket.gethostname(): OWN_ADDRESS,
            "alias.test": OWN_ADDRESS,
            "loop.test": "127.0.0.2",
            "remote.test": REMOTE_ADDRESS,
        }
    )
    yield dns
    dns.release.set()


@pytest.fixture
def hosts(dns: FakeDNS) -> LocalHosts:
    return LocalHosts(resolve=dns, timeout=10)


@pytest.fixture
def ftp() -> FTPRecorder:
    return FTPRecorder()


@pytest.fixture
def opener(hosts: LocalHosts, ftp: FTPRecorder) -> Iterator[OpenerDirector]:
    """urlplug-file's handlers (the file handler on the fake resolver) and the recording FTP handler."""
    with urlplug.build_opener(FileHandler(hosts), ftp, plugins=("urlplug-file",)) as opener:
        yield opener


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"local")
    return path


def read(opener: OpenerDirector, url: str, **kwargs: Any) -> bytes:
    with opener.open(url, timeout=kwargs.pop("timeout", 5), **kwargs) as response:
        return response.read()  # type: ignore[no-any-return]


# --- other hosts are refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file://remote.test/pub/a%20file.txt",
        "file://localhost:2121/x",  # a port: not a local file
        "file://user@localhost/x",  # user info: not a local file
        "file://198.51.100.7/x",
    ],
)
def test_other_host_is_refused_without_any_connection(
    opener: OpenerDirector, ftp: FTPRecorder, url: str
) -> None:
    with pytest.raises(URLError, match="file not on local host") as caught:
        read(opener, url)
    assert caught.value.reason == "file not on local host"
    assert ftp.requests == []


def test_urlopen_refuses_a_remote_host(
    monkeypatch: pytest.MonkeyPatch, hosts: LocalHosts, ftp: FTPRecorder
) -> None:
    monkeypatch.setattr(FileHandler, "local_hosts", hosts)
    urlplug.install_opener(urlplug.build_opener(ftp, plugins=("urlplug-file",)))
    try:
        with pytest.raises(URLError, match="file not on local host"):
            urlplug.urlopen("file://remote.test/x", timeout=5)
    finally:
        urlplug.install_opener(None)
    assert ftp.requests == []


def test_name_that_resolves_to_this_machine_opens_the_local_file(
    opener: OpenerDirector, text_file: Path, ftp: FTPRecorder
) -> None:
    assert read(opener, f"file://alias.test{text_file}") == b"local"
    assert ftp.requests == []


def test_name_that_resolves_to_loopback_opens_the_local_file(opener: OpenerDirector, text_file: Path) -> None:
    assert read(opener, f"file://loop.test{text_file}") == b"local"


def test_address_of_this_machine_opens_the_local_file(opener: OpenerDirector, text_file: Path) -> None:
    assert read(opener, f"file://{OWN_ADDRESS}{text_file}") == b"local"


def test_unresolvable_name_is_remote(hosts: LocalHosts) -> None:
    assert not hosts.is_local("nowhere.test")


@pytest.mark.parametrize(
    "host", ["", "localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]
)
def test_localhost_and_loopback_are_local_without_a_lookup(
    hosts: LocalHosts, dns: FakeDNS, host: str
) -> None:
    assert hosts.is_local(host)
    assert dns.calls == []


def test_own_host_name_is_local_without_a_lookup(hosts: LocalHosts, dns: FakeDNS) -> None:
    assert hosts.is_local(socket.gethostname().upper())
    assert dns.calls == []


def test_other_address_is_remote_without_looking_it_up(hosts: LocalHosts, dns: FakeDNS) -> None:
    assert not hosts.is_local(REMOTE_ADDRESS)
    assert REMOTE_ADDRESS not in dns.calls


def test_repeated_remote_name_is_looked_up_once(opener: OpenerDirector, dns: FakeDNS) -> None:
    for _ in range(20):
        with pytest.raises(URLError):
            read(opener, "file://remote.test/x")
    assert dns.calls.count("remote.test") == 1
    assert dns.calls.count(socket.gethostname()) == 1


def test_answer_is_looked_up_again_once_expired(dns: FakeDNS) -> None:
    hosts = LocalHosts(resolve=dns, timeout=10, ttl=0)
    hosts.is_local("remote.test")
    hosts.is_local("remote.test")
    assert dns.calls.count("remote.test") == 2


def test_cache_keeps_at_most_max_entries_answers(dns: FakeDNS) -> None:
    hosts = LocalHosts(resolve=dns, timeout=10, max_entries=2)
    for name in ("remote.test", "alias.test", "loop.test", "remote.test"):
        hosts.is_local(name)
    assert dns.calls.count("remote.test") == 2


def test_clear_forgets_the_answers(hosts: LocalHosts, dns: FakeDNS) -> None:
    hosts.is_local("remote.test")
    hosts.clear()
    hosts.is_local("remote.test")
    assert dns.calls.count("remote.test") == 2


def test_unanswered_lookup_counts_as_remote_and_is_not_repeated(dns: FakeDNS) -> None:
    dns.hang.add("slow.test")
    hosts = LocalHosts(resolve=dns, timeout=0.05)
    with urlplug.build_opener(FileHandler(hosts), plugins=("urlplug-file",)) as opener:
        for _ in range(2):
            with pytest.raises(URLError, match="file not on local host"):
                read(opener, "file://slow.test/x")
    assert dns.calls.count("slow.test") == 1


@pytest.mark.timeout(10)
def test_lookup_that_overran_is_not_waited_for_again(dns: FakeDNS) -> None:
    dns.hang.add("slow.test")
    hosts = LocalHosts(resolve=dns, timeout=0.05)
    assert not hosts.is_local("slow.test")
    hosts.timeout = 3600  # a second wait for the same lookup would now outlast the test's timeout
    assert not hosts.is_local("slow.test")


def test_answer_arriving_late_is_used_by_later_requests(dns: FakeDNS) -> None:
    dns.table["slow.test"] = OWN_ADDRESS
    dns.hang.add("slow.test")
    hosts = LocalHosts(resolve=dns, timeout=0.05)
    assert not hosts.is_local("slow.test")
    dns.release.set()
    for thread in lookup_threads("slow.test"):
        thread.join(timeout=5)
    assert hosts.is_local("slow.test")
    assert dns.calls.count("slow.test") == 1


def test_lookups_running_at_once_are_bounded(dns: FakeDNS) -> None:
    names = [f"hung{i}.test" for i in range(5)]
    dns.hang.update(names)
    hosts = LocalHosts(resolve=dns, timeout=0.01, max_pending=2)
    assert not any(hosts.is_local(name) for name in names)
    running = [name for name in names if lookup_threads(name)]
    assert running == names[:2]


@pytest.mark.timeout(10)
def test_resolver_failure_of_any_kind_counts_as_remote() -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise UnicodeError("label too long")

    # A failure that escaped the lookup would leave this waiting until the test times out.
    assert not LocalHosts(resolve=broken, timeout=3600).is_local("x" * 70 + ".test")


def lookup_threads(name: str) -> list[threading.Thread]:
    """The background threads resolving ``name`` (a thread is listed from the moment it starts)."""
    return [t for t in threading.enumerate() if t.name == f"urlplug-file lookup {name}" and t.is_alive()]
