"""urlplug: urllib2's extensible URL opener, rebuilt for Python 3 as a plugin framework.

``import urlplug as urllib2`` works. The core holds the machinery; handlers come from installed
plugin distributions and are reachable as ``urlplug.<Name>`` (``urlplug.HTTPBasicAuthHandler`` once
``urlplug-auth`` is installed) without importing them first. ``import urlplug`` imports no plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog import BUILTIN_PLUGINS
from .director import OpenerDirector
from .discovery import PluginConflictWarning, PluginLoadWarning, PluginWarning
from .errors import ContentTooShortError, HTTPError, URLError, URLTimeoutError
from .exchange import Exchange
from .handler import BaseHandler, UnknownHandler
from .hookspecs import hookimpl, hookspec
from .opener import build_opener, install_opener, urlopen
from .request import Request
from .response import Response
from .timeouts import Timeout

if TYPE_CHECKING:
    from .retrieve import urlcleanup, urlretrieve

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_PLUGINS",
    "BaseHandler",
    "ContentTooShortError",
    "Exchange",
    "HTTPError",
    "OpenerDirector",
    "PluginConflictWarning",
    "PluginLoadWarning",
    "PluginWarning",
    "Request",
    "Response",
    "Timeout",
    "URLError",
    "URLTimeoutError",
    "UnknownHandler",
    "build_opener",
    "getproxies",
    "hookimpl",
    "hookspec",
    "install_opener",
    "parse_http_list",
    "parse_keqv_list",
    "pathname2url",
    "url2pathname",
    "urlcleanup",
    "urlopen",
    "urlretrieve",
]

# Small helpers urllib.request users call, imported from there on first use.
_STDLIB_HELPERS = frozenset(
    {"getproxies", "parse_http_list", "parse_keqv_list", "pathname2url", "url2pathname", "proxy_bypass"}
)


def __getattr__(name: str) -> Any:
    """Resolve helpers and the names installed plugins export, on first use."""
    if name in _STDLIB_HELPERS:
        from ._stdlib import urllib_request

        value = getattr(urllib_request(), name)
    elif name in ("urlretrieve", "urlcleanup"):
        from . import retrieve

        value = getattr(retrieve, name)
    else:
        from ._names import resolve

        value = resolve(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from .discovery import registry

    return sorted({*globals(), *(e.name for e in registry().entries if e.group == "urlplug.names")})
