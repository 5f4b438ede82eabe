"""Helpers of the proxy integration tests: openers through a proxy, and what the origin saw."""

from __future__ import annotations

import ssl
from typing import Any

import urlplug
from urlplug import Request
from urlplug_proxy import ProxyHandler

from ..servers.http import LoopbackHTTPServer, Seen
from ..servers.proxy import PROXY_PASSWORD, PROXY_USER

TIMEOUT = 10
CREDENTIALS = f"{PROXY_USER}:{PROXY_PASSWORD}"


def headers_of(seen: Seen) -> dict[str, str]:
    """The request's headers with lower-case names."""
    return {name.lower(): value for name, value in seen.headers.items()}


def via_tinyproxy(seen: Seen) -> bool:
    """Whether tinyproxy forwarded this request (it adds ``Via: 1.1 tinyproxy``)."""
    return "tinyproxy" in headers_of(seen).get("via", "")


def no_proxy_credentials(server: LoopbackHTTPServer) -> bool:
    """Whether no request the server got carried a ``Proxy-Authorization`` header."""
    return all("proxy-authorization" not in headers_of(seen) for seen in server.seen)


def opener_through(proxy: str, context: ssl.SSLContext, *handlers: Any, no: str | None = None) -> Any:
    """An opener sending http and https through ``proxy``, bypassing ``no``."""
    proxies = {"http": proxy, "https": proxy}
    if no is not None:
        proxies["no"] = no
    return urlplug.build_opener(ProxyHandler(proxies), *handlers, context=context)


def get(opener: Any, url: str | Request) -> bytes:
    """Open ``url`` and return the body."""
    with opener.open(url, timeout=TIMEOUT) as response:
        return response.read()  # type: ignore[no-any-return]
