"""URL origins: the scheme, host and port that decide where credentials and cookies may go."""

from __future__ import annotations

import pytest

from urlplug.origin import Origin, origin, same_origin


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.COM/a", Origin("http", "example.com", 80)),
        ("HTTPS://example.com:8443/", Origin("https", "example.com", 8443)),
        ("https://example.com", Origin("https", "example.com", 443)),
        ("ftp://user:pw@files.example/x", Origin("ftp", "files.example", 21)),
        ("http://[::1]:8080/", Origin("http", "::1", 8080)),
        ("gopher://host/", Origin("gopher", "host", None)),
    ],
)
def test_origin(url: str, expected: Origin) -> None:
    assert origin(url) == expected


def test_unreadable_port_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        origin("http://host:99999/")


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("http://a.example/x", "http://A.example:80/y", True),
        ("http://a.example/", "https://a.example/", False),
        ("http://a.example/", "http://a.example:8080/", False),
        ("http://127.0.0.1/", "http://localhost/", False),
        ("http://a.example:bad/", "http://a.example:bad/", False),
    ],
)
def test_same_origin(first: str, second: str, same: bool) -> None:
    assert same_origin(first, second) is same
