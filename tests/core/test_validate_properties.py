"""Properties of URL and header validation: a control character is always refused, nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from urlplug import Request
from urlplug.validate import check_header, check_header_value, check_headers, check_token, check_url

# RFC 5234's CTL, what the checks refuse; a header value may hold HTAB (RFC 9110). C1 controls
# (U+0080-U+009F) are no CTL: a header value may carry them as obs-text, so they count as clean here.
CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]
VALUE_CONTROLS = [c for c in CONTROLS if c != "\t"]
TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Any text but surrogates (which no str from the outside holds) and the controls.
clean_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=CONTROLS))
clean_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=VALUE_CONTROLS))
tokens = st.text(TCHARS, min_size=1)


@st.composite
def with_one_of(draw: st.DrawFn, text: st.SearchStrategy[str], controls: list[str]) -> str:
    """``text`` with one of ``controls`` put in at any place."""
    clean = draw(text)
    at = draw(st.integers(0, len(clean)))
    return clean[:at] + draw(st.sampled_from(controls)) + clean[at:]


@given(clean_text)
def test_a_url_without_control_characters_is_accepted(url: str) -> None:
    check_url(url)


@given(with_one_of(st.text(), CONTROLS))
def test_a_url_with_a_control_character_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        check_url(url)


@given(with_one_of(clean_text, CONTROLS))
def test_a_request_for_a_url_with_a_control_character_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        Request("http://example.org/" + path)


@given(tokens, clean_values)
@example("X-Mixed_Token~1", "caf\u00e9\tau lait\u00a0")  # a tab, latin-1 beyond ASCII: not printable
def test_a_token_name_and_a_value_without_controls_are_accepted(name: str, value: str) -> None:
    check_token(name, "header name")
    check_header(name, value)
    check_header_value(name, value.encode("utf-8"))  # bytes are read as latin-1: still no controls


@given(tokens, with_one_of(st.text(), VALUE_CONTROLS))
def test_a_header_value_with_a_control_character_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        check_header(name, value)
    with pytest.raises(ValueError, match="control character"):
        check_header_value(name, value)


@given(st.text().filter(lambda name: not name or any(c not in TCHARS for c in name)), clean_values)
@example("X-\u00c4rger", "v")  # letters and digits beyond ASCII are no token characters
@example("X-\u00b2", "v")
def test_a_header_name_that_is_no_token_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="token"):
        check_header(name, value)
    with pytest.raises(ValueError, match="token"):
        check_token(name, "header name")


@given(st.dictionaries(st.one_of(tokens, st.text(max_size=3)), st.one_of(clean_values, st.text(max_size=3))))
def test_checking_headers_together_agrees_with_checking_each(headers: dict[str, str]) -> None:
    refused = []
    for name, value in headers.items():
        try:
            check_header(name, value)
        except ValueError as exc:
            refused.append(str(exc))
    if refused:
        with pytest.raises(ValueError) as caught:
            check_headers(headers)
        assert str(caught.value) == refused[0]
    else:
        check_headers(headers)
