"""``build_opener``, ``install_opener`` and ``urlopen``: the default chain from what is installed."""

from __future__ import annotations

import sys
import threading
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any

from .director import OpenerDirector
from .discovery import PluginConflictWarning, PluginEntry, registry
from .handler import Opener, UnknownHandler
from .request import _GLOBAL_DEFAULT_TIMEOUT, Request
from .response import URLResponse
from .timeouts import TimeoutArgument

if TYPE_CHECKING:
    import ssl


def _replaced(default: type, handlers: tuple[Any, ...]) -> bool:
    """urllib2's rule: a class, subclass or instance of a default passed in replaces it."""
    return any(issubclass(h, default) if isinstance(h, type) else isinstance(h, default) for h in handlers)


def _accepts_context(factory: Any) -> bool:
    import inspect

    try:
        return "context" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False


def _instantiate(entry: PluginEntry, handlers: tuple[Any, ...], context: ssl.SSLContext | None) -> Any:
    """The handler an entry contributes to a new opener, or ``None``."""
    factory = entry.load()
    if factory is None or (isinstance(factory, type) and _replaced(factory, handlers)):
        return None
    if not callable(factory):
        return factory  # a native plugin module or object, used as it is
    try:
        wants_context = context is not None and _accepts_context(factory)
        handler = factory(context=context) if wants_context else factory()
    except Exception as exc:  # a broken plugin must not take the opener down
        entry.fail(exc)
        return None
    if handler is None or _replaced(type(handler), handlers):
        return None
    return handler


def _report_conflicts(opener: OpenerDirector, joined: list[tuple[Any, PluginEntry]]) -> None:
    opens = opener.handle_open
    claims: dict[tuple[str, int], list[tuple[Any, PluginEntry]]] = defaultdict(list)
    for handler, entry in joined:
        schemes = {
            s for s, handlers in opens.items() if handler in handlers and s not in ("default", "unknown")
        }
        if hasattr(handler, "urlplug_open"):  # a native plugin says which schemes it opens
            schemes.update(getattr(handler, "schemes", None) or ())
        for scheme in schemes:
            claims[scheme, getattr(handler, "handler_order", 500)].append((handler, entry))
    for (scheme, _), claimants in sorted(claims.items(), key=lambda item: item[0]):
        if len({entry.dist for _, entry in claimants}) > 1:
            named = " and ".join(f"{entry.dist} ({type(h).__name__})" for h, entry in claimants)
            first = min(claimants, key=lambda claim: opener.handlers.index(claim[0]))[0]
            warnings.warn(
                f"URL scheme {scheme!r} is claimed by {named} at the same handler_order; "
                f"{type(first).__name__} is tried first",
                PluginConflictWarning,
                stacklevel=3,
            )


def build_opener(
    *handlers: Any,
    plugins: Iterable[str] | None = None,
    context: ssl.SSLContext | None = None,
) -> OpenerDirector:
    """Return an ``OpenerDirector`` with the default chain, then ``handlers`` in order.

    The default chain is ``UnknownHandler`` plus every handler the installed plugins register
    in the ``urlplug.handlers`` entry-point group (HTTP, HTTPS, redirects, error processing, FTP,
    file, data, proxies when configured, and third-party handlers). A class, subclass or
    instance of a default passed in ``handlers`` replaces that default; classes are instantiated
    without arguments.

    ``plugins`` limits discovery to the named distributions (``()`` turns it off); by default the
    ``URLPLUG_PLUGINS`` environment variable decides, and without it every installed plugin joins.
    ``context`` is passed to default handlers whose constructor takes a ``context`` (HTTPS, FTPS).
    """
    opener = OpenerDirector()
    joined: list[tuple[Any, PluginEntry]] = []
    if not _replaced(UnknownHandler, handlers):
        opener.add_handler(UnknownHandler())
    for entry in registry().handlers(plugins):
        handler = _instantiate(entry, handlers, context)
        if handler is None:
            continue
        try:
            opener.add_handler(handler)
        except Exception as exc:  # e.g. a native plugin whose hooks match no spec
            entry.fail(exc)
            continue
        joined.append((handler, entry))
    _report_conflicts(opener, joined)
    for handler in handlers:
        opener.add_handler(handler() if isinstance(handler, type) else handler)
    return opener


_opener: Any = None
_opener_lock = threading.Lock()


def install_opener(opener: Opener | None) -> None:
    """Make ``opener`` (any object with an ``open`` method) the one ``urlopen`` uses."""
    global _opener
    _opener = opener


def _default_opener() -> Any:
    global _opener
    if _opener is None:
        with _opener_lock:
            if _opener is None:
                _opener = build_opener()
    return _opener


def _urlopen(
    url: str | Request,
    data: Any,
    timeout: TimeoutArgument,
    context: ssl.SSLContext | None,
    ca: tuple[str | None, str | None] | None = None,
) -> URLResponse:
    if context is not None or ca is not None:
        opener: Any = _tls_opener(context, *(ca or (None, None)))
    else:
        opener = _default_opener()
    response: URLResponse = opener.open(url, data, timeout)  # an installed opener may be any object
    return response


if sys.version_info >= (3, 13):  # the running Python's signature: cafile and friends are gone

    def urlopen(
        url: str | Request,
        data: Any = None,
        timeout: TimeoutArgument = _GLOBAL_DEFAULT_TIMEOUT,
        *,
        context: ssl.SSLContext | None = None,
    ) -> URLResponse:
        """Open ``url`` (a string or a ``Request``) with the installed opener and return the response.

        ``timeout`` is a number of seconds, a ``(connect, read)`` pair or a :class:`~urlplug.Timeout`;
        every limit that runs out raises :class:`~urlplug.URLTimeoutError`. The default opener is
        built once, on first use, by ``build_opener()``. ``context`` (an
        ``ssl.SSLContext``) gives this call an opener whose HTTPS and FTPS handlers use it.
        """
        return _urlopen(url, data, timeout, context)

else:

    def urlopen(
        url: str | Request,
        data: Any = None,
        timeout: TimeoutArgument = _GLOBAL_DEFAULT_TIMEOUT,
        *,
        cafile: str | None = None,
        capath: str | None = None,
        cadefault: bool = False,
        context: ssl.SSLContext | None = None,
    ) -> URLResponse:
        """Open ``url`` (a string or a ``Request``) with the installed opener and return the response.

        ``timeout`` is a number of seconds, a ``(connect, read)`` pair or a :class:`~urlplug.Timeout`;
        every limit that runs out raises :class:`~urlplug.URLTimeoutError`. The default opener is
        built once, on first use, by ``build_opener()``. ``context`` (an
        ``ssl.SSLContext``) gives this call an opener whose HTTPS and FTPS handlers use it.
        ``cafile``/``capath`` (CA certificates to trust) and ``cadefault`` (the system's CA store)
        do the same with a verifying context made from them; as in ``urllib.request`` of this
        Python they are deprecated (``DeprecationWarning``) and cannot be combined with ``context``.
        """
        if not (cafile or capath or cadefault):
            return _urlopen(url, data, timeout, context)
        warnings.warn(
            "cafile, capath and cadefault are deprecated, use a custom context instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        if context is not None:
            raise ValueError("You can't pass both context and any of cafile, capath, and cadefault")
        return _urlopen(url, data, timeout, None, (cafile, capath))


# Openers for TLS settings given to urlopen, so that calls with the same setting share kept-alive
# connections. Bounded: code that makes a new SSLContext per call must not pile up openers. A kept
# opener holds its context, so the context's id cannot be reused while the entry exists.
_TLS_OPENERS_KEPT = 8
_tls_openers: OrderedDict[Hashable, OpenerDirector] = OrderedDict()


def _tls_opener(context: ssl.SSLContext | None, cafile: str | None, capath: str | None) -> OpenerDirector:
    key: Hashable = ("context", id(context)) if context is not None else ("files", cafile, capath)
    evicted = []
    with _opener_lock:
        opener = _tls_openers.get(key)
        if opener is not None:
            _tls_openers.move_to_end(key)
            return opener
        if context is None:
            from .tls import client_context

            context = client_context(cafile=cafile, capath=capath)
        opener = _tls_openers[key] = build_opener(context=context)
        while len(_tls_openers) > _TLS_OPENERS_KEPT:
            evicted.append(_tls_openers.popitem(last=False)[1])
    for old in evicted:
        old.close()
    return opener


def forget_openers() -> None:
    """Uninstall the installed opener and close the ones ``urlopen`` kept for TLS settings."""
    with _opener_lock:
        openers = list(_tls_openers.values())
        _tls_openers.clear()
    install_opener(None)
    for opener in openers:
        opener.close()
