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
from .handler import BaseHandler, Handler, Opener, UnknownHandler
from .opener import build_opener, install_opener, urlopen
from .request import Request
from .response import Response, URLResponse
from .timeouts import Timeout

if TYPE_CHECKING:
    # What the plugins of the family export as urlplug.<Name>, for type checkers (resolved lazily at
    # run time; a plugin that is not installed reads as Any).
    from urlplug_auth import (  # type: ignore[import-not-found, unused-ignore]
        AbstractBasicAuthHandler as AbstractBasicAuthHandler,
        AbstractDigestAuthHandler as AbstractDigestAuthHandler,
        HTTPBasicAuthHandler as HTTPBasicAuthHandler,
        HTTPDigestAuthHandler as HTTPDigestAuthHandler,
        HTTPPasswordMgr as HTTPPasswordMgr,
        HTTPPasswordMgrWithDefaultRealm as HTTPPasswordMgrWithDefaultRealm,
        HTTPPasswordMgrWithPriorAuth as HTTPPasswordMgrWithPriorAuth,
        NetrcPasswordMgr as NetrcPasswordMgr,
        ProxyBasicAuthHandler as ProxyBasicAuthHandler,
        ProxyDigestAuthHandler as ProxyDigestAuthHandler,
        URLCredentialsProcessor as URLCredentialsProcessor,
    )
    from urlplug_compression import (  # type: ignore[import-not-found, unused-ignore]
        ContentDecodingError as ContentDecodingError,
        ContentDecodingProcessor as ContentDecodingProcessor,
    )
    from urlplug_cookies import (  # type: ignore[import-not-found, unused-ignore]
        HTTPCookieProcessor as HTTPCookieProcessor,
    )
    from urlplug_file import (  # type: ignore[import-not-found, unused-ignore]
        DataHandler as DataHandler,
        FileHandler as FileHandler,
    )
    from urlplug_ftp import (  # type: ignore[import-not-found, unused-ignore]
        CacheFTPHandler as CacheFTPHandler,
        FTPHandler as FTPHandler,
    )
    from urlplug_http import (  # type: ignore[import-not-found, unused-ignore]
        AbstractHTTPHandler as AbstractHTTPHandler,
        ConnectionPool as ConnectionPool,
        HTTPDefaultErrorHandler as HTTPDefaultErrorHandler,
        HTTPErrorProcessor as HTTPErrorProcessor,
        HTTPHandler as HTTPHandler,
        HTTPRedirectHandler as HTTPRedirectHandler,
        HTTPSHandler as HTTPSHandler,
    )
    from urlplug_proxy import (  # type: ignore[import-not-found, unused-ignore]
        ProxyHandler as ProxyHandler,
    )
    from urlplug_responses import (  # type: ignore[import-not-found, unused-ignore]
        ResponsesHandler as ResponsesHandler,
    )

    from .hookspecs import hookimpl, hookspec
    from .retrieve import urlcleanup, urlretrieve

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_PLUGINS",
    "BaseHandler",
    "ContentTooShortError",
    "Exchange",
    "Handler",
    "HTTPError",
    "Opener",
    "OpenerDirector",
    "PluginConflictWarning",
    "PluginLoadWarning",
    "PluginWarning",
    "Request",
    "Response",
    "Timeout",
    "URLError",
    "URLResponse",
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
    elif name in ("hookimpl", "hookspec"):  # pluggy comes with them: imported for native plugins only
        from . import hookspecs

        value = getattr(hookspecs, name)
    else:
        from ._names import resolve

        value = resolve(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from .discovery import registry

    return sorted({*globals(), *(e.name for e in registry().entries if e.group == "urlplug.names")})
