"""Request: urllib2's methods and Python 3's attributes, with the seed's semantics."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from urlplug import Request
from urlplug.validate import check_headers


def test_parses_type_host_and_selector() -> None:
    req = Request("http://example.com:8080/a/b?q=1")
    assert (req.type, req.host, req.selector) == ("http", "example.com:8080", "/a/b?q=1")
    assert (req.get_type(), req.get_host(), req.get_selector()) == ("http", "example.com:8080", "/a/b?q=1")


def test_scheme_is_lowercased() -> None:
    assert Request("HTTP://example.com/").type == "http"


@pytest.mark.parametrize(
    ("url", "selector"),
    [("http://h?q=1", "/?q=1"), ("http://h", ""), ("http://h#f", ""), ("http://h/p?q", "/p?q")],
)
def test_selector_of_a_url_without_path_starts_with_a_slash(url: str, selector: str) -> None:
    assert Request(url).selector == selector


def test_fragment_is_not_sent_to_a_proxy() -> None:
    req = Request("http://origin.example/page?x=1#secret")
    req.set_proxy("proxy.example:3128", "http")
    assert req.selector == "http://origin.example/page?x=1"
    assert req.has_proxy()
    assert req.full_url == "http://origin.example/page?x=1#secret"


def test_url_without_authority_has_empty_host() -> None:
    req = Request("data:text/plain,hi")
    assert (req.type, req.host, req.selector) == ("data", "", "text/plain,hi")


def test_fragment_kept_in_full_url_but_not_in_selector() -> None:
    req = Request("http://example.com/page#section")
    assert req.full_url == "http://example.com/page#section"
    assert req.get_full_url() == "http://example.com/page#section"
    assert req.selector == "/page"
    assert req.fragment == "section"


def test_full_url_setter_reparses() -> None:
    req = Request("http://a.example/x")
    req.full_url = "https://b.example/y#f"
    assert (req.type, req.host, req.selector, req.fragment) == ("https", "b.example", "/y", "f")


def test_full_url_deleter_clears_url() -> None:
    req = Request("http://a.example/x")
    del req.full_url
    assert req.selector == ""
    assert req.fragment is None


def test_urllib2_wrapped_url_form_is_accepted() -> None:
    assert Request("<URL:http://example.com/x>").full_url == "http://example.com/x"


def test_percent_escaped_host_is_unquoted() -> None:
    assert Request("http://ex%61mple.com/").host == "example.com"


def test_data_makes_a_post() -> None:
    assert Request("http://h/").get_method() == "GET"
    assert Request("http://h/", data=b"x=1").get_method() == "POST"


def test_explicit_method_wins_over_data() -> None:
    assert Request("http://h/", data=b"x", method="PUT").get_method() == "PUT"
    assert Request("http://h/", method="HEAD").get_method() == "HEAD"


def test_subclass_method_attribute_is_used() -> None:
    class Delete(Request):
        method = "DELETE"

    assert Delete("http://h/").get_method() == "DELETE"


def test_urllib2_data_methods() -> None:
    req = Request("http://h/")
    assert not req.has_data()
    req.add_data(b"payload")
    assert req.has_data()
    assert req.get_data() == b"payload"
    assert req.data == b"payload"


def test_changing_data_drops_a_stale_content_length() -> None:
    req = Request("http://h/", data=b"abc")
    req.add_unredirected_header("Content-length", "3")
    req.data = b"abcdef"
    assert not req.has_header("Content-length")


def test_data_deleter() -> None:
    req = Request("http://h/", data=b"abc")
    del req.data
    assert req.data is None


def test_add_header_capitalizes_and_overwrites() -> None:
    req = Request("http://h/")
    req.add_header("x-custom-NAME", "1")
    req.add_header("X-CUSTOM-name", "2")
    assert req.headers == {"X-custom-name": "2"}
    assert req.get_header("X-custom-name") == "2"


def test_headers_argument_is_added_like_add_header() -> None:
    req = Request("http://h/", headers={"user-agent": "me"})
    assert req.get_header("User-agent") == "me"


def test_unredirected_headers_are_seen_by_has_get_and_items() -> None:
    req = Request("http://h/")
    req.add_unredirected_header("Authorization", "secret")
    req.add_header("Accept", "*/*")
    assert req.has_header("Authorization")
    assert req.get_header("Authorization") == "secret"
    assert dict(req.header_items()) == {"Authorization": "secret", "Accept": "*/*"}
    assert "Authorization" not in req.headers


def test_regular_header_wins_over_unredirected_in_items() -> None:
    req = Request("http://h/")
    req.add_unredirected_header("Accept", "a")
    req.add_header("Accept", "b")
    assert dict(req.header_items()) == {"Accept": "b"}


def test_get_header_default_and_remove_header() -> None:
    req = Request("http://h/", headers={"Accept": "x"})
    req.remove_header("Accept")
    assert req.get_header("Accept", "none") == "none"


def test_set_proxy_for_http_keeps_the_url_as_selector() -> None:
    req = Request("http://origin.example/path")
    req.set_proxy("proxy.example:3128", "http")
    assert req.host == "proxy.example:3128"
    assert req.selector == "http://origin.example/path"
    assert req.type == "http"
    assert req.has_proxy()


def test_set_proxy_for_https_sets_up_a_tunnel() -> None:
    req = Request("https://origin.example/path")
    req.set_proxy("proxy.example:3128", "http")
    assert req.host == "proxy.example:3128"
    assert req._tunnel_host == "origin.example"
    assert req.type == "https"
    assert req.selector == "/path"
    assert not req.has_proxy()


def test_origin_req_host_defaults_to_the_url_host_without_port() -> None:
    req = Request("http://WWW.Example.com:8080/x")
    assert req.origin_req_host == "www.example.com"
    assert req.get_origin_req_host() == "www.example.com"


def test_origin_req_host_and_unverifiable_arguments() -> None:
    req = Request("http://img.example/x.png", origin_req_host="page.example", unverifiable=True)
    assert req.get_origin_req_host() == "page.example"
    assert req.is_unverifiable()
    assert not Request("http://h/").is_unverifiable()


def test_request_survives_deepcopy() -> None:
    req = Request("http://h/a#f", data=b"d", headers={"A": "1"}, method="PUT")
    req.add_unredirected_header("B", "2")
    clone = copy.deepcopy(req)
    assert clone is not req
    assert (clone.full_url, clone.data, clone.get_method()) == ("http://h/a#f", b"d", "PUT")
    assert dict(clone.header_items()) == {"A": "1", "B": "2"}
    clone.add_header("A", "changed")
    assert req.get_header("A") == "1"


@pytest.mark.parametrize("url", [b"http://h/", None, 42, ["http://h/"]])
def test_non_string_url_is_a_type_error(url: object) -> None:
    with pytest.raises(TypeError, match="URL must be a str"):
        Request(url)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", ["", "   "])
def test_empty_url_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="empty URL"):
        Request(url)


@pytest.mark.parametrize("url", ["example.com/path", "/just/a/path", "://nohost", "1http://x/"])
def test_url_without_scheme_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="unknown url type"):
        Request(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://h/a\r\nX-Injected: 1",
        "http://h/a\nb",
        "http://h/\x00",
        "http://h/\x7f",
        "http://h\r\n/",
        "http://h/#frag\n",
    ],
)
def test_control_characters_in_url_are_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        Request(url)


def test_control_characters_in_url_are_rejected_when_set_later() -> None:
    req = Request("http://h/")
    with pytest.raises(ValueError, match="control characters"):
        req.full_url = "http://h/\r\nInjected: yes"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Test", "a\r\nInjected: 1"),
        ("X-Test", "a\nb"),
        ("X-Test", "a\x00b"),
        ("X-Test", b"a\r\nb"),
        ("Bad Name", "v"),
        ("Bad:Name", "v"),
        ("X-Test\r\n", "v"),
        ("", "v"),
    ],
)
def test_bad_headers_are_kept_until_the_request_is_sent(name: str, value: object) -> None:
    # As urllib.request: code builds requests outside its try; the check comes when sending.
    req = Request("http://h/", headers={name: value})
    req.add_header(name, value)
    req.add_unredirected_header(name, value)
    assert req.get_header(name.capitalize()) == value


def test_tab_in_header_value_is_allowed() -> None:
    req = Request("http://h/", headers={"X-Test": "a\tb"})
    assert req.get_header("X-test") == "a\tb"


@pytest.mark.parametrize("method", ["GET\r\n", "PO ST", "G\x00T"])
def test_bad_methods_are_kept_until_the_request_is_sent(method: str) -> None:
    assert Request("http://h/", method=method).get_method() == method


def test_an_empty_method_means_the_default_one() -> None:
    assert Request("http://h/", method="").get_method() == "GET"
    assert Request("http://h/", b"x", method="").get_method() == "POST"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Ok": "v", "Bad name": "v"}, "invalid header name 'Bad name'"),
        ({"": "v"}, "invalid header name ''"),
        ({"Ok": "v", "X": "a\r\nInjected: 1"}, "invalid value for header 'X'"),
        ({"X": b"a\nb"}, "invalid value for header 'X'"),
        ({b"X": "v"}, "invalid header name b'X'"),
    ],
)
def test_check_headers_names_the_first_bad_header(headers: dict[Any, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        check_headers(headers)


def test_check_headers_accepts_text_bytes_and_numbers() -> None:
    check_headers({"Host": "h", "X-Tab": "a\tb", "X-Raw": b"v", "Content-Length": 3})


def test_origin_req_host_stays_the_origin_after_set_proxy() -> None:
    # http.cookiejar reads it to decide third-party cookies; the proxy is not the origin.
    for url, proxy_type in (("http://www.python.org:8080/x", "http"), ("https://www.python.org/x", "http")):
        req = Request(url)
        req.set_proxy("proxy.example:3128", proxy_type)
        assert req.host == "proxy.example:3128"
        assert req.origin_req_host == req.get_origin_req_host() == "www.python.org"
