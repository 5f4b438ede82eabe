"""Misbehaving servers: foreign passive addresses, silence, stalls and transfers cut short."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.ftp import ScriptedFile, ScriptedFTPServer
from urlplug import ContentTooShortError, URLError
from urlplug_ftp import CacheFTPHandler, FTPHandler

TIMEOUT = 10
SHORT = 0.3  # for the faults that must end in a timeout
DATA = bytes(range(256)) * 40

Scripted = Callable[..., ScriptedFTPServer]


@pytest.fixture
def opener() -> Any:
    return urlplug.build_opener(FTPHandler, plugins=())


def test_pasv_reply_naming_another_host_is_not_followed(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA)}, passive_host="127.0.0.2")
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.read() == DATA
    assert "PASV" in server.commands
    assert server.trapped == 0


def test_epsv_reply_naming_another_host_is_not_followed(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA)}, host="::1", passive_host="127.0.0.2")
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.read() == DATA
    assert "EPSV" in server.commands
    assert server.trapped == 0


def test_silent_banner_hits_the_timeout(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(silent=True)
    with pytest.raises(URLError) as caught:
        opener.open(server.url("/f.bin"), timeout=SHORT)
    assert isinstance(caught.value.reason, TimeoutError)


def test_transfer_stalling_midway_hits_the_timeout_on_read(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=1000, stall=True)})
    resp = opener.open(server.url("/f.bin"), timeout=SHORT)
    assert resp.read(1000) == DATA[:1000]
    with pytest.raises(TimeoutError):
        resp.read(1000)
    with pytest.raises(ValueError):
        resp.read(1000)  # never a silent short body after the failure
    resp.close()


def test_truncated_transfer_raises_content_too_short(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=1000)})
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.info()["Content-length"] == str(len(DATA))
        with pytest.raises(ContentTooShortError) as caught:
            resp.read()
    assert caught.value.content == DATA[:1000]
    assert f"1000 of {len(DATA)}" in str(caught.value)


def test_truncation_is_reported_to_chunked_reads(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=1000)})
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp, pytest.raises(ContentTooShortError):
        while resp.read(300):
            pass


def test_truncation_is_reported_to_line_reads(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.txt": ScriptedFile(b"one\ntwo\nthree\n", send=6)})
    with opener.open(server.url("/f.txt"), timeout=TIMEOUT) as resp:
        assert resp.readline() == b"one\n"
        with pytest.raises(ContentTooShortError):
            resp.readline()


def test_size_reply_detects_truncation_when_150_does_not_announce(scripted_ftp: Scripted) -> None:
    handler = FTPHandler()
    handler.ask_size = True
    opener = urlplug.build_opener(handler, plugins=())
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA, send=1000, announce=False)}, sizes=True)
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.info()["Content-length"] == str(len(DATA))
        with pytest.raises(ContentTooShortError):
            resp.read()


def test_failed_final_reply_raises_urlerror_with_it(opener: Any, scripted_ftp: Scripted) -> None:
    failing = ScriptedFile(DATA, send=1000, announce=False, final="426 Connection closed; transfer aborted.")
    server = scripted_ftp(files={"f.bin": failing})
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.info()["Content-length"] is None
        with pytest.raises(URLError) as caught:
            resp.read()
    assert str(caught.value.reason).startswith("426")


def test_announced_size_read_in_full_then_closed_needs_no_abort(scripted_ftp: Scripted) -> None:
    server = scripted_ftp(files={"f.bin": ScriptedFile(DATA)})
    opener = urlplug.build_opener(CacheFTPHandler, plugins=())
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.read(len(DATA)) == DATA
    with opener.open(server.url("/f.bin"), timeout=TIMEOUT) as resp:
        assert resp.read() == DATA
    assert "ABOR" not in server.commands
    assert server.connections == 1
    opener.close()


def test_server_error_reply_is_carried_by_urlerror(opener: Any, scripted_ftp: Scripted) -> None:
    server = scripted_ftp()
    with pytest.raises(URLError) as caught:
        opener.open(server.url("/absent.bin"), timeout=TIMEOUT)
    assert str(caught.value.reason) == "550 No such file."
