"""The hook specifications of urlplug: the four stages of opening a URL.

``OpenerDirector.open()`` runs them in this order for a URL of scheme ``s``:

1. **request** — :func:`urlplug_request`, every plugin in turn (urllib2's ``s_request`` processors);
2. **open** — :func:`urlplug_open` until one returns a response (``default_open``, ``s_open``,
   ``unknown_open``);
3. **response** — :func:`urlplug_response`, every plugin in turn (``s_response`` processors).

The **error** stage runs when a handler calls ``opener.error(proto, ...)``: :func:`urlplug_http_error`
for HTTP(S) status errors (``http_error_<code>``, then ``http_error_default``) and
:func:`urlplug_error` for every other protocol (``<proto>_error``).

Ordering inside a stage: ``tryfirst`` implementations run first, then plain ones, then ``trylast``
ones; within each group, by the plugin's ``handler_order`` (default 500, lower first). Classic
handlers are placed on the same hooks by the core: ``default_open`` is ``tryfirst``,
``unknown_open`` and ``http_error_default`` are ``trylast``, everything else is plain.

A plugin that sets ``schemes`` (an iterable of scheme names) is called for the request, open and
response stages of those schemes only; without it, it is called for every scheme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from email.message import Message

    from .director import OpenerDirector
    from .exchange import Exchange
    from .request import Request

PROJECT = "urlplug"

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marker for urlplug's hook specifications."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for hook implementations: decorate a plugin's ``urlplug_*`` methods with it."""


# ---------------------------------------------------------------------------------------------
# Request stage
# ---------------------------------------------------------------------------------------------


@hookspec
def urlplug_request(exchange: Exchange) -> None:
    """Pre-process a request before it is opened.

    Called for every plugin serving ``exchange.scheme``, in order, before the open stage. Change
    ``exchange.request`` in place or assign a new :class:`~urlplug.Request` to it; the next plugin and
    the open stage see the result. The return value is ignored.
    """


# ---------------------------------------------------------------------------------------------
# Open stage
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def urlplug_open(opener: OpenerDirector, request: Request) -> Any:
    """Open ``request`` and return a response, or ``None`` to let the next plugin try.

    The first non-``None`` result wins and ends the stage. ``opener`` is the calling
    :class:`~urlplug.OpenerDirector`; a plugin may call its ``open()`` or ``error()``. Raise
    :class:`~urlplug.URLError` for failures. Use ``tryfirst=True`` to see every URL before the
    scheme handlers (urllib2's ``default_open``) and ``trylast=True`` for a catch-all
    (``unknown_open``).

    A plugin that must see what the rest of the chain answers (a cache on a miss, a retry) sends
    the request on with ``opener.open_after(self, request)``: the implementations after its own, in
    order, give their response (or ``None``), which the plugin may return, store or send again.
    """


# ---------------------------------------------------------------------------------------------
# Error stage
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def urlplug_http_error(
    opener: OpenerDirector,
    request: Request,
    response: Any,
    code: int,
    msg: str,
    headers: Message,
) -> Any:
    """Handle an HTTP(S) response with status ``code`` that the error processor did not pass.

    Called through ``opener.error('http', request, response, code, msg, headers)``. Return a
    response to use instead (after a redirect or an authentication retry, say), raise
    :class:`~urlplug.HTTPError`, or return ``None`` to let the next plugin try. The first
    non-``None`` result wins. urllib2's ``http_error_<code>`` methods are plain implementations,
    ``http_error_default`` is ``trylast``.
    """


@hookspec(firstresult=True)
def urlplug_error(opener: OpenerDirector, proto: str, args: tuple[Any, ...]) -> Any:
    """Handle an error reported by a non-HTTP protocol through ``opener.error(proto, *args)``.

    ``args`` are the protocol-specific arguments. Return a result to end the stage, or ``None`` to
    let the next plugin try; the first non-``None`` result wins. urllib2's ``<proto>_error``
    methods are adapted onto this hook.
    """


# ---------------------------------------------------------------------------------------------
# Response stage
# ---------------------------------------------------------------------------------------------


@hookspec
def urlplug_response(exchange: Exchange) -> None:
    """Post-process a response after it was opened.

    Called for every plugin serving ``exchange.scheme``, in order. ``exchange.response`` holds the
    response; replace it to wrap or substitute it (``HTTPErrorProcessor`` hands non-2xx responses to
    the error stage here). The return value is ignored.
    """
