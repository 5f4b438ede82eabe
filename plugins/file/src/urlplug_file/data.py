"""``DataHandler``: ``data:`` URLs (RFC 2397), the body carried in the URL itself."""

from __future__ import annotations

import base64
import binascii
import io
import re
from urllib.parse import unquote, unquote_to_bytes

from urlplug import BaseHandler, Request, Response, URLError
from urlplug.response import make_headers

_DEFAULT_MEDIA_TYPE = "text/plain;charset=US-ASCII"  # RFC 2397, for a URL that names none

# RFC 2045: a token is any ASCII character but space, controls and the tspecials ()<>@,;:\"/[]?=
_TOKEN = re.compile(r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+")
_QUOTED_STRING = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
# Base64 text may be broken into lines (RFC 2045); these are the only characters skipped.
_BASE64_WHITESPACE = b" \t\n\f\r"


def _invalid(url: str, problem: str) -> URLError:
    return URLError(f"invalid data: URL {url[:80]!r}: {problem}")


def _media_type(url: str, pieces: list[str]) -> str:
    """Validate the media type and its parameters and return the ``Content-type`` they make."""
    kind, *parameters = pieces
    if not kind:
        if not parameters:
            return _DEFAULT_MEDIA_TYPE
        kind = "text/plain"  # RFC 2397's shorthand: ``data:;charset=utf-8,...``
    main, slash, sub = kind.partition("/")
    if not (slash and _TOKEN.fullmatch(main) and _TOKEN.fullmatch(sub)):
        raise _invalid(url, f"media type {kind!r} is not 'type/subtype'")
    fields = [kind]
    for parameter in parameters:
        name, equals, value = parameter.partition("=")
        name, value = name.strip(), value.strip()
        if not (equals and _TOKEN.fullmatch(name)):
            raise _invalid(url, f"parameter {parameter!r} is not 'attribute=value'")
        if not (_TOKEN.fullmatch(value) or _QUOTED_STRING.fullmatch(value)):
            raise _invalid(url, f"parameter {name!r} has an invalid value {value!r}")
        fields.append(f"{name}={value}")
    return ";".join(fields)


def _parse(url: str) -> tuple[str, bytes]:
    """Split a ``data:`` URL (without fragment) into its ``Content-type`` and its decoded body.

    Raises ``URLError`` for a URL without the comma that ends the media type, an invalid media
    type or parameter, or base64 data that does not decode; nothing is returned in part.
    """
    rest = url.partition(":")[2]
    header, comma, payload = rest.partition(",")
    if not comma:
        raise _invalid(url, "no ',' separates the media type from the data")
    pieces = [unquote(piece).strip() for piece in header.split(";")]
    is_base64 = len(pieces) > 1 and pieces[-1].lower() == "base64"
    if is_base64:
        pieces.pop()
    content_type = _media_type(url, pieces)
    body = unquote_to_bytes(payload)
    if is_base64:
        try:
            body = base64.b64decode(body.translate(None, _BASE64_WHITESPACE), validate=True)
        except binascii.Error as exc:
            raise _invalid(url, f"the base64 data does not decode ({exc})") from exc
    return content_type, body


class DataHandler(BaseHandler):
    """Open ``data:`` URLs (RFC 2397): ``data:[<mediatype>][;base64],<data>``.

    The media type defaults to ``text/plain;charset=US-ASCII``; the data is percent-decoded and,
    with ``;base64``, base64-decoded. The response has ``Content-type`` and ``Content-length``
    headers. A malformed URL raises ``URLError``. Data sent with the request is ignored.
    """

    def data_open(self, req: Request) -> Response:
        """Decode the body carried in ``req``'s URL and return it as a response."""
        url = req.full_url
        content_type, body = _parse(url.partition("#")[0])
        headers = make_headers([("Content-type", content_type), ("Content-length", len(body))])
        return Response(io.BytesIO(body), headers, url)
