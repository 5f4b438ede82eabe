"""``ProxyHandler``: sends requests through the proxies configured for their scheme."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from urlplug import BaseHandler, URLError
from urlplug.catalog import SCHEME_PROVIDERS, install_hint, installed
from urlplug.origin import DEFAULT_PORTS
from urlplug.validate import check_url

from .bypass import NoProxy
from .environment import environment_proxies

if TYPE_CHECKING:
    from urlplug import Request

__all__ = ["ProxyHandler"]

# all_proxy covers the schemes a forward proxy can carry that have no <scheme>_proxy of their own.
_ALL_SCHEMES = ("http", "https", "ftp")
_TUNNELLING = ("http", "https")  # proxy schemes this handler speaks itself (CONNECT for https)
# A key becomes a method name (<scheme>_open), which the opener reads as "<scheme>" + "_open".
_SCHEME_KEY = re.compile(r"[a-z][a-z0-9]*")


class _Proxy(NamedTuple):
    """A proxy URL taken apart: its scheme (``None`` if it had none), credentials and ``host:port``."""

    scheme: str | None
    user: str | None
    password: str | None
    hostport: str


@functools.lru_cache(maxsize=64)
def _parse_proxy(proxy: str) -> _Proxy:
    """Take ``scheme://user:password@host:port/`` (or a bare ``user:password@host:port``) apart."""
    check_url(proxy)
    scheme: str | None
    scheme, sep, rest = proxy.partition(":")
    if sep and rest.startswith("/"):
        if not rest.startswith("//"):
            raise ValueError(f"proxy URL with no authority: {proxy!r} (expected scheme://host:port)")
        authority = rest[2:]
        # The path ends the authority, but only after the userinfo: a password may hold a '/'.
        slash = authority.find("/", authority.rfind("@") + 1)
        if slash >= 0:
            authority = authority[:slash]
        scheme = scheme.lower()
    else:
        scheme, authority = None, proxy
    userinfo, at, hostport = authority.rpartition("@")
    if not hostport:
        raise ValueError(f"proxy URL with no host: {proxy!r}")
    if not at:
        return _Proxy(scheme, None, None, unquote(hostport))
    user, colon, password = userinfo.partition(":")
    return _Proxy(scheme, unquote(user), unquote(password) if colon else None, unquote(hostport))


def _basic_credentials(user: str, password: str | None) -> str:
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return f"Basic {token}"


class ProxyHandler(BaseHandler):
    """Route requests through proxies: ``proxies`` maps a URL scheme to a proxy URL.

    Without ``proxies`` the environment decides (``http_proxy``, ``https_proxy``, ``ftp_proxy``, …
    in either case, ``all_proxy`` for the schemes that have none, and ``no_proxy``; see
    :func:`~urlplug_proxy.environment_proxies`). An empty mapping switches proxies off. The ``no``
    key, or the ``no_proxy`` environment variable when ``proxies`` has none, lists the hosts that are
    reached directly (see :class:`~urlplug_proxy.NoProxy`).

    A proxy URL without a scheme is an HTTP proxy. ``user:password@`` in it is sent to the proxy as
    ``Proxy-authorization: Basic …``. For each configured scheme the handler has a ``<scheme>_open``
    method that calls ``req.set_proxy()`` and lets the next handler open the request; HTTPS requests
    keep their scheme and go through a ``CONNECT`` tunnel.
    """

    # Proxies must be in front of the handlers that open connections.
    handler_order = 100

    def __init__(self, proxies: Mapping[str, str] | None = None) -> None:
        from_environment = proxies is None
        if proxies is None:
            proxies = environment_proxies()
        if not hasattr(proxies, "keys"):
            raise TypeError(f"proxies must be a mapping of scheme to proxy URL, not {proxies!r}")
        self.proxies = proxies
        routes = {key.lower(): url for key, url in proxies.items()}
        no_proxy = routes.pop("no", None)
        if no_proxy is None and not from_environment:
            no_proxy = environment_proxies().get("no")
        self.no_proxy = NoProxy(no_proxy)
        routes = {scheme: url for scheme, url in routes.items() if url}
        where = "{}_proxy in the environment" if from_environment else "ProxyHandler's {!r} entry"
        self._sources = {scheme: where.format(scheme) for scheme in routes}  # for errors
        everything = routes.pop("all", None)
        if everything is not None:
            for scheme in _ALL_SCHEMES:
                if scheme not in routes:
                    routes[scheme] = everything
                    self._sources[scheme] = where.format("all")
        for scheme, url in routes.items():
            if _SCHEME_KEY.fullmatch(scheme):
                setattr(self, f"{scheme}_open", self._opener_for(url, scheme))

    def _check_served(self, proxy: str, proxy_type: str, scheme: str) -> None:
        """Refuse a proxy of a scheme whose plugin is missing: going direct would bypass it."""
        dist = SCHEME_PROVIDERS.get(proxy_type)
        if proxy_type not in _TUNNELLING and dist is not None and not installed(dist):
            source = self._sources.get(scheme, "the proxy settings")
            raise URLError(f"proxy {proxy!r} from {source} is a {proxy_type} proxy: {install_hint(dist)}")

    def _opener_for(self, proxy: str, scheme: str) -> Callable[[Request], Any]:
        def open_through_proxy(req: Request) -> Any:
            return self.proxy_open(req, proxy, scheme)

        open_through_proxy.__name__ = open_through_proxy.__qualname__ = f"{scheme}_open"
        return open_through_proxy

    def proxy_open(self, req: Request, proxy: str, type: str) -> Any:
        """Point ``req`` at ``proxy`` (configured for scheme ``type``); return ``None`` to go on.

        A host that ``no_proxy`` covers, or a request already routed through a proxy, is left
        alone. When the proxy's scheme differs from the request's (an ``ftp://`` URL through an
        ``http://`` proxy, any URL through a ``socks5://`` proxy), the request starts over under
        the proxy's scheme, as urllib2 did, for the handler of that scheme to open.
        """
        if req.has_proxy() or req._tunnel_host:
            return None  # routed already: a re-try after a 407, or the restart below
        host = req.host
        if host and self.no_proxy and self.no_proxy.matches(host, DEFAULT_PORTS.get(req.type)):
            return None
        parsed = _parse_proxy(proxy)
        proxy_type = parsed.scheme or "http"
        orig_type = req.type
        if parsed.user is not None:
            # Unredirected: a redirect is a new request, and it gets the header again only if it
            # goes through this proxy too.
            req.add_unredirected_header(
                "Proxy-authorization", _basic_credentials(parsed.user, parsed.password)
            )
        self._check_served(proxy, proxy_type, type)
        req.set_proxy(parsed.hostport, proxy_type)
        if orig_type == proxy_type or (orig_type == "https" and proxy_type in _TUNNELLING):
            return None
        # The handlers of orig_type do not speak the proxy's protocol: open it as proxy_type.
        if self.parent is None:
            raise RuntimeError("ProxyHandler is not part of an opener: add it with build_opener()")
        req.type = proxy_type  # set_proxy keeps an https request's type, for a CONNECT tunnel
        return self.parent.open(req, timeout=req.timeout)
