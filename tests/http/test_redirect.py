"""HTTPRedirectHandler: every redirect code, across two origins, without leaking credentials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug_http import HTTPRedirectHandler

TIMEOUT = 5
CODES = [301, 302, 303, 307, 308]


def redirect(location: str, code: int = 302, header: str = "Location") -> Callable[[Seen], Reply]:
    return lambda seen: Reply(code, [(header, location)], b"moved")


@pytest.mark.parametrize("code", CODES)
def test_get_follows_every_redirect_code_to_another_origin(
    opener: urlplug.OpenerDirector,
    http_server: LoopbackHTTPServer,
    other_http_server: LoopbackHTTPServer,
    code: int,
) -> None:
    http_server.routes["/from"] = redirect(other_http_server.url("/to"), code)
    with opener.open(http_server.url("/from"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /to"
        assert response.geturl() == other_http_server.url("/to")


@pytest.mark.parametrize("code", [301, 302, 303])
def test_post_becomes_get_without_body_headers(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, code: int
) -> None:
    http_server.routes["/form"] = redirect("/done", code)
    req = urlplug.Request(http_server.url("/form"), data=b"a=1", headers={"Content-Type": "text/plain"})
    with opener.open(req, timeout=TIMEOUT) as response:
        assert response.read() == b"GET /done"
    followed = http_server.seen[-1]
    assert followed.body == b""
    assert "Content-Type" not in followed.headers
    assert "Content-Length" not in followed.headers


@pytest.mark.parametrize("code", [307, 308])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_307_and_308_keep_method_and_body(
    opener: urlplug.OpenerDirector,
    http_server: LoopbackHTTPServer,
    other_http_server: LoopbackHTTPServer,
    code: int,
    method: str,
) -> None:
    http_server.routes["/api"] = redirect(other_http_server.url("/api2"), code)
    req = urlplug.Request(
        http_server.url("/api"), data=b'{"x": 1}', headers={"Content-Type": "application/json"}, method=method
    )
    with opener.open(req, timeout=TIMEOUT) as response:
        assert response.read() == f"{method} /api2".encode()
    followed = other_http_server.seen[-1]
    assert followed.body == b'{"x": 1}'
    assert followed.headers["Content-Type"] == "application/json"


def test_307_with_a_consumed_body_is_not_repeated(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/stream"] = redirect("/again", 307)
    with pytest.raises(urlplug.HTTPError, match="cannot be sent again") as caught:
        opener.open(http_server.url("/stream"), data=iter([b"one", b"two"]), timeout=TIMEOUT)
    caught.value.close()
    assert [s.path for s in http_server.seen] == ["/stream"]


def test_303_turns_put_into_get(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/put"] = redirect("/see", 303)
    with opener.open(urlplug.Request(http_server.url("/put"), data=b"x", method="PUT"), timeout=TIMEOUT) as r:
        assert r.read() == b"GET /see"


def test_head_stays_head(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/h"] = redirect("/h2", 303)
    with opener.open(urlplug.Request(http_server.url("/h"), method="HEAD"), timeout=TIMEOUT) as r:
        assert r.read() == b""
    assert http_server.seen[-1].method == "HEAD"


@pytest.mark.parametrize("code", [301, 302])
def test_301_and_302_refuse_other_methods(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, code: int
) -> None:
    http_server.routes["/del"] = redirect("/elsewhere", code)
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(urlplug.Request(http_server.url("/del"), method="DELETE"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.code == code
    assert [s.path for s in http_server.seen] == ["/del"]


def test_uri_header_is_used_without_location(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/old"] = redirect("/new", 302, header="URI")
    with opener.open(http_server.url("/old"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /new"


def test_redirect_without_target_is_an_http_error(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/nowhere"] = lambda seen: Reply(302, [], b"")
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/nowhere"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 302


def test_relative_location_is_resolved(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/dir/page"] = redirect("../other?x=1")
    with opener.open(http_server.url("/dir/page"), timeout=TIMEOUT) as response:
        assert response.geturl() == http_server.url("/other?x=1")


def test_scheme_relative_location_is_resolved(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/sr"] = redirect(f"//127.0.0.1:{other_http_server.port}/there")
    with opener.open(http_server.url("/sr"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /there"


def test_spaces_and_non_ascii_are_quoted(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/q"] = redirect("/a b/caf\xe9")
    with opener.open(http_server.url("/q"), timeout=TIMEOUT) as response:
        assert response.geturl() == http_server.url("/a%20b/caf%E9")
    assert http_server.seen[-1].path == "/a%20b/caf%E9"


def test_empty_path_becomes_slash(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/root"] = redirect(f"http://127.0.0.1:{other_http_server.port}")
    with opener.open(http_server.url("/root"), timeout=TIMEOUT) as response:
        assert response.geturl() == other_http_server.url("/")


def test_fragment_carries_over(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/f"] = redirect("/g")
    with opener.open(http_server.url("/f#section"), timeout=TIMEOUT) as response:
        assert response.geturl() == http_server.url("/g#section")
    assert http_server.seen[-1].path == "/g"


def test_location_fragment_wins(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/f"] = redirect("/g#theirs")
    with opener.open(http_server.url("/f#mine"), timeout=TIMEOUT) as response:
        assert response.geturl() == http_server.url("/g#theirs")


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "gopher://127.0.0.1/",
        "  file:///etc/passwd",
        "\x01\x02file:///etc/passwd",
        "fi\tle:///etc/passwd",
        "\x7ffile:///etc/passwd",
    ],
)
def test_redirect_to_other_schemes_is_refused(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, location: str
) -> None:
    http_server.routes["/evil"] = redirect(location)
    with pytest.raises(urlplug.HTTPError, match="not allowed") as caught:
        opener.open(http_server.url("/evil"), timeout=TIMEOUT)
    with caught.value as error:
        assert error.code == 302
        assert error.read() == b"moved"


def test_redirect_to_ftp_is_followed(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/ftp"] = redirect("ftp://127.0.0.1:9/file")
    with pytest.raises(urlplug.URLError, match="unknown url type: 'ftp'"):
        opener.open(http_server.url("/ftp"), timeout=TIMEOUT)


def test_redirect_loop_is_detected(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/loop"] = redirect("/loop")
    with pytest.raises(urlplug.HTTPError, match="infinite loop") as caught:
        opener.open(http_server.url("/loop"), timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == HTTPRedirectHandler.max_repeats + 1


def test_two_url_loop_is_detected(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/ping"] = redirect("/pong")
    http_server.routes["/pong"] = redirect("/ping")
    with pytest.raises(urlplug.HTTPError, match="infinite loop") as caught:
        opener.open(http_server.url("/ping"), timeout=TIMEOUT)
    caught.value.close()
    assert len(http_server.seen) == 2 * HTTPRedirectHandler.max_repeats + 1


def _chain(server: LoopbackHTTPServer, length: int) -> None:
    for n in range(length, 0, -1):
        server.routes[f"/hop{n}"] = redirect(f"/hop{n - 1}")


def test_max_redirections_limits_a_long_chain(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    _chain(http_server, 11)
    with pytest.raises(urlplug.HTTPError, match="infinite loop") as caught:
        opener.open(http_server.url("/hop11"), timeout=TIMEOUT)
    caught.value.close()


def test_a_chain_within_max_redirections_is_followed(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    _chain(http_server, 10)
    with opener.open(http_server.url("/hop10"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /hop0"


def test_limits_can_be_changed_per_handler(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    handler = HTTPRedirectHandler()
    handler.max_redirections = 2
    _chain(http_server, 3)
    with pytest.raises(urlplug.HTTPError, match="infinite loop") as caught:
        make_opener(handler).open(http_server.url("/hop3"), timeout=TIMEOUT)
    caught.value.close()


SECRETS = {"Authorization": "Bearer t0ken", "Cookie": "session=1", "Proxy-Authorization": "Basic eDp5"}


def test_credentials_follow_a_redirect_within_the_origin(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = redirect(http_server.url("/b"))
    opener.open(urlplug.Request(http_server.url("/a"), headers=SECRETS), timeout=TIMEOUT).close()
    assert http_server.seen[-1].path == "/b"
    assert http_server.seen[-1].headers["Authorization"] == SECRETS["Authorization"]
    assert http_server.seen[-1].headers["Cookie"] == SECRETS["Cookie"]


@pytest.mark.parametrize(
    ("target", "carried"),
    [("http://origin.test/next", True), ("http://other.test/next", False), ("https://origin.test/", False)],
)
def test_redirected_request_keeps_credentials_only_for_the_same_origin(target: str, carried: bool) -> None:
    from email.message import Message

    req = urlplug.Request("http://origin.test/start", headers=SECRETS)
    new = HTTPRedirectHandler().redirect_request(req, None, 302, "Found", Message(), target)
    assert new is not None
    assert all((name.capitalize() in new.headers) is carried for name in SECRETS)


def test_credentials_are_not_sent_to_another_origin(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = redirect(other_http_server.url("/b"))
    headers = {**SECRETS, "X-Trace": "kept"}
    opener.open(urlplug.Request(http_server.url("/a"), headers=headers), timeout=TIMEOUT).close()
    received = other_http_server.seen[-1].headers
    assert not set(SECRETS) & set(received)
    assert received["X-Trace"] == "kept"


def test_credentials_are_not_sent_to_another_host_name(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = redirect(http_server.url("/b", host="localhost"))
    opener.open(urlplug.Request(http_server.url("/a"), headers=SECRETS), timeout=TIMEOUT).close()
    assert http_server.seen[-1].path == "/b"
    assert not set(SECRETS) & set(http_server.seen[-1].headers)


def test_unredirected_headers_are_never_carried(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = redirect("/b")
    req = urlplug.Request(http_server.url("/a"))
    req.add_unredirected_header("Authorization", "Basic once")
    opener.open(req, timeout=TIMEOUT).close()
    assert http_server.seen[0].headers["Authorization"] == "Basic once"
    assert "Authorization" not in http_server.seen[1].headers


def test_redirected_request_is_unverifiable_with_the_origin_host(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    made: list[urlplug.Request] = []

    class Recording(HTTPRedirectHandler):
        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            assert new is not None
            made.append(new)
            return new

    http_server.routes["/a"] = redirect("/b")
    make_opener(Recording).open(http_server.url("/a"), timeout=2.5).close()
    assert made[0].unverifiable
    assert made[0].origin_req_host == "127.0.0.1"
    assert made[0].timeout == 2.5


def test_redirect_request_returning_none_leaves_the_error(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    class Refusing(HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    http_server.routes["/a"] = redirect("/b")
    with pytest.raises(urlplug.HTTPError) as caught:
        make_opener(Refusing).open(http_server.url("/a"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 302


def test_redirect_reuses_the_connection(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/a"] = redirect("/b")
    with opener.open(http_server.url("/a"), timeout=TIMEOUT) as response:
        response.read()
    assert http_server.connections == 1


def test_https_redirect_to_http_drops_credentials(
    tls_opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer, http_server: LoopbackHTTPServer
) -> None:
    https_server.routes["/down"] = redirect(http_server.url("/plain"))
    tls_opener.open(urlplug.Request(https_server.url("/down"), headers=SECRETS), timeout=TIMEOUT).close()
    assert http_server.seen[-1].path == "/plain"
    assert not set(SECRETS) & set(http_server.seen[-1].headers)


@pytest.mark.parametrize("prefix", ["\xa0", "\xef\xbb\xbf"])  # a no-break space; a UTF-8 byte-order mark
def test_file_location_behind_non_ascii_blanks_never_opens_a_file(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer, prefix: str
) -> None:
    http_server.routes["/odd"] = redirect(prefix + "file:///etc/passwd")
    try:
        with opener.open(http_server.url("/odd"), timeout=TIMEOUT) as response:
            # Not a scheme once a blank precedes it: a relative path on the same server.
            assert response.geturl().startswith(http_server.url("/"))
            assert b"root:" not in response.read()
    except urlplug.HTTPError as refused:  # or the blank was stripped and file: refused
        with refused:
            assert "not allowed" in refused.msg
