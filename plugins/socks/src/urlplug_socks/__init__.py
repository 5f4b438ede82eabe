"""urlplug-socks: ``socks4://``, ``socks4a://``, ``socks5://`` and ``socks5h://`` proxies, on python-socks.

With this distribution installed, ``ProxyHandler({"https": "socks5h://user:password@host:1080"})`` and
the proxy environment (``all_proxy=socks5://…``, ``https_proxy``, ``no_proxy``) send HTTP and HTTPS
requests through SOCKS proxies. :class:`SOCKSHandler` joins every opener; it opens only the requests
``ProxyHandler`` routes to a SOCKS proxy. ``python-socks`` is imported by the first such request.
"""

from __future__ import annotations

from .handler import SOCKSHandler
from .proxy import SOCKS_SCHEMES, SOCKSError, SOCKSProxy

__all__ = ["SOCKS_SCHEMES", "SOCKSError", "SOCKSHandler", "SOCKSProxy"]
