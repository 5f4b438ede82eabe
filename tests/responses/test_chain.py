"""The rest of urlplug's chain runs on mocked answers as on real ones."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests
import responses

import urlplug
from urlplug_cookies import HTTPCookieProcessor

from .conftest import MOCKED

TIMEOUT = 5


def test_an_error_status_raises_http_error_with_a_readable_body(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "missing", status=404, json={"error": "no such item"})
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(MOCKED + "missing", timeout=TIMEOUT)
    error = caught.value
    assert (error.code, error.reason) == (404, "Not Found")
    assert error.headers["Content-Type"] == "application/json"
    assert error.read() == b'{"error": "no such item"}'
    assert error.geturl() == MOCKED + "missing"


def test_a_server_error_is_an_http_error_too(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(MOCKED, status=503, body="busy", headers={"Retry-After": "3"})
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(MOCKED, data=b"x", timeout=TIMEOUT)
    error = caught.value
    assert (error.code, error.headers["Retry-After"], error.read()) == (503, "3", b"busy")


def test_redirects_are_followed_to_the_mocked_target(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(MOCKED + "form", status=303, headers={"Location": "/done"})
        rsps.get(MOCKED + "moved", status=301, headers={"Location": MOCKED + "form-result"})
        rsps.get(MOCKED + "done", body="done")
        rsps.get(MOCKED + "form-result", body="result")
        response = opener.open(MOCKED + "form", data=b"a=1", timeout=TIMEOUT)
        assert (response.geturl(), response.read()) == (MOCKED + "done", b"done")
        response = opener.open(MOCKED + "moved", timeout=TIMEOUT)
        assert (response.geturl(), response.read()) == (MOCKED + "form-result", b"result")
        assert [(call.request.method, call.request.url) for call in rsps.calls] == [
            ("POST", MOCKED + "form"),
            ("GET", MOCKED + "done"),
            ("GET", MOCKED + "moved"),
            ("GET", MOCKED + "form-result"),
        ]


def test_a_redirect_loop_is_stopped(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "loop", status=302, headers={"Location": MOCKED + "loop"})
        with pytest.raises(urlplug.HTTPError, match="redirect"):
            opener.open(MOCKED + "loop", timeout=TIMEOUT)


def test_a_401_is_answered_by_the_basic_auth_handler(make_opener: Any) -> None:
    expected = "Basic " + base64.b64encode(b"alice:secret").decode()

    def protected(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if request.headers.get("Authorization") == expected:
            return 200, {}, "welcome"
        return 401, {"WWW-Authenticate": 'Basic realm="vault"'}, "who are you?"

    auth = urlplug.HTTPBasicAuthHandler()
    auth.add_password("vault", MOCKED, "alice", "secret")
    opener = make_opener(auth)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, MOCKED + "vault", callback=protected)
        assert opener.open(MOCKED + "vault", timeout=TIMEOUT).read() == b"welcome"
        assert [call.response.status_code for call in rsps.calls] == [401, 200]
        assert "Authorization" not in rsps.calls[0].request.headers


def test_wrong_credentials_end_in_http_error_401(make_opener: Any) -> None:
    auth = urlplug.HTTPBasicAuthHandler()
    auth.add_password("vault", MOCKED, "alice", "wrong")
    opener = make_opener(auth)
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED, status=401, headers={"WWW-Authenticate": 'Basic realm="vault"'})
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(MOCKED, timeout=TIMEOUT)
    assert caught.value.code == 401


def test_cookies_set_by_a_mocked_answer_are_stored_and_sent(make_opener: Any) -> None:
    cookies = HTTPCookieProcessor()
    opener = make_opener(cookies)
    with responses.RequestsMock() as rsps:
        session = [("Set-Cookie", "session=s1; Path=/"), ("Set-Cookie", "theme=dark")]
        rsps.get(MOCKED + "login", headers=session)
        rsps.get(MOCKED + "account", body="hi")
        opener.open(MOCKED + "login", timeout=TIMEOUT).read()
        opener.open(MOCKED + "account", timeout=TIMEOUT).read()
        assert "Cookie" not in rsps.calls[0].request.headers
        assert rsps.calls[1].request.headers["Cookie"] == "session=s1; theme=dark"
    assert sorted(cookie.name for cookie in cookies.cookiejar) == ["session", "theme"]


BIG = b"".join(b"line %07d of a large mocked body\n" % n for n in range(60_000))  # about 2 MB


def test_a_large_body_is_read_in_blocks(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "big", body=BIG)
        response = opener.open(MOCKED + "big", timeout=TIMEOUT)
        blocks = list(iter(lambda: response.read(65536), b""))
    assert max(len(block) for block in blocks) == 65536
    assert b"".join(blocks) == BIG


def test_a_large_body_is_read_by_lines_and_by_iteration(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "big", body=BIG)
        response = opener.open(MOCKED + "big", timeout=TIMEOUT)
        first = response.readline()
        rest = list(response)
    assert first == b"line 0000000 of a large mocked body\n"
    assert len(rest) == 59_999
    assert b"".join([first, *rest]) == BIG


def test_a_large_body_is_read_into_a_buffer(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "big", body=BIG)
        response = opener.open(MOCKED + "big", timeout=TIMEOUT)
        buffer = bytearray(len(BIG) + 10)
        assert response.readinto(buffer) == len(BIG)
    assert buffer[: len(BIG)] == BIG


def test_urlretrieve_saves_a_mocked_body(tmp_path: Any, opener: Any) -> None:
    urlplug.install_opener(opener)
    try:
        with responses.RequestsMock() as rsps:
            rsps.get(MOCKED + "file.bin", body=BIG, auto_calculate_content_length=True)
            _, headers = urlplug.urlretrieve(MOCKED + "file.bin", tmp_path / "file.bin")
    finally:
        urlplug.install_opener(None)
    assert headers["Content-Length"] == str(len(BIG))
    assert (tmp_path / "file.bin").read_bytes() == BIG
