"""``-F``: a ``multipart/form-data`` body from curl's field syntax, encoded by urllib3.

``name=text`` is a text field; ``name=@path`` uploads a file (its name sent as the file name, its type
guessed from the extension); ``name=<path`` sends a file's content as a text field; ``-`` is standard
input. After ``@path`` or ``<path``, ``;type=TYPE`` and ``;filename=NAME`` set those.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .failures import FAILED_INIT, NOT_BUILT_IN, Failure
from .sources import read_source

if TYPE_CHECKING:
    from urllib3.fields import RequestField

__all__ = ["multipart"]


def multipart(specs: list[str]) -> tuple[bytes, str]:
    """The body and its ``Content-Type`` (with the boundary) for the ``-F`` arguments ``specs``."""
    try:
        from urllib3.fields import RequestField
        from urllib3.filepost import encode_multipart_formdata
    except ImportError:
        raise Failure(
            NOT_BUILT_IN, "-F needs urllib3, which is not installed: pip install 'urlplug[cli]'"
        ) from None
    return encode_multipart_formdata([_field(spec, RequestField) for spec in specs])


def _field(spec: str, field_class: type[RequestField]) -> RequestField:
    """One form field from ``name=text``, ``name=@path[;type=...][;filename=...]`` or ``name=<path``."""
    name, equals, value = spec.partition("=")
    if not (name and equals):
        raise Failure(FAILED_INIT, f"-F {spec!r} is not of the form name=value")
    if value[:1] not in ("@", "<"):
        field = field_class(name, value)
        field.make_multipart()
        return field
    path, *settings = value[1:].split(";")
    given = dict(setting.partition("=")[::2] for setting in settings)
    if value[0] == "<":  # the file's content as a text field
        field = field_class(name, read_source(path))
        field.make_multipart(content_type=given.get("type"))
        return field
    filename = given.get("filename") or (os.path.basename(path) if path != "-" else None)
    field = field_class(name, read_source(path), filename=filename)
    field.make_multipart(content_type=given.get("type") or _guess_type(filename))
    return field


def _guess_type(filename: str | None) -> str:
    import mimetypes

    return (mimetypes.guess_type(filename)[0] if filename else None) or "application/octet-stream"
