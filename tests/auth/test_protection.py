"""Digest protection spaces: which nonce covers which URLs, and how many are kept."""

from __future__ import annotations

from urlplug_auth.challenges import DigestChallenge, parse_challenges
from urlplug_auth.credentials import DigestCredentials
from urlplug_auth.protection import ProtectionSpace, ProtectionSpaces


def space(url: str, realm: str = "r", domain: str | None = None) -> ProtectionSpace:
    extra = f', domain="{domain}"' if domain is not None else ""
    challenge = DigestChallenge.read(parse_challenges([f'Digest realm="{realm}", nonce="n"{extra}'])[0])
    assert challenge is not None
    return ProtectionSpace(DigestCredentials(challenge, "u", "p"), url)


def test_without_domain_the_whole_origin_is_covered() -> None:
    spaces = ProtectionSpaces()
    spaces.remember(space("http://h:8080/a/b"))
    assert spaces.find("http://h:8080/") is not None
    assert spaces.find("http://h:8080/other?x") is not None
    assert spaces.find("http://h:8081/") is None
    assert spaces.find("https://h:8080/") is None
    assert spaces.find("http://other:8080/") is None


def test_relative_and_absolute_domain_uris_on_the_origin() -> None:
    spaces = ProtectionSpaces()
    spaces.remember(space("http://h/x", domain="/one http://h/two/ http://elsewhere/three"))
    assert spaces.find("http://h/one/page") is not None
    assert spaces.find("http://h/two/page") is not None
    assert spaces.find("http://h/three") is None
    assert spaces.find("http://elsewhere/three") is None


def test_domain_only_on_other_origins_falls_back_to_the_origin() -> None:
    spaces = ProtectionSpaces()
    spaces.remember(space("http://h/x", domain="http://elsewhere/"))
    assert spaces.find("http://elsewhere/") is None
    assert spaces.find("http://h/y") is not None


def test_a_new_nonce_for_the_realm_replaces_the_old() -> None:
    spaces = ProtectionSpaces()
    old, new = space("http://h/"), space("http://h/")
    spaces.remember(old)
    spaces.remember(new)
    assert spaces.find("http://h/") is new
    spaces.forget(old)  # forgetting a replaced space leaves its successor
    assert spaces.find("http://h/") is new
    spaces.forget(new)
    assert spaces.find("http://h/") is None


def test_nonce_counts_are_eight_hex_digits_and_increase() -> None:
    counted = space("http://h/")
    assert [counted.next_count() for _ in range(3)] == ["00000001", "00000002", "00000003"]


def test_only_the_latest_spaces_are_kept() -> None:
    spaces = ProtectionSpaces(limit=3)
    for number in range(4):
        spaces.remember(space(f"http://h{number}/"))
    assert spaces.find("http://h0/") is None
    assert all(spaces.find(f"http://h{number}/") is not None for number in (1, 2, 3))


def test_unparsable_url_finds_nothing() -> None:
    spaces = ProtectionSpaces()
    spaces.remember(space("http://h/"))
    assert spaces.find("http://h:notaport/") is None
