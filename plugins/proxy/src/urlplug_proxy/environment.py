"""Proxy settings from the environment: ``<scheme>_proxy``, ``all_proxy`` and ``no_proxy``.

The same reading as ``urllib.request.getproxies_environment``, which curl and most tools share:
names in either case, the lower-case spelling winning; an empty value switches that entry off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["environment_proxies"]

_SUFFIX = "_proxy"


def environment_proxies(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map each scheme (and ``all``, ``no``) to the value of its ``<scheme>_proxy`` variable.

    ``environ`` defaults to ``os.environ``. When ``REQUEST_METHOD`` is set the program is a CGI
    script, and an upper-case ``HTTP_PROXY`` may come from a client's ``Proxy:`` request header
    (httpoxy, CVE-2016-1000110), so it is ignored; a lower-case ``http_proxy`` still counts.
    """
    if environ is None:
        environ = os.environ
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        if value and name.lower().endswith(_SUFFIX):
            proxies[name[: -len(_SUFFIX)].lower()] = value
    if "REQUEST_METHOD" in environ:
        proxies.pop("http", None)
    # A second pass over the lower-case names alone, so that they win over any other spelling.
    for name, value in environ.items():
        if name.endswith(_SUFFIX) and name == name.lower():
            scheme = name[: -len(_SUFFIX)]
            if value:
                proxies[scheme] = value
            else:
                proxies.pop(scheme, None)
    return proxies
