"""NoProxy: which hosts a no_proxy list sends directly."""

from __future__ import annotations

import pytest

from urlplug_proxy import NoProxy
from urlplug_proxy.bypass import split_host


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", ("example.com", None)),
        ("Example.COM:8080", ("example.com", 8080)),
        ("example.com.", ("example.com", None)),
        ("127.0.0.1:80", ("127.0.0.1", 80)),
        ("[::1]:8443", ("::1", 8443)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("host:notaport", ("host:notaport", None)),
        ("[::1]junk", ("[::1]junk", None)),
    ],
)
def test_split_host(host: str, expected: tuple[str, int | None]) -> None:
    assert split_host(host) == expected


def test_empty_list_bypasses_nothing() -> None:
    for spec in (None, "", " , ,"):
        assert not NoProxy(spec)
        assert not NoProxy(spec).matches("example.com")


def test_star_bypasses_everything() -> None:
    assert NoProxy("*").matches("example.com")
    assert NoProxy("*").matches("10.1.2.3:8080")
    assert NoProxy("example.org, *").matches("anything.test")


def test_name_covers_itself_and_subdomains() -> None:
    rules = NoProxy("example.com")
    assert rules.matches("example.com")
    assert rules.matches("www.example.com")
    assert rules.matches("a.b.example.com:8080")


def test_name_matches_on_label_boundaries_only() -> None:
    rules = NoProxy("example.com")
    assert not rules.matches("badexample.com")
    assert not rules.matches("example.com.evil.test")
    assert not rules.matches("com")


@pytest.mark.parametrize("entry", [".example.com", "*.example.com", "EXAMPLE.com", " example.com "])
def test_leading_dot_star_case_and_spaces_mean_the_same_domain(entry: str) -> None:
    rules = NoProxy(f"other.test,{entry}")
    assert rules.matches("www.example.com")
    assert rules.matches("example.com")
    assert not rules.matches("example.org")


def test_host_with_trailing_dot_matches() -> None:
    assert NoProxy("example.com").matches("www.example.com.")


def test_host_port_entry_matches_that_port_only() -> None:
    rules = NoProxy("example.com:8080")
    assert rules.matches("example.com:8080")
    assert rules.matches("www.example.com:8080")
    assert not rules.matches("example.com:8081")
    assert not rules.matches("example.com")


def test_host_port_entry_uses_the_schemes_default_port() -> None:
    rules = NoProxy("example.com:443")
    assert rules.matches("example.com", default_port=443)
    assert not rules.matches("example.com", default_port=80)


def test_ip_entry_matches_that_address_only() -> None:
    rules = NoProxy("127.0.0.1")
    assert rules.matches("127.0.0.1")
    assert rules.matches("127.0.0.1:8080")
    assert not rules.matches("127.0.0.2")
    assert not rules.matches("1127.0.0.1")


def test_ip_entry_with_port() -> None:
    rules = NoProxy("127.0.0.1:8080")
    assert rules.matches("127.0.0.1:8080")
    assert not rules.matches("127.0.0.1:9090")


def test_cidr_range_covers_its_addresses() -> None:
    rules = NoProxy("10.0.0.0/8, 192.168.1.0/24")
    assert rules.matches("10.200.3.4")
    assert rules.matches("10.0.0.1:8080")
    assert rules.matches("192.168.1.77")
    assert not rules.matches("192.168.2.1")
    assert not rules.matches("11.0.0.1")


def test_cidr_with_host_bits_set_is_the_enclosing_network() -> None:
    assert NoProxy("10.1.2.3/16").matches("10.1.99.99")


def test_ipv6_addresses_and_ranges() -> None:
    rules = NoProxy("::1, fd00::/8")
    assert rules.matches("[::1]:8080")
    assert rules.matches("[0:0:0:0:0:0:0:1]")
    assert rules.matches("[fd12:3456::1]")
    assert not rules.matches("[fe80::1]")


def test_bracketed_ipv6_entry_with_port() -> None:
    rules = NoProxy("[::1]:8080")
    assert rules.matches("[::1]:8080")
    assert not rules.matches("[::1]:8081")


def test_ipv4_range_does_not_cover_ipv6_hosts() -> None:
    assert not NoProxy("0.0.0.0/0").matches("[::1]")
    assert NoProxy("0.0.0.0/0").matches("8.8.8.8")


def test_names_do_not_match_addresses_and_back() -> None:
    assert not NoProxy("localhost").matches("127.0.0.1")
    assert not NoProxy("127.0.0.0/8").matches("localhost")
    assert not NoProxy("0.0.1").matches("127.0.0.1")


@pytest.mark.parametrize("junk", ["10.0.0.0/99", "300.1.1.1/8", "a b", "[::1", "*", "/8", "host/path"])
def test_malformed_entries_are_ignored(junk: str) -> None:
    rules = NoProxy(f"{junk},example.com")
    assert rules.matches("example.com")
    assert not rules.matches("example.org") or junk == "*"


def test_long_hostile_list_is_parsed_quickly() -> None:
    rules = NoProxy(",".join(f"host{i}.example" for i in range(5_000)) + ",." * 5_000)
    assert rules.matches("www.host4999.example")
    assert not rules.matches("x" * 10_000)
