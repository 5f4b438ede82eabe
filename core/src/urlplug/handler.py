"""``BaseHandler``, the base of classic (urllib2-style) handlers, and ``UnknownHandler``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from .catalog import SCHEME_PROVIDERS, install_hint, installed
from .errors import URLError

if TYPE_CHECKING:
    from .director import OpenerDirector
    from .request import Request
    from .response import URLResponse


class Handler(Protocol):
    """A classic handler as an opener sees it: its place in the chain, attached and detached."""

    handler_order: int

    def add_parent(self, parent: OpenerDirector) -> None: ...

    def close(self) -> None: ...


class Opener(Protocol):
    """What ``install_opener()`` takes and ``urlopen()`` calls: ``OpenerDirector.open``'s signature."""

    def open(self, fullurl: str | Request, data: Any = ..., timeout: Any = ...) -> URLResponse: ...


class BaseHandler:
    """The base class of classic handlers: the mechanics of registration with an opener.

    Subclasses define methods named ``<scheme>_open``, ``<scheme>_request``, ``<scheme>_response``,
    ``http_error_<code>``, ``http_error_default``, ``<proto>_error``, ``default_open`` or
    ``unknown_open``; ``OpenerDirector.add_handler`` finds them. ``handler_order`` places the
    handler among the others (lower runs first).
    """

    handler_order: int = 500
    parent: OpenerDirector | None = None

    def add_parent(self, parent: OpenerDirector) -> None:
        """Attach this handler to the opener that will call it."""
        self.parent = parent

    def close(self) -> None:
        """Detach this handler from its opener."""
        self.parent = None

    def __lt__(self, other: Any) -> bool:
        if not hasattr(other, "handler_order"):
            # urllib2 kept handlers without an order at the end of the list.
            return True
        return self.handler_order < other.handler_order  # type: ignore[no-any-return]


class UnknownHandler(BaseHandler):
    """The catch-all: a URL no other handler opened ends here with a ``URLError``."""

    def unknown_open(self, req: Request) -> NoReturn:
        """Raise ``URLError``, naming the plugin to install for a well-known scheme."""
        scheme = req.type
        dist = SCHEME_PROVIDERS.get(scheme)
        if dist is None:
            hint = ""
        elif installed(dist):
            hint = f" — {dist} is installed, but this opener has no handler for it"
        else:
            hint = f" — {install_hint(dist)}"
        raise URLError(f"unknown url type: {scheme!r}{hint}")
