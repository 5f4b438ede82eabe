"""``Exchange``: what the request and response stages pass from one plugin to the next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .director import OpenerDirector
    from .request import Request


class Exchange:
    """One request on its way through an opener's request or response stage.

    A plugin may change ``request`` in place or replace it (request stage), and wrap or replace
    ``response`` (response stage); the next plugin sees what the previous one left. ``scheme`` is the
    URL scheme the stage runs for.
    """

    __slots__ = ("opener", "request", "response", "scheme")

    def __init__(self, opener: OpenerDirector, request: Request, scheme: str) -> None:
        self.opener = opener
        self.request = request
        self.scheme = scheme
        self.response: Any = None

    def __repr__(self) -> str:
        return f"<Exchange {self.scheme} {self.request!r} -> {self.response!r}>"
