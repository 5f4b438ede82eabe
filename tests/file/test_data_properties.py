"""Properties of ``data:`` URLs: bodies read back whole, whatever the bytes; nothing but URLError escapes."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import event, given, strategies as st

import urlplug
from tests.file.test_data import fetch
from urlplug import OpenerDirector, URLError

DEFAULT_MEDIA_TYPE = "text/plain;charset=US-ASCII"
tokens = st.text("!#$%&'*+-.0123456789^_`abcxyzABCXYZ{|}~", min_size=1, max_size=10)
media_types = st.one_of(
    st.just(""),
    st.builds(
        lambda kind, params: ";".join([kind, *(f"{name}={value}" for name, value in params)]),
        st.builds("{}/{}".format, tokens, tokens),
        st.lists(st.tuples(tokens, tokens), max_size=3),
    ),
)
# '#' and '%' mean something in any URL: a media type escapes them (the parser unescapes it).
MEDIA_TYPE_SAFE = "/;=!$&'*+^`|{}"
# "Safe" characters left unescaped: none, the path's, or every sub-delimiter but ',' and '#'.
safe_sets = st.sampled_from(["", "/", ";=:@!$&'()*+/"])


@pytest.fixture(scope="module")
def opener() -> Iterator[OpenerDirector]:
    """One opener for all examples (hypothesis runs a test's examples within one fixture call)."""
    with urlplug.build_opener(plugins=("urlplug-file",)) as opener:
        yield opener


def expected(media_type: str, body: bytes) -> tuple[str, str, bytes]:
    return media_type or DEFAULT_MEDIA_TYPE, str(len(body)), body


@given(media_types, st.binary(max_size=200), st.booleans())
def test_base64_bodies_read_back(opener: OpenerDirector, media_type: str, body: bytes, escaped: bool) -> None:
    text = base64.b64encode(body).decode()
    if escaped:  # '+', '/' and '=' percent-escaped, as a careful URL writer does
        text = quote(text, safe="")
    url = f"data:{quote(media_type, safe=MEDIA_TYPE_SAFE)};base64,{text}"
    assert fetch(opener, url) == expected(media_type, body)


@given(media_types, st.binary(max_size=200), safe_sets)
def test_percent_encoded_bodies_read_back(
    opener: OpenerDirector, media_type: str, body: bytes, safe: str
) -> None:
    url = f"data:{quote(media_type, safe=MEDIA_TYPE_SAFE)},{quote_from_bytes(body, safe=safe)}"
    assert fetch(opener, url) == expected(media_type, body)


# Text a Request accepts (no control characters: those are refused earlier, as ValueError), with
# the characters data: URLs give meaning to drawn often.
any_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)
meaningful_text = st.lists(
    st.sampled_from([*",;=%/#+ \"'", "base64", "charset", "text/plain", "%2", "%ZZ", "aGk=", "é"]),
    max_size=25,
).map("".join)
url_text = st.one_of(
    any_text,
    meaningful_text,
    st.builds("{};{},{}".format, media_types, st.sampled_from(["base64", "x=1", ""]), meaningful_text),
)


@given(url_text)
def test_any_data_url_opens_or_raises_url_error(opener: OpenerDirector, text: str) -> None:
    try:
        content_type, length, body = fetch(opener, "data:" + text)
    except URLError as exc:
        event("refused")  # --hypothesis-show-statistics shows how often each outcome was tried
        assert str(exc.reason).startswith("invalid data: URL")
    else:
        event("opened")
        assert int(length) == len(body)
        assert content_type
