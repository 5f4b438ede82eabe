"""Timeouts over FTP: connect, a silent server, stalled and trickling transfers, kept connections."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

import urlplug
import urlplug_ftp.connection
from tests.servers.ftp import PyFTPServer, ScriptedFile, ScriptedFTPServer
from tests.servers.http import FullListener
from urlplug import Timeout, URLError, URLTimeoutError
from urlplug_ftp import CacheFTPHandler, FTPHandler

DATA = bytes(range(256)) * 4

Scripted = Callable[..., ScriptedFTPServer]


@pytest.fixture
def opener() -> Any:
    return urlplug.build_opener(FTPHandler, plugins=())


@pytest.mark.parametrize("timeout", [0.2, (0.2, 5), Timeout(connect=0.2), Timeout(total=0.2)])
def test_connect_timeout_raises_url_timeout_error(
    opener: Any, full_listener: FullListener, timeout: Any
) -> None:
    with pytest.raises(URLTimeoutError):
        opener.open(full_listener.url("/f.bin", scheme="ftp"), timeout=timeout)


@pytest.mark.parametrize("caught_as", [URLError, TimeoutError])
def test_silent_server_is_caught_as_url_error_and_as_timeout_error(
    opener: Any, scripted_ftp: Scripted, caught_as: type
) -> None:
    server = scripted_ftp(silent=True)
    with pytest.raises(caught_as) as caught:
        opener.open(server.url("/f.bin"), timeout=(5, 0.2))
    assert isinstance(caught.value, URLTimeoutError)
    assert isinstance(caught.value.reason, TimeoutError)


def test_silent_server_runs_out_the_total(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(silent=True)
    with pytest.raises(URLTimeoutError, match=r"total timeout of 0\.2 s ran out"):
        opener.open(server.url("/f.bin"), timeout=Timeout(read=5, total=0.2))


def test_stalled_transfer_raises_url_timeout_error(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=100, stall=True)})
    with opener.open(server.url("/f.bin"), timeout=Timeout(connect=5, read=0.2)) as resp:
        assert resp.read(100) == DATA[:100]
        with pytest.raises(URLTimeoutError):
            resp.read(100)


def test_trickling_transfer_is_cut_off_by_the_total(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA[:10], drip=0.05)})
    resp = opener.open(server.url("/f.bin"), timeout=Timeout(read=5, total=0.25))
    with resp, pytest.raises(URLTimeoutError, match=r"total timeout of 0\.25 s ran out"):
        resp.read()


def test_trickling_transfer_is_read_whole_with_a_read_limit_alone(
    opener: Any, scripted_ftp: Scripted
) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA[:10], drip=0.05)})
    with opener.open(server.url("/f.bin"), timeout=Timeout(read=0.4)) as resp:
        assert resp.read() == DATA[:10]


def test_a_kept_connection_serves_the_next_request_under_its_own_total(ftp_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(CacheFTPHandler, plugins=())
    try:
        timeout = Timeout(connect=5, read=5, total=0.3)
        with opener.open(ftp_server.url("/readme.txt"), timeout=timeout) as resp:
            first = resp.read()
        time.sleep(0.35)  # the first request's total has run out by now
        with opener.open(ftp_server.url("/readme.txt"), timeout=timeout) as resp:
            assert resp.read() == first
        assert ftp_server.logins == ["anonymous"]
        assert ftp_server.connections == 1
    finally:
        opener.close()


def test_closing_a_stalled_transfer_early_keeps_the_abort_limit_under_a_timeout(
    scripted_ftp: Scripted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(urlplug_ftp.connection, "_ABORT_TIMEOUT", 0.2)
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=100, stall=True)})  # ignores ABOR
    opener = urlplug.build_opener(CacheFTPHandler, plugins=())
    try:
        resp = opener.open(server.url("/f.bin"), timeout=Timeout(connect=5))  # no read limit
        assert resp.read(100) == DATA[:100]
        resp.close()  # gives up on the silent server after the abort's limit, not never
        assert resp.closed
    finally:
        opener.close()
