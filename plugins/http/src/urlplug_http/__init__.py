"""urlplug-http: urllib2's HTTP and HTTPS handlers, redirects and error processing, on kept-alive connections.

The default opener gets ``HTTPHandler``, ``HTTPSHandler`` (when ``ssl`` imports),
``HTTPDefaultErrorHandler``, ``HTTPRedirectHandler`` and ``HTTPErrorProcessor`` from this plugin's
entry points. The HTTP(S) handlers keep connections alive in a :class:`ConnectionPool`;
``opener.close()`` closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urlplug import lazy

from .errors import HTTPDefaultErrorHandler, HTTPErrorProcessor
from .handler import AbstractHTTPHandler, HTTPHandler, HTTPSHandler, https_handler
from .pool import ConnectionPool
from .redirect import HTTPRedirectHandler

if TYPE_CHECKING:
    from .response import HTTPResponse

__all__ = [
    "AbstractHTTPHandler",
    "ConnectionPool",
    "HTTPDefaultErrorHandler",
    "HTTPErrorProcessor",
    "HTTPHandler",
    "HTTPRedirectHandler",
    "HTTPResponse",
    "HTTPSHandler",
    "https_handler",
]


# The response class subclasses http.client's, which the first request imports.
__getattr__ = lazy.exports(__name__, {"HTTPResponse": ".response"})
