"""FTPHandler against pyftpdlib: logins, paths, transfer types, listings, headers, streaming."""

from __future__ import annotations

import ftplib
import gc
import hashlib
import socket
from typing import Any

import pytest

import urlplug
from tests.servers.ftp import BIG_SIZE, PASSWORD, TREE, USER, PyFTPServer, ftp_url, wait_for
from urlplug import URLError
from urlplug_ftp import FTPConnection, FTPHandler

TIMEOUT = 10


@pytest.fixture
def opener() -> urlplug.OpenerDirector:
    return urlplug.build_opener(FTPHandler, plugins=())


def fetch(opener: urlplug.OpenerDirector, url: str) -> bytes:
    with opener.open(url, timeout=TIMEOUT) as resp:
        return resp.read()  # type: ignore[no-any-return]


# --- logins --------------------------------------------------------------------------------------


def test_anonymous_login_without_user_info(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftp_server.logins == ["anonymous"]


def test_user_and_password_are_percent_decoded(opener: Any, ftp_server: PyFTPServer) -> None:
    url = ftp_server.url("/secret.txt", user=USER, password=PASSWORD)
    assert "%40" in url and "%3A" in url and "%2F" in url
    assert fetch(opener, url) == TREE["alice/secret.txt"]
    assert ftp_server.logins == [USER]


def test_wrong_password_raises_urlerror_with_the_server_reply(opener: Any, ftp_server: PyFTPServer) -> None:
    with pytest.raises(URLError) as caught:
        opener.open(ftp_server.url("/secret.txt", user=USER, password="nope"), timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ftplib.error_perm)
    assert str(caught.value.reason).startswith("530")


# --- files, directories and transfer types -------------------------------------------------------


def test_file_is_transferred_in_binary_by_default(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/notes.txt")) == TREE["public/notes.txt"]
    assert ftp_server.sent("TYPE") == ["I"]
    assert ftp_server.sent("RETR") == ["notes.txt"]


def test_type_a_transfers_in_ascii(opener: Any, ftp_server: PyFTPServer) -> None:
    body = fetch(opener, ftp_server.url("/notes.txt;type=a"))
    assert body == TREE["public/notes.txt"].replace(b"\n", b"\r\n")
    assert ftp_server.sent("TYPE") == ["A"]


def test_transfer_is_passive(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    assert ftp_server.sent("PASV") == [""]
    assert ftp_server.sent("PORT") == []


def test_file_in_nested_directories_changes_directory_once(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/docs/sub/deep.bin")) == TREE["public/docs/sub/deep.bin"]
    assert ftp_server.sent("CWD") == ["docs/sub"]


def test_percent_encoded_file_name_is_decoded(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/name%20with%20space.txt")) == TREE["public/name with space.txt"]


def test_empty_file_gives_empty_body(opener: Any, ftp_server: PyFTPServer) -> None:
    assert fetch(opener, ftp_server.url("/empty.bin")) == b""


def test_missing_file_raises_urlerror_with_550(opener: Any, ftp_server: PyFTPServer) -> None:
    with pytest.raises(URLError) as caught:
        opener.open(ftp_server.url("/nothing-here.txt"), timeout=TIMEOUT)
    assert str(caught.value.reason).startswith("550")


def test_path_ending_in_slash_lists_the_directory(opener: Any, ftp_server: PyFTPServer) -> None:
    listing = fetch(opener, ftp_server.url("/docs/"))
    assert b"guide.txt" in listing and b"sub" in listing
    assert ftp_server.sent("RETR") == []


def test_directory_named_without_slash_is_listed(opener: Any, ftp_server: PyFTPServer) -> None:
    listing = fetch(opener, ftp_server.url("/docs"))
    assert b"guide.txt" in listing


def test_type_d_lists_even_a_file_name(opener: Any, ftp_server: PyFTPServer) -> None:
    listing = fetch(opener, ftp_server.url("/readme.txt;type=d"))
    assert b"readme.txt" in listing
    assert ftp_server.sent("RETR") == []
    assert ftp_server.sent("LIST") == ["readme.txt"]


def test_listing_can_be_iterated_by_line(opener: Any, ftp_server: PyFTPServer) -> None:
    with opener.open(ftp_server.url("/"), timeout=TIMEOUT) as resp:
        lines = list(resp)
    assert (
        len(lines) == len([name for name in TREE if name.count("/") == 1 and name.startswith("public/")]) + 1
    )
    assert all(line.endswith(b"\r\n") for line in lines)


# --- the response --------------------------------------------------------------------------------


def test_response_reports_url_and_headers(opener: Any, ftp_server: PyFTPServer) -> None:
    url = ftp_server.url("/readme.txt")
    with opener.open(url, timeout=TIMEOUT) as resp:
        assert resp.geturl() == url
        assert resp.getcode() is None
        assert resp.info()["Content-type"] == "text/plain"


def test_content_length_is_absent_when_the_server_does_not_announce_it(
    opener: Any, ftp_server: PyFTPServer
) -> None:
    with opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT) as resp:
        assert resp.info()["Content-length"] is None
    assert ftp_server.sent("SIZE") == []


def test_ask_size_gives_content_length(ftp_server: PyFTPServer) -> None:
    handler = FTPHandler()
    handler.ask_size = True
    opener = urlplug.build_opener(handler, plugins=())
    with opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT) as resp:
        assert resp.info()["Content-length"] == str(BIG_SIZE)
        assert len(resp.read()) == BIG_SIZE


def test_large_file_streams_in_chunks(opener: Any, ftp_server: PyFTPServer) -> None:
    digest = hashlib.sha256()
    chunks = 0
    with opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT) as resp:
        while chunk := resp.read(64 * 1024):
            assert len(chunk) <= 64 * 1024
            digest.update(chunk)
            chunks += 1
    assert chunks == BIG_SIZE // (64 * 1024)
    assert digest.digest() == hashlib.sha256(TREE["public/big.bin"]).digest()


def test_readinto_fills_a_buffer(opener: Any, ftp_server: PyFTPServer) -> None:
    buffer = bytearray(5)
    with opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT) as resp:
        assert resp.readinto(buffer) == 5
    assert bytes(buffer) == TREE["public/readme.txt"][:5]


def test_reading_after_close_fails(opener: Any, ftp_server: PyFTPServer) -> None:
    resp = opener.open(ftp_server.url("/readme.txt"), timeout=TIMEOUT)
    resp.close()
    with pytest.raises(ValueError):
        resp.read()


def test_control_connection_closes_after_the_transfer(opener: Any, ftp_server: PyFTPServer) -> None:
    fetch(opener, ftp_server.url("/readme.txt"))
    assert wait_for(lambda: ftp_server.open_sessions == 0)


def test_closing_early_ends_the_session(opener: Any, ftp_server: PyFTPServer) -> None:
    resp = opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT)
    assert len(resp.read(1000)) == 1000
    resp.close()
    assert resp.closed
    assert wait_for(lambda: ftp_server.open_sessions == 0)
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]


def test_response_dropped_without_close_releases_its_connections(
    opener: Any, ftp_server: PyFTPServer
) -> None:
    resp = opener.open(ftp_server.url("/big.bin"), timeout=TIMEOUT)
    resp.read(1000)
    del resp
    gc.collect()
    assert wait_for(lambda: ftp_server.open_sessions == 0)


def test_ipv6_server_is_reached_with_epsv(opener: Any, ftp_server_ipv6: PyFTPServer) -> None:
    assert fetch(opener, ftp_server_ipv6.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftp_server_ipv6.sent("EPSV") == [""]


# --- bad input is refused before anything is sent ------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/a%0D%0ADELE%20readme.txt", "/docs%0A/readme.txt", "/read%00me.txt"],
    ids=["crlf-in-file", "lf-in-directory", "nul"],
)
def test_control_characters_in_the_path_are_refused(opener: Any, ftp_server: PyFTPServer, path: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        opener.open(ftp_server.url(path), timeout=TIMEOUT)
    assert ftp_server.connections == 0


@pytest.mark.parametrize(("user", "password"), [("ali\r\nce", "x"), (USER, "pw\r\nDELE readme.txt")])
def test_control_characters_in_user_or_password_are_refused(
    opener: Any, ftp_server: PyFTPServer, user: str, password: str
) -> None:
    with pytest.raises(ValueError, match="control character"):
        opener.open(ftp_server.url("/secret.txt", user=user, password=password), timeout=TIMEOUT)
    assert ftp_server.connections == 0


def test_invalid_port_is_refused(opener: Any) -> None:
    with pytest.raises(ValueError, match="port"):
        opener.open("ftp://127.0.0.1:99999/x", timeout=TIMEOUT)


def test_missing_host_raises_urlerror(opener: Any) -> None:
    with pytest.raises(URLError, match="no host"):
        opener.open("ftp:///readme.txt", timeout=TIMEOUT)


def test_refused_connection_raises_urlerror_with_the_os_error(opener: Any) -> None:
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(URLError) as caught:
        opener.open(f"ftp://127.0.0.1:{port}/x", timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ConnectionRefusedError)


# --- the chain: default opener, overrides, file: hand-over ---------------------------------------


def test_default_opener_opens_ftp(ftp_server: PyFTPServer) -> None:
    opener = urlplug.build_opener()
    assert any(isinstance(h, FTPHandler) for h in opener.handlers)
    assert fetch(opener, ftp_server.url("/readme.txt")) == TREE["public/readme.txt"]


def test_connect_ftp_is_the_override_point(ftp_server: PyFTPServer) -> None:
    calls: list[tuple[Any, ...]] = []

    class Recording(FTPHandler):
        # urllib2's six-argument signature, as code written for it overrides the method
        def connect_ftp(  # type: ignore[override]
            self, user: str, passwd: str, host: str, port: int, dirs: list[str], timeout: Any
        ) -> Any:
            calls.append((user, passwd, host, port, dirs, timeout))
            return FTPConnection(user, passwd, host, port, dirs, timeout)

    opener = urlplug.build_opener(Recording, plugins=())
    url = ftp_url("localhost", ftp_server.port, "/secret.txt", USER, PASSWORD, "ftp")
    assert fetch(opener, url) == TREE["alice/secret.txt"]
    # As urllib2: connect_ftp is given the resolved address for ftp: (ftps: keeps the name for TLS).
    assert calls == [(USER, PASSWORD, socket.gethostbyname("localhost"), ftp_server.port, [], TIMEOUT)]


def test_a_name_that_does_not_resolve_is_a_url_error() -> None:
    opener = urlplug.build_opener(FTPHandler, plugins=())
    with pytest.raises(urlplug.URLError) as caught:
        fetch(opener, "ftp://no-such-host.invalid/x")
    assert isinstance(caught.value.reason, socket.gaierror)


def test_remote_file_url_never_reaches_the_ftp_server(ftp_server: PyFTPServer) -> None:
    pytest.importorskip("urlplug_file")
    url = f"file://127.0.0.1:{ftp_server.port}/docs/guide.txt"
    with pytest.raises(urlplug.URLError, match="file not on local host"):
        fetch(urlplug.build_opener(), url)
    assert ftp_server.connections == 0
