"""Checks that keep unsafe text out of requests: every plugin uses these before sending anything."""

from __future__ import annotations

import re
from collections.abc import Mapping

_URL_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# The checks run on every request. Most text passes a quicker test of str's own first: printable
# text holds no control character, and ASCII letters, digits and hyphens are token characters. Only
# what fails it (a tab, a character outside ASCII, another token character) meets the expressions.


def _is_token(text: str) -> bool:
    return (text.isascii() and text.replace("-", "").isalnum()) or _TOKEN.fullmatch(text) is not None


def _has_value_control(text: str) -> bool:
    return not text.isprintable() and _VALUE_FORBIDDEN.search(text) is not None


def check_url(url: str) -> None:
    """Raise ``ValueError`` if ``url`` holds a control character (CR, LF, NUL, ... or DEL)."""
    if url.isprintable():
        return
    found = _URL_FORBIDDEN.search(url)
    if found is not None:
        raise ValueError(
            f"URL can't contain control characters: {url!r} "
            f"(found {found.group()!r} at position {found.start()})"
        )


def check_token(value: str, what: str) -> None:
    """Raise ``ValueError`` unless ``value`` is an RFC 7230 token (a header name or a method)."""
    if not isinstance(value, str) or not _is_token(value):
        raise ValueError(f"invalid {what} {value!r}: only RFC 7230 token characters are allowed")


def check_header_value(name: str, value: object) -> None:
    """Raise ``ValueError`` if a header value holds CR, LF, NUL or another control character."""
    text = value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)
    if text.isprintable():
        return
    found = _VALUE_FORBIDDEN.search(text)
    if found is not None:
        raise ValueError(
            f"invalid value for header {name!r}: {text!r} contains control character {found.group()!r}"
        )


def check_header(name: str, value: object) -> None:
    """Validate one header: a token name and a value free of control characters."""
    if (  # the common case, text in two scans
        type(name) is str and type(value) is str and _is_token(name) and not _has_value_control(value)
    ):
        return
    check_token(name, "header name")
    check_header_value(name, value)


def check_headers(headers: Mapping[str, object]) -> None:
    """Validate every header of ``headers`` as :func:`check_header` does, raising its ``ValueError``.

    Text headers are checked together, in one scan of the names and one of the values: a request's
    headers are checked just before sending, though most of them were checked when added.
    """
    try:
        valid = (
            all(headers) and _is_token("".join(headers)) and not _has_value_control("".join(headers.values()))  # type: ignore[arg-type]
        )
    except TypeError:  # a name or a value that is not text: checked one by one below
        valid = False
    # No headers at all also lands below, where there is nothing to check.
    if not valid:
        for name, value in headers.items():
            check_header(name, value)
