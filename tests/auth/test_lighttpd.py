"""Interoperability with a real server's implementation: lighttpd's mod_auth (Basic and Digest)."""

from __future__ import annotations

from typing import Any

import pytest

import urlplug
from tests.servers.auth import LIGHTTPD_BODY, LIGHTTPD_REALM, PASSWORD, USER, Lighttpd, digest_params

TIMEOUT = 5


class CountingDigest(urlplug.HTTPDigestAuthHandler):
    """Counts the 401s that reach the handler, to show which requests needed a challenge."""

    def __init__(self, passwd: Any = None) -> None:
        super().__init__(passwd)
        self.challenges = 0

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        self.challenges += 1
        return super().http_error_401(req, fp, code, msg, headers)


def passwords(server: Lighttpd, password: str = PASSWORD) -> Any:
    manager = urlplug.HTTPPasswordMgr()
    manager.add_password(LIGHTTPD_REALM, server.url("/"), USER, password)
    manager.add_password(LIGHTTPD_REALM + " 512", server.url("/sha512-256/"), USER, password)
    return manager


def test_basic(lighttpd: Lighttpd) -> None:
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords(lighttpd)))
    with opener.open(lighttpd.url("/basic/index.txt"), timeout=TIMEOUT) as response:
        assert response.status == 200
        assert response.read() == LIGHTTPD_BODY


def test_basic_wrong_password_is_a_401(lighttpd: Lighttpd) -> None:
    opener = urlplug.build_opener(urlplug.HTTPBasicAuthHandler(passwords(lighttpd, "wrong")))
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(lighttpd.url("/basic/index.txt"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401


@pytest.mark.parametrize(
    ("area", "algorithm"), [("/md5/", "MD5"), ("/sha256/", "SHA-256"), ("/sha512-256/", "SHA-512-256")]
)
def test_digest(lighttpd: Lighttpd, area: str, algorithm: str) -> None:
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords(lighttpd)))
    request = urlplug.Request(lighttpd.url(area + "index.txt"))
    assert opener.open(request, timeout=TIMEOUT).read() == LIGHTTPD_BODY
    assert digest_params(request.get_header("Authorization"))["algorithm"] == algorithm


def test_digest_answers_the_first_of_two_challenges(lighttpd: Lighttpd) -> None:
    # lighttpd sends one WWW-Authenticate header per algorithm, SHA-256 first.
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords(lighttpd)))
    request = urlplug.Request(lighttpd.url("/choice/index.txt"))
    assert opener.open(request, timeout=TIMEOUT).read() == LIGHTTPD_BODY
    assert digest_params(request.get_header("Authorization"))["algorithm"] == "SHA-256"


def test_digest_userhash(lighttpd: Lighttpd) -> None:
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords(lighttpd)))
    request = urlplug.Request(lighttpd.url("/userhash/index.txt"))
    assert opener.open(request, timeout=TIMEOUT).read() == LIGHTTPD_BODY
    sent = digest_params(request.get_header("Authorization"))
    assert sent["userhash"] == "true"
    assert sent["username"] != USER


def test_digest_reuses_the_nonce_on_later_requests(lighttpd: Lighttpd) -> None:
    handler = CountingDigest(passwords(lighttpd))
    opener = urlplug.build_opener(handler)
    counts = []
    for area in ("/md5/", "/md5/", "/md5/", "/md5/"):
        request = urlplug.Request(lighttpd.url(area + "index.txt"))
        assert opener.open(request, timeout=TIMEOUT).read() == LIGHTTPD_BODY
        counts.append(digest_params(request.get_header("Authorization"))["nc"])
    assert handler.challenges == 1
    assert counts == ["00000001", "00000002", "00000003", "00000004"]


def test_digest_wrong_password_is_a_bounded_401(lighttpd: Lighttpd) -> None:
    handler = CountingDigest(passwords(lighttpd, "wrong"))
    with pytest.raises(urlplug.HTTPError) as caught:
        urlplug.build_opener(handler).open(lighttpd.url("/sha256/index.txt"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    assert handler.challenges == 2  # the first challenge, then the refusal of our answer


def test_digest_and_basic_handlers_together(lighttpd: Lighttpd) -> None:
    manager = passwords(lighttpd)
    opener = urlplug.build_opener(
        urlplug.HTTPBasicAuthHandler(manager), urlplug.HTTPDigestAuthHandler(manager)
    )
    assert opener.open(lighttpd.url("/basic/index.txt"), timeout=TIMEOUT).read() == LIGHTTPD_BODY
    assert opener.open(lighttpd.url("/sha256/index.txt"), timeout=TIMEOUT).read() == LIGHTTPD_BODY


def test_credentials_for_one_host_name_are_not_sent_to_another(lighttpd: Lighttpd) -> None:
    # localhost and 127.0.0.1 reach the same lighttpd but are different origins.
    handler = CountingDigest(passwords(lighttpd))
    opener = urlplug.build_opener(handler, urlplug.HTTPBasicAuthHandler(passwords(lighttpd)))
    for area in ("/md5/", "/basic/"):
        request = urlplug.Request(lighttpd.url(area + "index.txt", host="localhost"))
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(request, timeout=TIMEOUT)
        caught.value.close()
        assert caught.value.code == 401
        assert not request.has_header("Authorization")
