"""CacheFTPHandler: logins reused (counted by the server), expiry, limits, aborts, threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.ftp import PASSWORD, TREE, USER, PyFTPServer, ScriptedFile, ScriptedFTPServer, wait_for
from urlplug_ftp import CacheFTPHandler, FTPHandler

TIMEOUT = 10


@pytest.fixture
def cache() -> CacheFTPHandler:
    return CacheFTPHandler()


@pytest.fixture
def opener(cache: CacheFTPHandler) -> Any:
    opener = urlplug.build_opener(cache, plugins=())
    yield opener
    opener.close()


def fetch(opener: Any, url: str) -> bytes:
    with opener.open(url, timeout=TIMEOUT) as resp:
        return resp.read()  # type: ignore[no-any-return]


def test_files_of_one_directory_share_one_login(opener: Any, ftp_server: PyFTPServer) -> None:
    for name in ("readme.txt", "notes.txt", "empty.bin", "readme.txt"):
        assert fetch(opener, ftp_server.url(f"/{name}")) == TREE[f"public/{name}"]
    assert ftp_server.logins == ["anonymous"]
    assert ftp_server.connections == 1


def test_plain_ftp_handler_logs_in_for_every_file(ftp_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(FTPHandler, plugins=())
    for _ in range(3):
        fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.logins == ["anonymous"] * 3


def test_reused_connection_sends_type_only_once(opener: Any, ftp_server: PyFTPServer) -> None:
    for _ in range(3):
        fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.sent("TYPE") == ["I"]


def test_switching_transfer_type_on_a_reused_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/notes.txt")) == TREE["public/notes.txt"]
    assert b"\r\n" in fetch(opener, ftp_server.url("/notes.txt;type=a"))
    assert fetch(opener, ftp_server.url("/notes.txt")) == TREE["public/notes.txt"]
    assert ftp_server.sent("TYPE") == ["I", "A", "I"]
    assert ftp_server.connections == 1


def test_ask_size_applies_to_cached_connections(
    cache: CacheFTPHandler, opener: Any, ftp_server: PyFTPServer
) -> None:
    cache.ask_size = True
    for name in ("readme.txt", "notes.txt"):
        with opener.open(ftp_server.url(f"/{name}"), timeout=TIMEOUT) as resp:
            assert resp.info()["Content-length"] == str(len(TREE[f"public/{name}"]))
    assert ftp_server.sent("SIZE") == ["readme.txt", "notes.txt"]


def test_each_directory_gets_its_own_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/docs/guide.txt"))
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/docs/guide.txt"))
    assert ftp_server.connections == 2


def test_another_user_gets_another_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/secret.txt", user=USER, password=PASSWORD))
    assert ftp_server.logins == ["anonymous", USER]


def test_a_wrong_password_never_rides_on_a_cached_login(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/secret.txt", user=USER, password=PASSWORD))
    with pytest.raises(urlplug.URLError) as caught:
        opener.open(ftp_server.url("/secret.txt", user=USER, password="guess"), timeout=TIMEOUT)
    assert str(caught.value.reason).startswith("530")


def test_a_different_timeout_gets_another_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT).close()
    opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT + 1).close()
    assert ftp_server.connections == 2


def test_closing_early_aborts_and_keeps_the_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    with opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT) as resp:
        assert resp.read(1000) == TREE["public/big.bin"][:1000]
    assert ftp_server.sent("ABOR") == [""]
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftp_server.connections == 1


def test_closing_before_reading_anything_keeps_the_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT).close()
    assert fetch(opener, ftp_server.url("/notes.txt")) == TREE["public/notes.txt"]
    assert ftp_server.connections == 1


def test_refused_file_keeps_the_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    with pytest.raises(urlplug.URLError):
        opener.open(ftp_server.url("/missing.txt"), timeout=TIMEOUT)
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftp_server.connections == 1


def test_listing_a_subdirectory_returns_to_the_cached_directory(opener: Any, ftp_server: PyFTPServer) -> None:
    assert b"sub" in fetch(opener, ftp_server.url("/docs"))
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftp_server.connections == 1


def test_set_max_conns_bounds_the_idle_connections(
    cache: CacheFTPHandler, opener: Any, ftp_server: PyFTPServer
) -> None:
    cache.setMaxConns(1)
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/docs/guide.txt"))
    assert wait_for(lambda: ftp_server.open_sessions == 1)
    fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.connections == 3


def test_set_timeout_expires_idle_connections(
    cache: CacheFTPHandler, opener: Any, ftp_server: PyFTPServer
) -> None:
    cache.setTimeout(0)
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.connections == 2
    assert wait_for(lambda: ftp_server.open_sessions == 0)


def test_clear_cache_closes_idle_connections(
    cache: CacheFTPHandler, opener: Any, ftp_server: PyFTPServer
) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    fetch(opener, ftp_server.url("/docs/guide.txt"))
    assert ftp_server.open_sessions == 2
    cache.clear_cache()
    assert wait_for(lambda: ftp_server.open_sessions == 0)
    fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.connections == 3


def test_closing_the_opener_closes_the_cache(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    opener.close()
    assert wait_for(lambda: ftp_server.open_sessions == 0)


def test_a_transfer_ending_after_close_does_not_refill_the_cache(
    opener: Any, ftp_server: PyFTPServer
) -> None:
    resp = opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT)
    opener.close()
    assert resp.read() == TREE["public/readme.txt"]
    resp.close()
    assert wait_for(lambda: ftp_server.open_sessions == 0)


def test_a_connection_the_server_dropped_is_replaced(
    opener: Any, scripted_ftp: Callable[..., ScriptedFTPServer]
) -> None:
    server = scripted_ftp(files={"a.txt": ScriptedFile(b"aaa")}, hang_up=True)
    assert fetch(opener, server.url("/a.txt")) == b"aaa"
    assert fetch(opener, server.url("/a.txt")) == b"aaa"
    assert server.connections == 2


def test_concurrent_requests_each_get_a_connection(opener: Any, ftp_server: PyFTPServer) -> None:
    names = ["readme.txt", "docs/guide.txt", "notes.txt", "docs/sub/deep.bin"] * 5
    failures: list[BaseException] = []

    def worker(part: list[str]) -> None:
        try:
            for name in part:
                assert fetch(opener, ftp_server.url(f"/{name}")) == TREE[f"public/{name}"]
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(names[i:] + names[:i],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert failures == []
    # 80 files from 3 directories: at most one login per thread and directory, not one per file.
    assert len(ftp_server.logins) <= 4 * 3


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_does_not_share_the_parents_connections(
    opener: Any, cache: CacheFTPHandler, ftp_server: PyFTPServer
) -> None:
    import os

    url = ftp_server.url("/readme.txt")
    assert fetch(opener, url) == TREE["public/readme.txt"]
    assert len(cache._idle) == 1
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports how many idle connections it kept, and leaves at once
        os.write(write_end, str(len(cache._idle)).encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as report:
        assert report.read() == b"0"
    assert len(cache._idle) == 1
    assert fetch(opener, url) == TREE["public/readme.txt"]
    assert ftp_server.connections == 1
