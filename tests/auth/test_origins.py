"""Credentials go only where they were registered: not to another host, port or origin, nor by redirect."""

from __future__ import annotations

from typing import Any

import pytest

import urlplug
from tests.servers.auth import PASSWORD, USER, BasicAuthority, DigestAuthority
from tests.servers.http import LoopbackHTTPServer, Reply, Seen

TIMEOUT = 5


def authorization(seen: Seen) -> str | None:
    return next((v for k, v in seen.headers.items() if k.lower() == "authorization"), None)


def redirect_to(url: str) -> Any:
    return lambda seen: Reply(302, [("Location", url)], b"")


def both_handlers(uri: str) -> urlplug.OpenerDirector:
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, uri, USER, PASSWORD)
    return urlplug.build_opener(
        urlplug.HTTPDigestAuthHandler(passwords), urlplug.HTTPBasicAuthHandler(passwords)
    )


@pytest.mark.parametrize("authority", [BasicAuthority(), DigestAuthority()], ids=["basic", "digest"])
def test_not_sent_to_another_host_name(http_server: LoopbackHTTPServer, authority: Any) -> None:
    http_server.routes["/private"] = authority.route()
    opener = both_handlers(http_server.url("/"))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/private", host="localhost"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    assert [authorization(seen) is not None for seen in http_server.seen] == [False, True, False]


@pytest.mark.parametrize("authority", [BasicAuthority(), DigestAuthority()], ids=["basic", "digest"])
def test_not_sent_to_another_port(
    http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer, authority: Any
) -> None:
    http_server.routes["/private"] = authority.route()
    other_http_server.routes["/private"] = authority.route()
    opener = both_handlers(http_server.url("/"))
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(other_http_server.url("/private"), timeout=TIMEOUT)
    caught.value.close()
    assert [authorization(seen) for seen in other_http_server.seen] == [None]


@pytest.mark.parametrize("authority", [BasicAuthority(), DigestAuthority()], ids=["basic", "digest"])
def test_not_carried_across_a_redirect_to_another_origin(
    http_server: LoopbackHTTPServer, authority: Any
) -> None:
    http_server.routes["/private"] = authority.route()
    http_server.routes["/elsewhere"] = redirect_to(http_server.url("/private", host="localhost"))
    opener = both_handlers(http_server.url("/"))
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()  # admitted on 127.0.0.1
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/elsewhere"), timeout=TIMEOUT)
    caught.value.close()
    assert caught.value.code == 401
    at_localhost = [seen for seen in http_server.seen if seen.headers.get("Host", "").startswith("localhost")]
    assert at_localhost and all(authorization(seen) is None for seen in at_localhost)


def test_authenticated_redirect_to_another_origin_drops_the_header(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    protected = authority.route()

    def private_then_away(seen: Seen) -> Reply:
        reply = protected(seen)
        if reply.status == 200:
            return Reply(302, [("Location", http_server.url("/landing", host="localhost"))], b"")
        return reply

    http_server.routes["/private"] = private_then_away
    opener = both_handlers(http_server.url("/"))
    assert opener.open(http_server.url("/private"), timeout=TIMEOUT).read() == b"GET /landing"
    assert authorization(http_server.seen[-1]) is None


def test_same_origin_redirect_keeps_authenticating(http_server: LoopbackHTTPServer) -> None:
    authority = DigestAuthority()
    http_server.routes["/private"] = authority.route()
    http_server.routes["/old"] = redirect_to("/private")
    opener = both_handlers(http_server.url("/"))
    assert opener.open(http_server.url("/old"), timeout=TIMEOUT).read() == b"digest secret"
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    opener.open(http_server.url("/old"), timeout=TIMEOUT).read()
    assert authority.challenges == 1


def test_path_registration_limits_credentials(http_server: LoopbackHTTPServer) -> None:
    basic = BasicAuthority()
    http_server.routes["/app/private"] = basic.route()
    http_server.routes["/application/private"] = basic.route()
    opener = both_handlers(http_server.url("/app"))
    assert opener.open(http_server.url("/app/private"), timeout=TIMEOUT).read() == b"basic secret"
    with pytest.raises(urlplug.HTTPError) as caught:
        opener.open(http_server.url("/application/private"), timeout=TIMEOUT)
    caught.value.close()
    assert authorization(http_server.seen[-1]) is None


def test_digest_domain_on_another_origin_is_ignored(http_server: LoopbackHTTPServer) -> None:
    elsewhere = http_server.url("/", host="localhost")
    authority = DigestAuthority(domain=f"/ {elsewhere}")
    http_server.routes["/private"] = authority.route()
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, [http_server.url("/"), elsewhere], USER, PASSWORD)
    opener = urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords))
    opener.open(http_server.url("/private"), timeout=TIMEOUT).read()
    opener.open(http_server.url("/private", host="localhost"), timeout=TIMEOUT).read()
    # Registered for localhost too, so it authenticates there, but only after its own challenge.
    assert authorization(http_server.seen[2]) is None
    assert authority.challenges == 2
