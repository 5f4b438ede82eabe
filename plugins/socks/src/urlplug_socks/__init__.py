"""urlplug-socks: ``socks4://``, ``socks4a://``, ``socks5://`` and ``socks5h://`` proxies, on python-socks.

With this distribution installed, ``ProxyHandler({"https": "socks5h://user:password@host:1080"})`` and
the proxy environment (``all_proxy=socks5://…``, ``https_proxy``, ``no_proxy``) send HTTP and HTTPS
requests through SOCKS proxies. :class:`SOCKSHandler` joins every opener; it opens only the requests
``ProxyHandler`` routes to a SOCKS proxy. ``python-socks`` is imported by the first such request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urlplug import lazy

from .handler import SOCKSHandler

if TYPE_CHECKING:
    from .proxy import SOCKS_SCHEMES, SOCKSError, SOCKSProxy

__all__ = ["SOCKS_SCHEMES", "SOCKSError", "SOCKSHandler", "SOCKSProxy"]

# The proxy's dataclass is made by the first request through a SOCKS proxy, not by build_opener().
__getattr__ = lazy.exports(__name__, dict.fromkeys(["SOCKS_SCHEMES", "SOCKSError", "SOCKSProxy"], ".proxy"))
