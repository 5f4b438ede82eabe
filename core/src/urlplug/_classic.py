"""Classic handlers on the hooks: urllib2's method-name protocol adapted onto urlplug's hook specs.

``OpenerDirector.add_handler`` asks :func:`adapt` for one small adapter per method it finds; each
adapter implements exactly one hook and knows the scheme, status code or protocol it serves, so the
opener can cache per-scheme call lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pluggy import HookimplOpts

    from .exchange import Exchange

# urllib2 skipped these explicitly: they look like hook methods but are helpers.
_NOT_HOOKS = frozenset({"do_open", "proxy_open", "redirect_request"})
# A native plugin's hooks (urlplug_open, urlplug_error, ...), never a classic scheme "urlplug".
_NATIVE_PREFIX = "urlplug_"
_SCHEME_NAME = re.compile(r"[a-z][a-z0-9]*")
_FIRST, _PLAIN, _LAST = "tryfirst", "plain", "trylast"


def _impl_opts(tier: str) -> HookimplOpts:
    return {
        "wrapper": False,
        "hookwrapper": False,
        "optionalhook": False,
        "tryfirst": tier == _FIRST,
        "trylast": tier == _LAST,
        "specname": None,
    }


class Adapter:
    """One method of a classic handler, presented to pluggy as a plugin implementing one hook.

    ``key`` is the scheme (request, open, response stages), status code (HTTP errors) or protocol
    (other errors) it serves, or ``None`` for all of them.
    """

    __slots__ = ("handler", "handler_order", "key", "method", "name", "opts")
    hook_name: str = ""
    passes_on = False
    """Whether the hook implementation only calls ``method`` with the same arguments: then callers
    may call ``method`` directly."""
    in_turn: Callable[[list[Any]], Callable[[Exchange], None]] | None = None
    """For processors: makes one implementation of the adapters of the class that run in a row (one
    or more), given the exchange."""

    def __init__(self, handler: object, name: str, method: Callable[..., Any], key: Any, tier: str) -> None:
        self.handler = handler
        self.name = name
        self.method = method
        self.key = key
        self.opts = _impl_opts(tier)
        self.handler_order: int = getattr(handler, "handler_order", 500)

    def describe(self) -> str:
        """``Class.method``, for error messages and plugin listings."""
        return f"{type(self.handler).__name__}.{self.name}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


class _RequestAdapter(Adapter):
    __slots__ = ()
    hook_name = "urlplug_request"

    def urlplug_request(self, exchange: Exchange) -> None:
        self.in_turn([self])(exchange)  # pluggy's own caller; call lists run in_turn's directly

    @staticmethod
    def in_turn(adapters: list[Any]) -> Callable[[Exchange], None]:
        """One ``urlplug_request`` running the processors of ``adapters`` one after the other, each
        given what the one before returned, as urllib2's loop did."""
        steps = [(adapter.method, adapter) for adapter in adapters]

        def urlplug_request(exchange: Exchange) -> None:
            request = exchange.request
            for method, adapter in steps:
                given = request
                request = method(given)
                if request is not given and not hasattr(request, "full_url"):
                    raise TypeError(
                        f"{adapter.describe()} returned {type(request).__name__!r}; a processor must "
                        "return the Request to continue with"
                    )
            exchange.request = request

        return urlplug_request


class _OpenAdapter(Adapter):
    __slots__ = ()
    hook_name = "urlplug_open"
    passes_on = True

    def urlplug_open(self, request: Any) -> Any:
        return self.method(request)  # whatever it returns, as urllib2: test doubles return their own


class _ResponseAdapter(Adapter):
    __slots__ = ()
    hook_name = "urlplug_response"

    def urlplug_response(self, exchange: Exchange) -> None:
        self.in_turn([self])(exchange)  # pluggy's own caller; call lists run in_turn's directly

    @staticmethod
    def in_turn(adapters: list[Any]) -> Callable[[Exchange], None]:
        """One ``urlplug_response`` running the processors of ``adapters`` one after the other."""
        methods = [adapter.method for adapter in adapters]

        def urlplug_response(exchange: Exchange) -> None:
            request, response = exchange.request, exchange.response
            for method in methods:
                response = method(request, response)
            exchange.response = response

        return urlplug_response


class _HTTPErrorAdapter(Adapter):
    __slots__ = ()
    hook_name = "urlplug_http_error"
    passes_on = True

    def urlplug_http_error(self, request: Any, response: Any, code: int, msg: str, headers: Any) -> Any:
        return self.method(request, response, code, msg, headers)


class _ErrorAdapter(Adapter):
    __slots__ = ()
    hook_name = "urlplug_error"

    def urlplug_error(self, args: tuple[Any, ...]) -> Any:
        return self.method(*args)


def _classify(name: str) -> tuple[type[Adapter], Any, str] | None:
    """Map a method name to (adapter class, key, tier), or ``None`` if it is not a hook method."""
    if name in _NOT_HOOKS or name.startswith(("_", _NATIVE_PREFIX)):
        return None
    proto, _, condition = name.partition("_")
    if not condition or _SCHEME_NAME.fullmatch(proto) is None:
        return None
    if condition == "open":
        if proto == "default":
            return _OpenAdapter, None, _FIRST
        if proto == "unknown":
            return _OpenAdapter, None, _LAST
        return _OpenAdapter, proto, _PLAIN
    if condition == "request":
        return _RequestAdapter, proto, _PLAIN
    if condition == "response":
        return _ResponseAdapter, proto, _PLAIN
    if condition == "error":
        return None if proto in ("http", "https") else (_ErrorAdapter, proto, _PLAIN)
    if proto == "http" and condition.startswith("error_"):
        kind = condition[len("error_") :]
        if kind == "default":
            return _HTTPErrorAdapter, None, _LAST
        if len(kind) == 3 and kind.isdigit():
            return _HTTPErrorAdapter, int(kind), _PLAIN
    return None


def adapt(handler: object) -> list[Adapter]:
    """Find the classic hook methods of ``handler`` and return one adapter for each."""
    adapters = []
    for name in dir(handler):
        found = _classify(name)
        if found is None:
            continue
        method = getattr(handler, name, None)
        if callable(method):
            adapter_class, key, tier = found
            adapters.append(adapter_class(handler, name, method, key, tier))
    return adapters
