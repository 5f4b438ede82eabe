"""DataHandler: RFC 2397 ``data:`` URLs, their headers, and the malformed ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import urlplug
from urlplug import OpenerDirector, URLError


@pytest.fixture
def opener() -> Iterator[OpenerDirector]:
    with urlplug.build_opener(plugins=("urlplug-file",)) as opener:
        yield opener


def fetch(opener: OpenerDirector, url: str) -> tuple[str, str, bytes]:
    """``(Content-type, Content-length, body)`` of ``url``."""
    with opener.open(url, timeout=5) as response:
        return response.headers["Content-type"], response.headers["Content-length"], response.read()


def refused(opener: OpenerDirector, url: str) -> str:
    """The reason ``url`` is refused, as text."""
    with pytest.raises(URLError) as caught:
        opener.open(url, timeout=5)
    return str(caught.value.reason)


# --- well-formed ---------------------------------------------------------------------------------


def test_plain_data_with_the_default_media_type(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:,hello") == ("text/plain;charset=US-ASCII", "5", b"hello")


def test_urlopen_opens_data_urls() -> None:
    with urlplug.urlopen("data:,hello", timeout=5) as response:
        assert response.read() == b"hello"


def test_response_url_is_the_data_url_and_has_no_status(opener: OpenerDirector) -> None:
    with opener.open("data:,hello", timeout=5) as response:
        assert response.geturl() == "data:,hello"
        assert response.getcode() is None


def test_media_type_and_charset_become_the_content_type(opener: OpenerDirector) -> None:
    content_type, _, _ = fetch(opener, "data:text/html;charset=utf-8,<p>")
    assert content_type == "text/html;charset=utf-8"


def test_charset_alone_means_text_plain(opener: OpenerDirector) -> None:
    content_type, _, _ = fetch(opener, "data:;charset=utf-8,x")
    assert content_type == "text/plain;charset=utf-8"


def test_percent_escaped_parameter_value_is_decoded(opener: OpenerDirector) -> None:
    content_type, _, _ = fetch(opener, "data:text/plain;charset=iso%2D8859%2D1,x")
    assert content_type == "text/plain;charset=iso-8859-1"


def test_quoted_string_parameter_value_is_kept(opener: OpenerDirector) -> None:
    content_type, _, _ = fetch(opener, "data:text/plain;title=%22two%20words%22,x")
    assert content_type == 'text/plain;title="two words"'


def test_base64_data_is_decoded(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:image/gif;base64,R0lGODdh") == ("image/gif", "6", b"GIF87a")


def test_base64_alone_keeps_the_default_media_type(opener: OpenerDirector) -> None:
    content_type, _, body = fetch(opener, "data:;base64,aGk=")
    assert (content_type, body) == ("text/plain;charset=US-ASCII", b"hi")


def test_base64_marker_is_case_insensitive(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:text/plain;BASE64,aGk=")[2] == b"hi"


def test_base64_may_use_plus_and_slash(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:;base64,+/8=")[2] == b"\xfb\xff"


def test_base64_may_be_broken_by_escaped_whitespace(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:;base64,aGVs%0D%0AbG8g%20d29y%09bGQ=")[2] == b"hello world"


def test_percent_escapes_give_any_bytes(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:application/octet-stream,%00%FF%0A%25")[2] == b"\x00\xff\n%"


def test_percent_escaped_base64_is_decoded(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:;base64,aGk%3D")[2] == b"hi"


def test_non_ascii_text_is_sent_as_utf8(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:;charset=utf-8,café")[2] == "café".encode()


def test_commas_after_the_first_belong_to_the_data(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:,a,b,c")[2] == b"a,b,c"


def test_empty_data_has_content_length_zero(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:,") == ("text/plain;charset=US-ASCII", "0", b"")


def test_fragment_is_not_part_of_the_data(opener: OpenerDirector) -> None:
    assert fetch(opener, "data:,abc#frag")[2] == b"abc"


def test_scheme_is_case_insensitive(opener: OpenerDirector) -> None:
    assert fetch(opener, "DATA:,abc")[2] == b"abc"


def test_body_sent_with_the_request_is_ignored(opener: OpenerDirector) -> None:
    with opener.open("data:,abc", data=b"ignored", timeout=5) as response:
        assert response.read() == b"abc"


# --- malformed -----------------------------------------------------------------------------------


def test_url_without_a_comma_is_refused(opener: OpenerDirector) -> None:
    assert "no ','" in refused(opener, "data:text/plain;base64")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("aGk", id="missing-padding"),
        pytest.param("aGk=aGk=", id="data-after-padding"),
        pytest.param("aG!k", id="character-outside-the-alphabet"),
        pytest.param("aG-_", id="url-safe-alphabet"),
        pytest.param("aGk%FF=", id="escaped-non-ascii"),
    ],
)
def test_bad_base64_is_refused(opener: OpenerDirector, data: str) -> None:
    assert "base64" in refused(opener, f"data:;base64,{data}")


@pytest.mark.parametrize(
    "media_type",
    [
        pytest.param("text", id="no-subtype"),
        pytest.param("text/", id="empty-subtype"),
        pytest.param("/plain", id="empty-type"),
        pytest.param("text/pl ain", id="space-in-subtype"),
        pytest.param("text/plain/extra", id="two-slashes"),
        pytest.param("te%00xt/plain", id="control-character"),
    ],
)
def test_invalid_media_type_is_refused(opener: OpenerDirector, media_type: str) -> None:
    assert "media type" in refused(opener, f"data:{media_type},x")


@pytest.mark.parametrize(
    "parameter",
    [
        pytest.param("charset", id="no-value"),
        pytest.param("charset=", id="empty-value"),
        pytest.param("=utf-8", id="empty-name"),
        pytest.param("", id="empty-parameter"),
        pytest.param("charset=%22unterminated", id="unterminated-quote"),
        pytest.param("charset=a%0D%0AX-Injected:%201", id="header-injection"),
        pytest.param("charset=caf%C3%A9", id="non-ascii-value"),
    ],
)
def test_invalid_parameter_is_refused(opener: OpenerDirector, parameter: str) -> None:
    assert "parameter" in refused(opener, f"data:text/plain;{parameter},x")


def test_base64_marker_before_another_parameter_is_refused(opener: OpenerDirector) -> None:
    assert "parameter 'base64'" in refused(opener, "data:text/plain;base64;charset=utf-8,aGk=")


def test_refusal_names_the_url(opener: OpenerDirector) -> None:
    assert "'data:;base64,aGk'" in refused(opener, "data:;base64,aGk")
