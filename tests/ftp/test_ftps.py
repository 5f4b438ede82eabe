"""ftps: explicit TLS (AUTH TLS, PROT P) against pyftpdlib's TLS handler, which requires both."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

import urlplug
from tests.servers.ftp import PASSWORD, TREE, USER, PyFTPServer
from urlplug import URLError
from urlplug_ftp import CacheFTPHandler, FTPHandler

TIMEOUT = 10


def fetch(opener: Any, url: str) -> bytes:
    with opener.open(url, timeout=TIMEOUT) as resp:
        return resp.read()  # type: ignore[no-any-return]


def test_file_comes_over_protected_control_and_data(
    client_tls: ssl.SSLContext, ftps_server: PyFTPServer
) -> None:
    opener = urlplug.build_opener(FTPHandler(context=client_tls), plugins=())
    assert fetch(opener, ftps_server.url("/big.bin")) == TREE["public/big.bin"]
    assert ftps_server.sent("AUTH") == ["TLS"]
    assert ftps_server.sent("PROT") == ["P"]


def test_user_logs_in_over_tls(client_tls: ssl.SSLContext, ftps_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(FTPHandler(context=client_tls), plugins=())
    assert (
        fetch(opener, ftps_server.url("/secret.txt", user=USER, password=PASSWORD))
        == TREE["alice/secret.txt"]
    )
    assert ftps_server.logins == [USER]


def test_listing_over_tls(client_tls: ssl.SSLContext, ftps_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(FTPHandler(context=client_tls), plugins=())
    assert b"guide.txt" in fetch(opener, ftps_server.url("/docs/"))


def test_urlopen_context_reaches_the_ftps_handler(ca_file: Path, ftps_server: PyFTPServer) -> None:
    context = ssl.create_default_context(cafile=str(ca_file))
    with urlplug.urlopen(ftps_server.url("/readme.txt"), timeout=TIMEOUT, context=context) as resp:
        assert resp.read() == TREE["public/readme.txt"]


def test_build_opener_context_reaches_the_ftps_handler(
    client_tls: ssl.SSLContext, ftps_server: PyFTPServer
) -> None:
    opener = urlplug.build_opener(plugins=("urlplug-ftp",), context=client_tls)
    assert fetch(opener, ftps_server.url("/readme.txt")) == TREE["public/readme.txt"]


def test_untrusted_certificate_is_refused(ftps_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(FTPHandler, plugins=())
    with pytest.raises(URLError) as caught:
        opener.open(ftps_server.url("/readme.txt"), timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert ftps_server.logins == []


def test_ftps_logins_are_cached(client_tls: ssl.SSLContext, ftps_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(CacheFTPHandler(context=client_tls), plugins=())
    for name in ("readme.txt", "notes.txt", "readme.txt"):
        assert fetch(opener, ftps_server.url(f"/{name}")) == TREE[f"public/{name}"]
    assert ftps_server.connections == 1
    opener.close()


def test_ftps_early_close_keeps_the_cached_connection(
    client_tls: ssl.SSLContext, ftps_server: PyFTPServer
) -> None:
    opener = urlplug.build_opener(CacheFTPHandler(context=client_tls), plugins=())
    with opener.open(ftps_server.url("/big.bin"), timeout=TIMEOUT) as resp:
        assert resp.read(1000) == TREE["public/big.bin"][:1000]
    assert fetch(opener, ftps_server.url("/readme.txt")) == TREE["public/readme.txt"]
    assert ftps_server.connections == 1
    opener.close()


def test_plain_ftp_is_refused_by_a_server_that_requires_tls(ftps_server: PyFTPServer) -> None:
    opener = urlplug.build_opener(FTPHandler, plugins=())
    with pytest.raises(URLError) as caught:
        opener.open(ftps_server.url("/readme.txt").replace("ftps:", "ftp:"), timeout=TIMEOUT)
    assert str(caught.value.reason).startswith("550")
