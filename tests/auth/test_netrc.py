"""NetrcPasswordMgr: credentials from a netrc file for the Basic and Digest handlers."""

from __future__ import annotations

import netrc
from pathlib import Path

import pytest

import urlplug
from tests.servers.auth import PASSWORD, USER, BasicAuthority, DigestAuthority
from tests.servers.http import LoopbackHTTPServer

TIMEOUT = 5


def write_netrc(folder: Path, text: str) -> Path:
    path = folder / "netrc"
    path.write_text(text)
    path.chmod(0o600)
    return path


@pytest.fixture
def netrc_file(tmp_path: Path) -> Path:
    return write_netrc(tmp_path, f'machine 127.0.0.1 login {USER} password "{PASSWORD}"\n')


def opener_with(passwords: object) -> urlplug.OpenerDirector:
    return urlplug.build_opener(
        urlplug.HTTPBasicAuthHandler(passwords), urlplug.HTTPDigestAuthHandler(passwords)
    )


def test_is_exported_by_name() -> None:
    assert urlplug.NetrcPasswordMgr.__module__ == "urlplug_auth.netrcfile"


def test_answers_basic_auth_from_the_file(http_server: LoopbackHTTPServer, netrc_file: Path) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route(b"the secret")
    opener = opener_with(urlplug.NetrcPasswordMgr(netrc_file))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"the secret"
    assert authority.accepted == [USER]


def test_answers_digest_auth_from_the_file(http_server: LoopbackHTTPServer, netrc_file: Path) -> None:
    authority = DigestAuthority(algorithms=("SHA-256",))
    http_server.routes["/private"] = authority.route(b"digest secret")
    opener = opener_with(urlplug.NetrcPasswordMgr(netrc_file))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"digest secret"
    assert [c["username"] for c in authority.accepted] == [USER]


def test_reads_netrc_from_the_environment(netrc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRC", str(netrc_file))
    passwords = urlplug.NetrcPasswordMgr()
    assert passwords.file == netrc_file
    assert passwords.find_user_password("any realm", "http://127.0.0.1:8080/x") == (USER, PASSWORD)


def test_reads_the_home_netrc_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETRC", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / ".netrc"
    path.write_text("machine example.org login u password p\n")
    passwords = urlplug.NetrcPasswordMgr()
    assert passwords.file == path
    assert passwords.find_user_password(None, "https://EXAMPLE.org/") == ("u", "p")


def test_a_missing_default_file_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "absent"))
    assert urlplug.NetrcPasswordMgr().find_user_password(None, "http://h/") == (None, None)


def test_a_missing_file_named_by_the_caller_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        urlplug.NetrcPasswordMgr(tmp_path / "absent")


def test_a_malformed_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(netrc.NetrcParseError):
        urlplug.NetrcPasswordMgr(write_netrc(tmp_path, "machine h login u password p\nbogus x y\n"))


def test_other_hosts_get_the_default_entry_or_nothing(tmp_path: Path) -> None:
    only = urlplug.NetrcPasswordMgr(write_netrc(tmp_path, "machine a.test login u password p\n"))
    assert only.find_user_password(None, "http://b.test/") == (None, None)
    assert only.find_user_password(None, "http://a.test:8080/deep/path") == ("u", "p")
    assert only.find_user_password(None, "a.test:3128") == ("u", "p")  # a proxy's authority
    with_default = urlplug.NetrcPasswordMgr(
        write_netrc(tmp_path, "machine a.test login u password p\ndefault login anon password x\n")
    )
    assert with_default.find_user_password(None, "http://b.test/") == ("anon", "x")


def test_passwords_added_by_hand_win_over_the_file(netrc_file: Path) -> None:
    passwords = urlplug.NetrcPasswordMgr(netrc_file)
    passwords.add_password("realm", "http://127.0.0.1/", "other", "pw")
    assert passwords.find_user_password("realm", "http://127.0.0.1/x") == ("other", "pw")
    assert passwords.find_user_password("another realm", "http://127.0.0.1/x") == (USER, PASSWORD)
