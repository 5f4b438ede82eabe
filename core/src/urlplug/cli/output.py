"""What only a person at a terminal gets: a progress bar on stderr and pretty-printed JSON on stdout."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["discard_stdout", "is_json", "pretty_json", "progress_bar"]

_DOWNLOAD_UNIT = 1024


def progress_bar(length: str | None, offset: int, label: str) -> Any:
    """A ``tqdm`` bar on stderr for a body of ``length`` bytes (the ``Content-Length``) after ``offset``.

    ``None`` when stderr is not a terminal or ``tqdm`` (the ``urlplug[cli]`` extra) is not installed:
    imported only here, so that a command without a bar does not pay for it.
    """
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return None
    total = offset + int(length) if length is not None and length.isdigit() else None
    return tqdm(
        total=total,
        initial=offset,
        desc=label,
        unit="B",
        unit_scale=True,
        unit_divisor=_DOWNLOAD_UNIT,
        file=sys.stderr,
        dynamic_ncols=True,
    )


def is_json(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` names JSON (``application/json`` or a ``+json`` type)."""
    media = (content_type or "").partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def pretty_json(body: bytes) -> bytes | None:
    """``body`` indented for reading, or ``None`` if it is not JSON after all."""
    import json

    try:
        document = json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        return None
    return json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n"


def discard_stdout() -> None:
    """Point stdout at the null device once its reader has gone (a closed pipe), so that Python's
    flush at exit does not report the closed pipe a second time."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
