"""``OpenerDirector``: opens URLs by running the hooks of its handlers and plugins.

Reading :meth:`OpenerDirector.open` and :mod:`urlplug.hookspecs` gives the whole request path.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._classic import Adapter, adapt
from .exchange import Exchange
from .request import _GLOBAL_DEFAULT_TIMEOUT, Request
from .response import URLResponse
from .timeouts import Timeout, TimeoutArgument, as_timeout

if TYPE_CHECKING:
    import pluggy

# pluggy marks a hook implementation with this attribute (the project name, "urlplug", + "_impl").
_IMPL_MARK = "urlplug_impl"

_SCHEME_HOOKS = frozenset({"urlplug_request", "urlplug_open", "urlplug_response"})


class _CallList:
    """One hook's implementations for one scheme (or status code, or protocol), called in pluggy's order.

    Called with the hook's arguments by keyword, as pluggy's own caller is: each implementation gets
    the arguments it names, the last registered first, and a ``firstresult`` hook stops at the first
    result that is not ``None``; without pluggy's per-call bookkeeping. A classic method whose
    adapter only passes its arguments on is called directly, and classic processors that run in a
    row are called in one loop. Used only where no implementation is a wrapper and nobody monitors
    the hooks; otherwise pluggy's own caller runs.
    """

    __slots__ = ("_calls", "_firstresult")

    def __init__(self, impls: list[pluggy.HookImpl], firstresult: bool) -> None:
        self._calls: list[_Call] = []
        for in_turn, run in itertools.groupby(
            reversed(impls),
            key=lambda impl: impl.plugin.in_turn if isinstance(impl.plugin, Adapter) else None,
        ):
            group = list(run)
            if in_turn is None:
                self._calls.extend(_call(impl) for impl in group)
            else:
                self._calls.append((in_turn([impl.plugin for impl in group]), _EXCHANGE, False))
        self._firstresult = firstresult

    def __call__(self, **kwargs: Any) -> Any:
        for function, pick, spread in self._calls:
            if pick is None:
                result = function()
            elif spread:
                result = function(*pick(kwargs))
            else:
                result = function(pick(kwargs))
            if result is not None and self._firstresult:
                return result
        return None


_Call = tuple[Callable[..., Any], Callable[[dict[str, Any]], Any] | None, bool]
_EXCHANGE = operator.itemgetter("exchange")


def _call(impl: pluggy.HookImpl) -> _Call:
    """``(function, pick, spread)``: ``pick(kwargs)`` gives the one argument, or with ``spread`` the
    tuple of arguments, ``function`` takes; ``pick`` is ``None`` when it takes none."""
    plugin = impl.plugin
    function = plugin.method if isinstance(plugin, Adapter) and plugin.passes_on else impl.function
    names = tuple(impl.argnames)
    if not names:
        return function, None, False
    return function, operator.itemgetter(*names), len(names) > 1


if TYPE_CHECKING:
    _Stage = _CallList | pluggy.HookCaller
    _Route = tuple[_Stage | None, _Stage | None, _Stage | None]


@functools.cache
def _manager_class() -> type[pluggy.PluginManager]:
    """pluggy's manager, taught to read classic-handler adapters as hook implementations.

    pluggy (with ``typing`` and ``inspect``) is imported here, when an opener first needs its hooks:
    building an opener of classic handlers costs no more than ``urllib.request``'s.
    """
    import pluggy

    class PluginManager(pluggy.PluginManager):
        def parse_hookimpl_opts(self, plugin: Any, name: str) -> pluggy.HookimplOpts | None:
            if isinstance(plugin, Adapter):
                return plugin.opts if name == plugin.hook_name else None
            return super().parse_hookimpl_opts(plugin, name)

    return PluginManager


def _order(handler: Any) -> int:
    order: int = getattr(handler, "handler_order", 500)
    return order


def _is_native(plugin: object) -> bool:
    return any(
        callable(getattr(plugin, name, None)) and hasattr(getattr(plugin, name), _IMPL_MARK)
        for name in dir(plugin)
        if name.startswith("urlplug_")
    )


def _trylast(plugin: Any) -> bool:
    return isinstance(plugin, Adapter) and plugin.opts["trylast"]


def _owner(plugin: Any) -> Any:
    """The handler or native plugin an implementation belongs to."""
    return plugin.handler if isinstance(plugin, Adapter) else plugin


def _serves(plugin: Any, hook_name: str, key: Any) -> bool:
    if isinstance(plugin, Adapter):
        return plugin.key is None or plugin.key == key
    schemes = getattr(plugin, "schemes", None)
    return schemes is None or hook_name not in _SCHEME_HOOKS or key in schemes


def _new_plugin_manager() -> pluggy.PluginManager:
    from . import hookspecs

    manager = _manager_class()(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    return manager


def _validate_plugin(plugin: object) -> None:
    """Raise ``pluggy.PluginValidationError`` for a hook that matches no spec or has wrong arguments."""
    probe = _new_plugin_manager()
    probe.register(plugin)
    probe.check_pending()


class OpenerDirector:
    """Opens URLs through a chain of handlers: classic urllib2 handlers and native pluggy plugins.

    ``addheaders`` are added to every HTTP request that does not set them itself. The hooks are
    registered on :attr:`plugin_manager` (a ``pluggy.PluginManager``, made when first needed and
    replaced whenever the chain changes); watch their calls with :meth:`add_hookcall_monitoring`,
    not with the manager's own method, which does not see the opener's per-scheme call lists. An
    opener is safe to share between threads, also while handlers are added.
    """

    def __init__(self) -> None:
        version = "{}.{}".format(*sys.version_info[:2])
        self.addheaders: list[tuple[str, str]] = [("User-agent", f"Python-urllib/{version}")]
        self.handlers: list[Any] = []
        self._manager: pluggy.PluginManager | None = None
        self._plugins: dict[int, list[Any]] = {}  # id(handler) -> what it registers
        self._sequence = itertools.count()
        self._position: dict[int, tuple[int, int]] = {}
        self._lock = threading.RLock()
        self._stale = True
        # hook name -> scheme (or status code, or protocol) -> what runs that stage; None: nothing does.
        self._stages: dict[str, dict[Any, _Stage | None]] = {}
        # id of a plugin -> scheme -> the rest of the open stage after it (see open_after).
        self._after: dict[int, dict[str, _Stage | None]] = {}
        # scheme -> its request, open and response stages, as open() runs them.
        self._routes: dict[str, _Route] = {}
        self._monitors: list[tuple[Any, Any]] = []

    # --- building the chain ------------------------------------------------------------------

    def add_handler(self, handler: Any) -> None:
        """Add a classic handler instance or a native plugin (an object with ``urlplug_*`` hooks).

        Classic methods are found by name as urllib2 did; an object that offers none of them and
        no hooks is not added. Adding the same object twice has no effect.
        """
        if isinstance(handler, type):
            raise TypeError(
                f"expected a handler instance, got the class {handler.__name__}; "
                "pass an instance, or the class to build_opener()"
            )
        native = _is_native(handler)
        if not native and not hasattr(handler, "add_parent"):
            raise TypeError(
                f"expected a handler (an object with add_parent() or urlplug_* hooks), got {handler!r}"
            )
        if native:
            _validate_plugin(handler)
        plugins: list[Any] = [*adapt(handler), *([handler] if native else [])]
        with self._lock:
            if id(handler) in self._plugins or not plugins:
                return
            self._plugins[id(handler)] = plugins
            self._position[id(handler)] = (_order(handler), next(self._sequence))
            bisect.insort(self.handlers, handler, key=lambda h: self._position[id(h)])
            self._invalidate()
        if hasattr(handler, "add_parent"):
            handler.add_parent(self)

    def _invalidate(self) -> None:
        self._stale = True
        self._stages = {}
        self._after = {}
        self._routes = {}

    def _sync(self) -> None:
        """Register every plugin on a new manager, in ``handler_order``, and switch to it.

        A new manager rather than re-registering on the live one: threads opening URLs meanwhile
        go on with the old one, which stays complete.
        """
        manager = _new_plugin_manager()
        # pluggy calls the most recently registered implementation of a group first, but puts a
        # trylast one in front of the trylast ones registered before it: classic trylast methods
        # (unknown_open, http_error_default) go in the opposite order, so that handler_order holds.
        plugins = [plugin for handler in self.handlers for plugin in self._plugins[id(handler)]]
        for plugin in reversed(plugins):
            if not _trylast(plugin):
                manager.register(plugin)
        for plugin in plugins:
            if _trylast(plugin):
                manager.register(plugin)
        for before, after in self._monitors:
            manager.add_hookcall_monitoring(before, after)
        self._manager = manager
        self._stale = False

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The ``pluggy.PluginManager`` every handler and plugin of the chain is registered on."""
        with self._lock:
            if self._stale or self._manager is None:
                self._sync()
            assert self._manager is not None
            return self._manager

    def add_hookcall_monitoring(self, before: Any, after: Any) -> None:
        """Call ``before``/``after`` around every hook call, as ``pluggy.PluginManager`` does.

        ``before(hook_name, hook_impls, kwargs)`` and ``after(outcome, hook_name, hook_impls,
        kwargs)``; the monitoring stays when handlers are added later.
        """
        with self._lock:
            self._monitors.append((before, after))
            # A new manager carries every monitor; call lists skip pluggy's call path, and with it
            # the monitoring, so the stages are built again with pluggy's callers.
            self._invalidate()

    def _stage(self, hook_name: str, key: Any) -> _Stage | None:
        """The implementations of ``hook_name`` that serve ``key``, ready to call (cached until the
        chain changes); ``None`` if none do."""
        try:
            return self._stages[hook_name][key]
        except KeyError:
            pass
        with self._lock:
            caller: pluggy.HookCaller = getattr(self.plugin_manager.hook, hook_name)
            assert caller.spec is not None  # every urlplug hook has a specification
            impls = caller.get_hookimpls()
            serving = [impl for impl in impls if _serves(impl.plugin, hook_name, key)]
            stage = self._callable(hook_name, impls, serving, bool(caller.spec.opts.get("firstresult")))
            self._stages.setdefault(hook_name, {})[key] = stage
            return stage

    def _callable(
        self, hook_name: str, impls: list[pluggy.HookImpl], chosen: list[pluggy.HookImpl], firstresult: bool
    ) -> _Stage | None:
        """What calls ``chosen`` (some of the hook's ``impls``): a call list, or pluggy's own caller
        where a wrapper or a monitor needs it; ``None`` if nothing is chosen."""
        if not chosen:
            return None
        if self._monitors or any(impl.wrapper or impl.hookwrapper for impl in chosen):
            removed = [impl.plugin for impl in impls if impl not in chosen]
            return self.plugin_manager.subset_hook_caller(hook_name, removed)
        return _CallList(chosen, firstresult)

    def _route(self, scheme: str) -> _Route:
        """The request, open and response stages of ``scheme`` (cached until the chain changes)."""
        with self._lock:
            route = (
                self._stage("urlplug_request", scheme),
                self._stage("urlplug_open", scheme),
                self._stage("urlplug_response", scheme),
            )
            self._routes[scheme] = route
            return route

    def _rest_of_open_stage(self, plugin: object, scheme: str) -> _Stage | None:
        with self._lock:
            caller: pluggy.HookCaller = self.plugin_manager.hook.urlplug_open
            impls = caller.get_hookimpls()
            serving = [impl for impl in impls if _serves(impl.plugin, "urlplug_open", scheme)]
            # pluggy calls the last of its list first.
            mine = [i for i, impl in enumerate(serving) if _owner(impl.plugin) is plugin]
            if not mine:
                raise ValueError(
                    f"{plugin!r} has no urlplug_open (or <scheme>_open) in this opener's open stage "
                    f"for {scheme!r}: only a plugin of the stage can send a request on after itself"
                )
            stage = self._callable("urlplug_open", impls, serving[: min(mine)], firstresult=True)
            self._after.setdefault(id(plugin), {})[scheme] = stage
            return stage

    def open_after(self, plugin: object, request: Request) -> Any:
        """Send ``request`` on through the rest of the open stage: the implementations that come
        after ``plugin``'s own ``urlplug_open`` (or its classic ``<scheme>_open``), in order, until
        one returns a response; ``None`` if none does.

        For a plugin that must see what the rest of the chain answers: a cache on a miss, a retry
        that sends again. The request and response stages are not run again: the caller is inside
        ``open()`` already. Raises ``ValueError`` if ``plugin`` takes no part in the open stage of
        ``request``'s scheme.
        """
        scheme = request.type
        try:
            stage = self._after[id(plugin)][scheme]
        except KeyError:
            stage = self._rest_of_open_stage(plugin, scheme)
        return None if stage is None else stage(opener=self, request=request)

    # --- urllib2's tables ----------------------------------------------------------------------

    def _table(self, hook_name: str, suffix: str) -> dict[str, list[Any]]:
        table: dict[str, list[Any]] = {}
        for handler in self.handlers:
            for plugin in self._plugins.get(id(handler), ()):
                if isinstance(plugin, Adapter) and plugin.hook_name == hook_name:
                    table.setdefault(plugin.name.removesuffix(suffix), []).append(handler)
        return table

    @property
    def handle_open(self) -> dict[str, list[Any]]:
        """urllib2's table of open methods: ``'http'`` (or ``'default'``, ``'unknown'``) -> handlers."""
        return self._table("urlplug_open", "_open")

    @property
    def process_request(self) -> dict[str, list[Any]]:
        """urllib2's table of request processors: scheme -> handlers, in the order they run."""
        return self._table("urlplug_request", "_request")

    @property
    def process_response(self) -> dict[str, list[Any]]:
        """urllib2's table of response processors: scheme -> handlers, in the order they run."""
        return self._table("urlplug_response", "_response")

    @property
    def handle_error(self) -> dict[str, dict[Any, list[Any]]]:
        """urllib2's table of error handlers: ``'http'`` -> code (or ``'default'``) -> handlers; other
        protocols -> ``'error'`` -> handlers."""
        table: dict[str, dict[Any, list[Any]]] = {}
        for handler in self.handlers:
            for plugin in self._plugins.get(id(handler), ()):
                if isinstance(plugin, Adapter) and plugin.hook_name == "urlplug_http_error":
                    kind = "default" if plugin.key is None else plugin.key
                    table.setdefault("http", {}).setdefault(kind, []).append(handler)
                elif isinstance(plugin, Adapter) and plugin.hook_name == "urlplug_error":
                    table.setdefault(plugin.key, {}).setdefault("error", []).append(handler)
        return table

    # --- opening -----------------------------------------------------------------------------

    def open(
        self,
        fullurl: str | Request,
        data: Any = None,
        timeout: TimeoutArgument = _GLOBAL_DEFAULT_TIMEOUT,
    ) -> URLResponse:
        """Open ``fullurl`` (a URL string or a ``Request``), sending ``data`` if given.

        Runs the request stage, the open stage and the response stage of the URL's scheme and
        returns the response. Exceptions from handlers propagate; with ``UnknownHandler`` in the
        chain (``build_opener`` always adds it), a URL nobody opens raises ``URLError``.

        ``timeout`` is a number of seconds (as in urllib2), a ``(connect, read)`` pair or a
        :class:`~urlplug.Timeout`; it becomes ``req.timeout`` (see ``urlplug.timeouts``: a pair
        or a ``Timeout`` is started here, so its ``total`` counts from now).
        """
        if isinstance(fullurl, str):
            req = Request(fullurl, data)
        elif hasattr(fullurl, "full_url") and hasattr(fullurl, "get_method"):
            req = fullurl
            if data is not None:
                req.data = data
        else:
            raise TypeError(f"expected a URL string or a Request, got {type(fullurl).__name__}: {fullurl!r}")
        if isinstance(timeout, (Timeout, tuple)):
            timeout = as_timeout(timeout).start()
        req.timeout = timeout
        scheme = req.type
        try:
            request_stage, open_stage, response_stage = self._routes[scheme]
        except KeyError:
            request_stage, open_stage, response_stage = self._route(scheme)

        if request_stage is not None:
            exchange = Exchange(self, req, scheme)
            request_stage(exchange=exchange)
            req = exchange.request

        sys.audit("urllib.Request", req.full_url, req.data, req.headers, req.get_method())
        if open_stage is None:  # as urllib2: an opener without handlers has no answer
            return None  # type: ignore[return-value]
        response: URLResponse = open_stage(opener=self, request=req)

        if response_stage is not None and response is not None:
            exchange = Exchange(self, req, scheme)
            exchange.response = response
            response_stage(exchange=exchange)
            response = exchange.response
        return response

    def error(self, proto: str, *args: Any) -> Any:
        """Run the error stage for ``proto`` with protocol-specific ``args``.

        For ``http``/``https`` the arguments are ``(request, response, code, msg, headers)``: the
        handlers for that ``code`` run first, then the default ones (``HTTPDefaultErrorHandler``
        raises ``HTTPError``). Other protocols run their ``<proto>_error`` handlers.
        """
        if proto in ("http", "https"):
            if len(args) != 5:
                raise TypeError("HTTP errors take (request, response, code, msg, headers)")
            request, response, code, msg, headers = args
            http_stage = self._stage("urlplug_http_error", code)
            if http_stage is None:
                return None
            return http_stage(
                opener=self, request=request, response=response, code=code, msg=msg, headers=headers
            )
        stage = self._stage("urlplug_error", proto)
        return None if stage is None else stage(opener=self, proto=proto, args=args)

    def close(self) -> None:
        """Close every handler (releasing pooled connections) and empty the chain."""
        with self._lock:
            handlers, self.handlers = self.handlers, []
            self._plugins.clear()
            self._position.clear()
            self._invalidate()
        for handler in handlers:
            close = getattr(handler, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> OpenerDirector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        names = ", ".join(type(h).__name__ for h in self.handlers)
        return f"<OpenerDirector [{names}]>"
