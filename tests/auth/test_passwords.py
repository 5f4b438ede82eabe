"""Password managers: the super-URI rule (scheme, host, port, path segments), realms, prior auth."""

from __future__ import annotations

import pytest

import urlplug
from urlplug_auth import HTTPPasswordMgr, HTTPPasswordMgrWithDefaultRealm, HTTPPasswordMgrWithPriorAuth

CREDS = ("joe", "password")


@pytest.fixture
def mgr() -> HTTPPasswordMgr:
    return HTTPPasswordMgr()


def test_exported_as_urlplug_names() -> None:
    assert urlplug.HTTPPasswordMgr is HTTPPasswordMgr
    assert urlplug.HTTPPasswordMgrWithPriorAuth is HTTPPasswordMgrWithPriorAuth


def test_unknown_realm_and_uri_give_none(mgr: HTTPPasswordMgr) -> None:
    assert mgr.find_user_password("realm", "http://example.com/") == (None, None)


def test_registered_uri_and_everything_below_it_match(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/a", *CREDS)
    for uri in ("http://example.com/a", "http://example.com/a/", "http://example.com/a/b/c?q=1"):
        assert mgr.find_user_password("realm", uri) == CREDS, uri


def test_path_prefix_matches_on_segment_boundaries_only(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/a", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com/ab") == (None, None)
    assert mgr.find_user_password("realm", "http://example.com/") == (None, None)


def test_trailing_slash_path_covers_its_children_not_its_parent(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/a/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com/a/b") == CREDS
    assert mgr.find_user_password("realm", "http://example.com/a") == (None, None)


def test_other_realm_does_not_match(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", *CREDS)
    assert mgr.find_user_password("other", "http://example.com/") == (None, None)


def test_other_host_does_not_match(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.org/") == (None, None)
    assert mgr.find_user_password("realm", "http://sub.example.com/") == (None, None)
    assert mgr.find_user_password("realm", "http://example.com.evil.org/") == (None, None)


def test_host_comparison_ignores_case(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://Example.COM/", *CREDS)
    assert mgr.find_user_password("realm", "HTTP://example.com/x") == CREDS


def test_other_port_does_not_match(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com:8080/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com:8081/") == (None, None)
    assert mgr.find_user_password("realm", "http://example.com/") == (None, None)


def test_other_scheme_does_not_match(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "https://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com/") == (None, None)
    # Same authority spelled out, different scheme: still another origin.
    assert mgr.find_user_password("realm", "http://example.com:443/") == (None, None)


@pytest.mark.parametrize(
    ("registered", "asked"),
    [
        ("http://example.com/", "http://example.com:80/x"),
        ("http://example.com:80/", "http://example.com/x"),
        ("https://example.com/", "https://example.com:443/x"),
        ("https://example.com:443/", "https://example.com/x"),
    ],
)
def test_default_ports_are_filled_in(mgr: HTTPPasswordMgr, registered: str, asked: str) -> None:
    mgr.add_password("realm", registered, *CREDS)
    assert mgr.find_user_password("realm", asked) == CREDS


@pytest.mark.parametrize("asked", ["http://example.com/", "https://example.com/x", "example.com"])
def test_bare_host_matches_any_scheme_with_an_implied_port(mgr: HTTPPasswordMgr, asked: str) -> None:
    mgr.add_password("realm", "example.com", *CREDS)
    assert mgr.find_user_password("realm", asked) == CREDS


# urllib.request tells an explicit default port from an implied one where a bare authority is involved:
# without a scheme no default port can be guessed.
@pytest.mark.parametrize(
    ("registered", "asked", "found"),
    [
        ("http://g.example.com:80", "g.example.com:80", True),
        ("http://g.example.com:80", "g.example.com", False),
        ("http://g.example.com:80", "http://g.example.com", True),
        ("http://g.example.com:80", "g.example.com:100", False),
        ("http://h.example.com", "h.example.com", True),
        ("http://h.example.com", "h.example.com:80", True),
        ("i.example.com:80", "i.example.com", False),
        ("i.example.com:80", "http://i.example.com", True),
        ("j.example.com", "j.example.com:80", False),
        ("j.example.com", "http://j.example.com:80", False),
        ("j.example.com", "http://j.example.com", True),
    ],
)
def test_explicit_and_implied_default_ports_as_urllib_request(
    mgr: HTTPPasswordMgr, registered: str, asked: str, found: bool
) -> None:
    mgr.add_password("realm", registered, *CREDS)
    assert mgr.find_user_password("realm", asked) == (CREDS if found else (None, None))


@pytest.mark.parametrize("asked", ["http://example.com:8080/", "example.com:8080", "example.org"])
def test_bare_host_does_not_match_other_ports_or_hosts(mgr: HTTPPasswordMgr, asked: str) -> None:
    mgr.add_password("realm", "example.com", *CREDS)
    assert mgr.find_user_password("realm", asked) == (None, None)


@pytest.mark.parametrize("asked", ["http://proxy:3128/", "https://proxy:3128/x", "proxy:3128"])
def test_bare_host_and_port_matches_that_port_on_any_scheme(mgr: HTTPPasswordMgr, asked: str) -> None:
    mgr.add_password("realm", "proxy:3128", *CREDS)
    assert mgr.find_user_password("realm", asked) == CREDS


def test_bare_host_and_port_does_not_match_another_port(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "proxy:3128", *CREDS)
    assert mgr.find_user_password("realm", "proxy:3129") == (None, None)
    assert mgr.find_user_password("realm", "proxy") == (None, None)


def test_bare_authority_is_looked_up_against_registered_urls(mgr: HTTPPasswordMgr) -> None:
    # ProxyBasicAuthHandler asks with req.host, a bare authority.
    mgr.add_password("realm", "http://proxy:3128/", *CREDS)
    assert mgr.find_user_password("realm", "proxy:3128") == CREDS
    assert mgr.find_user_password("realm", "proxy:3129") == (None, None)


def test_ipv6_authorities(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://[::1]:8080/", *CREDS)
    assert mgr.find_user_password("realm", "[::1]:8080") == CREDS
    assert mgr.find_user_password("realm", "http://[::1]:8080/x") == CREDS
    assert mgr.find_user_password("realm", "http://[::1]/x") == (None, None)


def test_several_uris_at_once(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", ["http://a.example/", "http://b.example/x"], *CREDS)
    assert mgr.find_user_password("realm", "http://a.example/y") == CREDS
    assert mgr.find_user_password("realm", "http://b.example/x/y") == CREDS
    assert mgr.find_user_password("realm", "http://b.example/y") == (None, None)


def test_first_registration_wins_as_in_urllib2(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", "shallow", "1")
    mgr.add_password("realm", "http://example.com/a", "deep", "2")
    assert mgr.find_user_password("realm", "http://example.com/a/b") == ("shallow", "1")


def test_deeper_registration_made_first_keeps_its_own_credentials(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/a/b", "deep", "1")
    mgr.add_password("realm", "http://example.com/", "shallow", "2")
    assert mgr.find_user_password("realm", "http://example.com/a/b/c") == ("deep", "1")
    assert mgr.find_user_password("realm", "http://example.com/a/c") == ("shallow", "2")


def test_adding_again_replaces_in_place(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", "old", "1")
    mgr.add_password("realm", "http://example.com/a", "deep", "2")
    mgr.add_password("realm", "http://example.com:80/", "new", "3")
    assert mgr.find_user_password("realm", "http://example.com/") == ("new", "3")
    assert mgr.find_user_password("realm", "http://example.com/a") == ("new", "3")


def test_answers_follow_credentials_added_after_a_lookup(mgr: HTTPPasswordMgr) -> None:
    url = "http://example.com/a/page"
    assert mgr.find_user_password("realm", url) == (None, None)
    mgr.add_password("realm", "http://example.com/a", "first", "1")
    assert mgr.find_user_password("realm", url) == ("first", "1")
    mgr.add_password("realm", "http://example.com/a", "second", "2")
    assert mgr.find_user_password("realm", url) == ("second", "2")
    assert mgr.find_user_password("other", url) == (None, None)


def test_userinfo_in_the_asked_uri_is_not_part_of_the_host(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com@evil.org/") == (None, None)


def test_uri_without_host_is_rejected_when_added(mgr: HTTPPasswordMgr) -> None:
    with pytest.raises(ValueError, match="no host"):
        mgr.add_password("realm", "http:///path", *CREDS)


def test_malformed_asked_uri_matches_nothing(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password("realm", "http://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com:notaport/") == (None, None)
    assert mgr.find_user_password("realm", "") == (None, None)


def test_plain_manager_has_no_catch_all_realm(mgr: HTTPPasswordMgr) -> None:
    mgr.add_password(None, "http://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "http://example.com/") == (None, None)
    assert mgr.find_user_password(None, "http://example.com/") == CREDS


def test_default_realm_is_the_catch_all() -> None:
    mgr = HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, "http://example.com/", *CREDS)
    assert mgr.find_user_password("any realm", "http://example.com/x") == CREDS


def test_specific_realm_wins_over_the_default() -> None:
    mgr = HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, "http://example.com/", "default", "1")
    mgr.add_password("realm", "http://example.com/", "specific", "2")
    assert mgr.find_user_password("realm", "http://example.com/") == ("specific", "2")
    assert mgr.find_user_password("other", "http://example.com/") == ("default", "1")


def test_default_realm_keeps_the_uri_rule() -> None:
    mgr = HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, "http://example.com/", *CREDS)
    assert mgr.find_user_password("realm", "https://example.com/") == (None, None)


def test_prior_auth_unknown_uri_is_none() -> None:
    mgr = HTTPPasswordMgrWithPriorAuth()
    assert mgr.is_authenticated("http://example.com/") is None


def test_prior_auth_flag_from_add_password() -> None:
    mgr = HTTPPasswordMgrWithPriorAuth()
    mgr.add_password("realm", "http://example.com/a", *CREDS, is_authenticated=True)
    mgr.add_password("realm", "http://example.com/b", *CREDS)
    assert mgr.is_authenticated("http://example.com/a/x") is True
    assert mgr.is_authenticated("http://example.com/b/x") is False
    assert mgr.is_authenticated("http://example.com/c") is None


def test_prior_auth_update_authenticated_overrides_below_a_uri() -> None:
    mgr = HTTPPasswordMgrWithPriorAuth()
    mgr.add_password("realm", "http://example.com/", *CREDS, is_authenticated=True)
    mgr.update_authenticated("http://example.com/public", False)
    assert mgr.is_authenticated("http://example.com/public/page") is False
    assert mgr.is_authenticated("http://example.com/private") is True


def test_prior_auth_stores_credentials_for_the_default_realm_too() -> None:
    mgr = HTTPPasswordMgrWithPriorAuth()
    mgr.add_password("realm", "http://example.com/", *CREDS)
    assert mgr.find_user_password(None, "http://example.com/x") == CREDS
    assert mgr.find_user_password("other", "http://example.com/x") == CREDS
    assert mgr.find_user_password(None, "http://example.org/") == (None, None)


def test_urllib_password_manager_cases(mgr: HTTPPasswordMgr) -> None:
    # CPython's test_urllib2.test_password_manager, which urllib2 code relies on.
    add, find = mgr.add_password, mgr.find_user_password
    add("Some Realm", "http://example.com/", "joe", "password")
    add("Some Realm", "http://example.com/ni", "ni", "ni")
    add("Some Realm", "http://c.example.com:3128", "3", "c")
    add("Some Realm", "d.example.com", "4", "d")
    add("Some Realm", "e.example.com:3128", "5", "e")
    for uri in ("example.com", "http://example.com/ni", "http://example.com", "http://example.com/spam/spam"):
        assert find("Some Realm", uri) == ("joe", "password"), uri
    assert find("Some Realm", "c.example.com:3128") == ("3", "c")
    assert find("Some Realm", "http://d.example.com/x") == ("4", "d")
    assert find("Some Realm", "e.example.com:3128") == ("5", "e")
    add("c", "http://example.com/foo", "foo", "ni")
    add("c", "http://example.com/bar", "bar", "nini")
    add("c", "http://example.com/foo/bar", "foobar", "nibar")
    assert find("c", "http://example.com/foo") == ("foo", "ni")
    assert find("c", "http://example.com/bar") == ("bar", "nini")
    assert find("c", "http://example.com/foo/") == ("foo", "ni")
    assert find("c", "http://example.com/foo/bar") == ("foo", "ni")
    assert find("c", "http://example.com/foo/baz") == ("foo", "ni")
    assert find("c", "http://example.com/foobar") == (None, None)
    add("c", "http://example.com/baz/", "baz", "ninini")
    assert find("c", "http://example.com/baz") == (None, None)
    assert find("c", "http://example.com/baz/") == ("baz", "ninini")
    assert find("c", "http://example.com/baz/bar") == ("baz", "ninini")


@pytest.mark.parametrize(
    ("uri", "default_port", "reduced"),
    [
        ("http://example.com/a/b", True, ("example.com:80", "/a/b")),
        ("https://example.com", True, ("example.com:443", "/")),
        ("http://example.com:8080/x", False, ("example.com:8080", "/x")),
        ("http://example.com/x", False, ("example.com", "/x")),
        ("example.com:81", True, ("example.com:81", "/")),
    ],
)
def test_reduce_uri_as_urllib2(uri: str, default_port: bool, reduced: tuple[str, str]) -> None:
    assert HTTPPasswordMgr().reduce_uri(uri, default_port) == reduced


@pytest.mark.parametrize(
    ("base", "test", "inside"),
    [
        (("h:80", "/a"), ("h:80", "/a/b"), True),
        (("h:80", "/a"), ("h:80", "/a"), True),
        (("h:80", "/a"), ("h:80", "/ab"), False),
        (("h:80", "/a"), ("h:81", "/a/b"), False),
        (("h:80", "/"), ("h:80", "/anything"), True),
    ],
)
def test_is_suburi_on_segment_boundaries(base: tuple[str, str], test: tuple[str, str], inside: bool) -> None:
    assert HTTPPasswordMgr().is_suburi(base, test) is inside
