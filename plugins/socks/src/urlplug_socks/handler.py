"""``SOCKSHandler``: opens the requests that ``ProxyHandler`` routes through a SOCKS proxy.

``ProxyHandler`` points such a request at the proxy (``req.set_proxy(host, "socks5")``, its
credentials in ``Proxy-authorization``) and opens it again under the proxy's scheme, as urllib2
did for every proxy whose scheme is not the URL's. This handler's ``socks5_open`` (and
``socks4_open``, ``socks4a_open``, ``socks5h_open``) sends it to the origin on the HTTP plugin's
pooled route, over connections made through the proxy: plain HTTP, or TLS to the origin verified
against the origin's name.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from urlplug import Request, URLError
from urlplug.tls import ContextOnFirstUse
from urlplug_http import AbstractHTTPHandler, HTTPSHandler

if TYPE_CHECKING:
    import ssl

    from urlplug_http import ConnectionPool

    from .proxy import SOCKSProxy

__all__ = ["SOCKSHandler"]

_CREDENTIALS_HEADER = "Proxy-authorization"  # how ProxyHandler hands the proxy URL's user:password on


class SOCKSHandler(AbstractHTTPHandler):
    """Open ``http:`` and ``https:`` URLs through the SOCKS proxies ``ProxyHandler`` routes them to.

    Connections through a proxy are kept alive in :attr:`pool`, apart for each proxy (and its
    credentials) and origin. ``context`` is the ``ssl.SSLContext`` for HTTPS origins (by default the
    context of the opener's ``HTTPSHandler``, or a verifying one made on first use);
    ``check_hostname``, when not ``None``, overrides its setting.
    ``debuglevel`` and ``pool`` are as for ``HTTPHandler``.
    """

    def __init__(
        self,
        debuglevel: int | None = None,
        context: ssl.SSLContext | None = None,
        check_hostname: bool | None = None,
        *,
        pool: ConnectionPool | None = None,
    ) -> None:
        super().__init__(debuglevel, pool=pool)
        self._tls = ContextOnFirstUse(context, check_hostname)

    def _tls_context(self) -> ssl.SSLContext:
        """This handler's context if it was given one, else that of the opener's ``HTTPSHandler``
        (so that ``build_opener(HTTPSHandler(context=...))`` verifies origins alike through a proxy)."""
        if not self._tls.given and self.parent is not None:
            for handler in self.parent.handlers:
                if isinstance(handler, HTTPSHandler):
                    return handler.context
        return self._tls.get()

    def _open_through_proxy(self, req: Request) -> Any:
        """Send ``req``, routed to a SOCKS proxy of the scheme ``req.type``, through that proxy."""
        proxy = _proxy_of(req)
        _back_to_origin(req)
        secure = req.type == "https"
        if not secure and req.type != "http":
            raise URLError(f"{req.type}: URLs cannot go through a SOCKS proxy (only http: and https:)")
        return self.open_pooled(req, secure, self._tls_context() if secure else None, dial=proxy)

    socks4_open = socks4a_open = socks5_open = socks5h_open = _open_through_proxy


def _proxy_of(req: Request) -> SOCKSProxy:
    """The proxy ``ProxyHandler`` pointed ``req`` at: its scheme, ``host:port`` and credentials."""
    from urlplug_http.transport import split_hostport

    from .proxy import DEFAULT_PORT, SOCKSProxy

    host, port = split_hostport(req.host, DEFAULT_PORT)
    username = password = None
    credentials = req.get_header(_CREDENTIALS_HEADER)
    if credentials is not None:
        username, password = _basic(str(credentials))
    return SOCKSProxy(req.type, host, port, username, password)  # type: ignore[arg-type]


def _basic(credentials: str) -> tuple[str, str]:
    kind, _, token = credentials.partition(" ")
    try:
        if kind.lower() != "basic":
            raise ValueError(kind)
        username, _, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (ValueError, binascii.Error):
        raise URLError(
            "SOCKS proxy credentials come from the proxy URL (socks5://user:password@host:port); "
            f"a {kind!r} {_CREDENTIALS_HEADER} header cannot be sent to a SOCKS proxy"
        ) from None
    return username, password


def _back_to_origin(req: Request) -> None:
    """Undo what ``set_proxy`` did to ``req``: the origin's scheme, host and path again, no tunnel.

    A retry of ``req`` (after a ``401``) then runs the stages of its own scheme again, where
    ``ProxyHandler`` routes it here once more; the proxy's credentials are taken off until then.
    """
    req.full_url = req.full_url  # parses type, host and selector from the URL afresh
    req._tunnel_host = None  # set_proxy's CONNECT target, which would send a retry to the wrong place
    req.remove_header(_CREDENTIALS_HEADER)
