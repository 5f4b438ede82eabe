"""The value of a Basic ``Authorization`` header (RFC 7617), shared by every way credentials arrive."""

from __future__ import annotations

__all__ = ["basic_authorization"]


def basic_authorization(user: str | None, password: str) -> str:
    """``Basic <base64 of user:password>``, in UTF-8.

    RFC 7617 allows a server to ask for ``charset="UTF-8"`` only; urllib2 used UTF-8 in any case.
    """
    import base64  # only requests that carry credentials pay for it

    raw = f"{user or ''}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")
