"""Reading the ``@file`` (or ``@-``, standard input) that ``-d``, ``--json`` and ``-F`` may name."""

from __future__ import annotations

import sys

from .failures import READ_ERROR, Failure

__all__ = ["read_source"]


def read_source(name: str) -> bytes:
    """The bytes of file ``name`` (standard input for ``-``); :class:`Failure` (exit 26) if unreadable."""
    try:
        if name == "-":
            return sys.stdin.buffer.read()
        with open(name, "rb") as file:
            return file.read()
    except OSError as exc:
        raise Failure(READ_ERROR, f"Failed to read data from {name!r}: {exc.strerror or exc}") from None
