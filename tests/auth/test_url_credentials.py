"""``http://user:password@host/``: Basic credentials to that origin only (URLCredentialsProcessor)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

import urlplug
from tests.servers.auth import PASSWORD, USER, BasicAuthority
from tests.servers.http import LoopbackHTTPServer, Reply, Seen

TIMEOUT = 5


def with_credentials(url: str, user: str = USER, password: str = PASSWORD) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{rest}"


def authorization(seen: Seen) -> str | None:
    return next((v for k, v in seen.headers.items() if k.lower() == "authorization"), None)


def test_the_processor_joins_every_opener_without_loading_the_auth_handlers() -> None:
    import subprocess
    import sys

    code = (
        "import sys, urlplug; o = urlplug.build_opener(); "
        "print(sorted(type(h).__name__ for h in o.handlers if 'Credentials' in type(h).__name__), "
        "sorted(m for m in sys.modules if m in ('urlplug_auth.basic', 'urlplug_auth.digest')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['URLCredentialsProcessor'] []"


def test_credentials_in_the_url_answer_basic_auth(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route(b"the secret")
    with urlplug.urlopen(with_credentials(http_server.url("/private")), timeout=TIMEOUT) as response:
        assert response.read() == b"the secret"
        assert response.geturl() == http_server.url("/private")  # no userinfo kept in the URL
    assert authority.accepted == [USER]
    assert len(http_server.seen) == 1  # sent up front, as curl, requests and httpx do


def test_userinfo_reaches_neither_the_host_header_nor_the_request_line(
    http_server: LoopbackHTTPServer,
) -> None:
    urlplug.urlopen(with_credentials(http_server.url("/p?q=1")), timeout=TIMEOUT).read()
    seen = http_server.seen[-1]
    assert seen.path == "/p?q=1"
    assert seen.headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert "@" not in seen.headers["Host"]


def test_percent_encoded_userinfo_is_decoded(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority(users={"a@b c": "p/w:%x@"})
    http_server.routes["/private"] = authority.route()
    url = with_credentials(http_server.url("/private"), "a@b c", "p/w:%x@")
    assert "%40" in url and "%3A" in url
    urlplug.urlopen(url, timeout=TIMEOUT).read()
    assert authority.accepted == ["a@b c"]


def test_a_user_without_password_sends_an_empty_one(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority(users={"bob": ""})
    http_server.routes["/private"] = authority.route()
    url = http_server.url("/private").replace("://", "://bob@")
    urlplug.urlopen(url, timeout=TIMEOUT).read()
    assert authority.accepted == ["bob"]


def test_wrong_credentials_in_the_url_give_the_401(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/private"] = BasicAuthority().route()
    with pytest.raises(urlplug.HTTPError) as caught:
        urlplug.urlopen(with_credentials(http_server.url("/private"), password="wrong"), timeout=TIMEOUT)
    assert caught.value.code == 401
    caught.value.close()


def test_an_authorization_header_given_by_the_caller_wins(http_server: LoopbackHTTPServer) -> None:
    request = urlplug.Request(with_credentials(http_server.url("/")), headers={"Authorization": "Bearer t"})
    urlplug.urlopen(request, timeout=TIMEOUT).read()
    assert authorization(http_server.seen[-1]) == "Bearer t"


def test_credentials_follow_a_redirect_within_the_origin(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/private")])
    http_server.routes["/private"] = authority.route()
    urlplug.urlopen(with_credentials(http_server.url("/old")), timeout=TIMEOUT).read()
    assert authority.accepted == [USER]


def test_credentials_never_go_to_another_origin_on_a_redirect(
    http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route()
    target = other_http_server.url("/landing")
    http_server.routes["/away"] = lambda seen: Reply(302, [("Location", target)])
    with urlplug.urlopen(with_credentials(http_server.url("/away")), timeout=TIMEOUT) as response:
        assert response.geturl() == target
    assert authorization(http_server.seen[-1]) is not None
    landing = other_http_server.seen[-1]
    assert landing.path == "/landing"
    assert authorization(landing) is None


def test_a_url_without_credentials_is_left_alone(http_server: LoopbackHTTPServer) -> None:
    url = http_server.url("/plain")
    with urlplug.urlopen(url, timeout=TIMEOUT) as response:
        assert response.geturl() == url
    assert authorization(http_server.seen[-1]) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://u:p@h/x", ("http://h/x", ("u", "p"))),
        ("http://u%3Ax:p%40@h:81/x#f", ("http://h:81/x#f", ("u:x", "p@"))),
        ("http://@h/", ("http://h/", None)),
        ("http://h/a@b", ("http://h/a@b", None)),
        ("https://u@[::1]:8443/", ("https://[::1]:8443/", ("u", ""))),
    ],
)
def test_split_userinfo(url: str, expected: tuple[str, tuple[str, str] | None]) -> None:
    from urlplug_auth.userinfo import split_userinfo

    assert split_userinfo(url) == expected
