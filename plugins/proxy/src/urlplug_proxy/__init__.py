"""urlplug-proxy: ``ProxyHandler``, which sends requests through HTTP proxies.

Proxies come from ``ProxyHandler(proxies)`` or, by default, from the environment (``http_proxy``,
``https_proxy``, ``ftp_proxy``, ``all_proxy``, ``no_proxy``). ``build_opener()`` adds a
``ProxyHandler`` to every opener when the environment configures a proxy (the
``urlplug.handlers`` entry point :func:`default_proxy_handler`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urlplug import lazy

from .environment import environment_proxies

if TYPE_CHECKING:
    from .bypass import NoProxy
    from .handler import ProxyHandler

__all__ = ["NoProxy", "ProxyHandler", "default_proxy_handler", "environment_proxies"]


def default_proxy_handler() -> ProxyHandler | None:
    """The ``ProxyHandler`` for a default opener: one when the environment names a proxy, else ``None``."""
    proxies = environment_proxies()
    if any(key != "no" for key in proxies):
        from .handler import ProxyHandler

        return ProxyHandler()  # reads the environment itself, and says so in its errors
    return None


# Without a configured proxy, a default opener needs nothing but the environment check above.
__getattr__ = lazy.exports(__name__, {"NoProxy": ".bypass", "ProxyHandler": ".handler"})
