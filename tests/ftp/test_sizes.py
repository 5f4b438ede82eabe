"""Announced sizes from a real server that lies about them: malformed SIZE replies, too many bytes."""

from __future__ import annotations

import ftplib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import urlplug
from tests.servers.ftp import TREE, PyFTPServer, wait_for
from urlplug import URLError
from urlplug_ftp import CacheFTPHandler, FTPHandler

TIMEOUT = 10
README = TREE["public/readme.txt"]

Start = Callable[[type], PyFTPServer]


@pytest.fixture
def lying_ftp(ftp_tree: Path) -> Iterator[Start]:
    """``start(overrides)``: pyftpdlib whose handler has the methods of ``overrides``."""
    servers: list[PyFTPServer] = []

    def start(overrides: type) -> PyFTPServer:
        server = PyFTPServer(ftp_tree, overrides=overrides).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def size_replying(reply: str) -> type:
    class SizeReply:
        def ftp_SIZE(self: Any, path: str) -> None:
            self.respond(reply)

    return SizeReply


class AnnouncesFiveBytes:
    """Says the transfer is 5 bytes long in its 150 reply, whatever it then sends."""

    def respond(self: Any, resp: str, *args: Any, **kwargs: Any) -> None:
        if resp.startswith(("125 ", "150 ")):
            resp = "150 Opening BINARY mode data connection (5 bytes)."
        super().respond(resp, *args, **kwargs)  # type: ignore[misc]


def asking_size(handler: FTPHandler) -> urlplug.OpenerDirector:
    handler.ask_size = True
    return urlplug.build_opener(handler, plugins=())


@pytest.mark.parametrize(
    "reply",
    ["213 ²", "213 \u0661\u0665", "213 15 bytes", "213 -15", "213 +15", "213 1.5", "213"],
    ids=["superscript", "arabic-indic", "words", "negative", "plus", "fraction", "empty"],
)
def test_a_size_reply_that_is_no_decimal_number_is_a_url_error(lying_ftp: Start, reply: str) -> None:
    server = lying_ftp(size_replying(reply))
    with pytest.raises(URLError) as caught:
        asking_size(FTPHandler()).open(server.url("/readme.txt"), timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ftplib.error_proto)
    assert repr(reply) in str(caught.value.reason)
    assert server.sent("RETR") == []
    assert wait_for(lambda: server.open_sessions == 0)


def test_a_malformed_size_reply_is_not_kept_in_the_cache(lying_ftp: Start) -> None:
    server = lying_ftp(size_replying("213 ²"))
    opener = asking_size(CacheFTPHandler())
    for _ in range(2):
        with pytest.raises(URLError):
            opener.open(server.url("/readme.txt"), timeout=TIMEOUT)
    assert len(server.logins) == 2
    assert wait_for(lambda: server.open_sessions == 0)


def test_a_well_formed_size_reply_still_gives_the_length(lying_ftp: Start) -> None:
    server = lying_ftp(size_replying(f"213 {len(README)}"))
    with asking_size(FTPHandler()).open(server.url("/readme.txt"), timeout=TIMEOUT) as resp:
        assert resp.headers["Content-length"] == str(len(README))
        assert resp.read() == README


def test_more_bytes_than_size_announced_is_a_url_error(lying_ftp: Start) -> None:
    server = lying_ftp(size_replying("213 5"))
    resp = asking_size(FTPHandler()).open(server.url("/readme.txt"), timeout=TIMEOUT)
    assert resp.headers["Content-length"] == "5"
    with pytest.raises(URLError, match="more than the announced 5 bytes"):
        resp.read()
    with pytest.raises(ValueError):
        resp.read()  # closed: never the rest of a transfer that was not the announced file
    assert wait_for(lambda: server.open_sessions == 0)


def test_more_bytes_than_the_150_reply_announced_is_a_url_error(lying_ftp: Start) -> None:
    server = lying_ftp(AnnouncesFiveBytes)
    opener = urlplug.build_opener(FTPHandler, plugins=())
    with opener.open(server.url("/readme.txt"), timeout=TIMEOUT) as resp:
        assert resp.headers["Content-length"] == "5"
        with pytest.raises(URLError, match="more than the announced 5 bytes"):
            while resp.read(4):
                pass


def test_an_overlong_transfer_does_not_return_its_connection_to_the_cache(lying_ftp: Start) -> None:
    server = lying_ftp(AnnouncesFiveBytes)
    opener = urlplug.build_opener(CacheFTPHandler, plugins=())
    for _ in range(2):
        with (
            opener.open(server.url("/readme.txt"), timeout=TIMEOUT) as resp,
            pytest.raises(URLError, match="more than the announced"),
        ):
            resp.read()
    assert len(server.logins) == 2
