"""Which distribution of the urlplug family provides which names and URL schemes.

Only used to word errors: what to install when a name or a scheme is missing. What is actually
available always comes from the installed plugins' entry points.
"""

from __future__ import annotations

BUILTIN_PLUGINS: tuple[str, ...] = (
    "urlplug-http",
    "urlplug-file",
    "urlplug-ftp",
    "urlplug-auth",
    "urlplug-proxy",
    "urlplug-cookies",
    "urlplug-responses",
    "urlplug-compression",
    "urlplug-cache",
    "urlplug-socks",
    "urlplug-retry",
)
"""The plugin distributions of the urlplug family, for ``build_opener(plugins=BUILTIN_PLUGINS)``."""

_PROVIDES: dict[str, tuple[str, ...]] = {
    "urlplug-http": (
        "AbstractHTTPHandler",
        "HTTPHandler",
        "HTTPSHandler",
        "HTTPDefaultErrorHandler",
        "HTTPRedirectHandler",
        "HTTPErrorProcessor",
        "ConnectionPool",
    ),
    "urlplug-file": ("FileHandler", "DataHandler"),
    "urlplug-ftp": ("FTPHandler", "CacheFTPHandler"),
    "urlplug-auth": (
        "HTTPPasswordMgr",
        "HTTPPasswordMgrWithDefaultRealm",
        "HTTPPasswordMgrWithPriorAuth",
        "AbstractBasicAuthHandler",
        "HTTPBasicAuthHandler",
        "ProxyBasicAuthHandler",
        "AbstractDigestAuthHandler",
        "HTTPDigestAuthHandler",
        "ProxyDigestAuthHandler",
        "NetrcPasswordMgr",
        "URLCredentialsProcessor",
    ),
    "urlplug-proxy": ("ProxyHandler",),
    "urlplug-cookies": ("HTTPCookieProcessor",),
    "urlplug-responses": ("ResponsesHandler",),
    "urlplug-compression": ("ContentDecodingProcessor", "ContentDecodingError"),
    "urlplug-cache": ("CacheHandler",),
    "urlplug-socks": ("SOCKSHandler", "SOCKSError"),
    "urlplug-retry": ("RetryHandler", "RetryAttempt"),
}

NAME_PROVIDERS: dict[str, str] = {name: dist for dist, names in _PROVIDES.items() for name in names}
"""Public name -> the distribution of the family that exports it."""

SCHEME_PROVIDERS: dict[str, str] = {
    "http": "urlplug-http",
    "https": "urlplug-http",
    "file": "urlplug-file",
    "data": "urlplug-file",
    "ftp": "urlplug-ftp",
    "ftps": "urlplug-ftp",
    # proxy schemes (ALL_PROXY=socks5://...)
    "socks4": "urlplug-socks",
    "socks4a": "urlplug-socks",
    "socks5": "urlplug-socks",
    "socks5h": "urlplug-socks",
}
"""URL scheme -> the distribution of the family that opens it."""


def install_hint(dist: str) -> str:
    """The advice appended to errors about a missing distribution."""
    return f"install {dist} (pip install {dist})"


def installed(dist: str) -> bool:
    """Whether distribution ``dist`` is installed (whatever ``URLPLUG_PLUGINS`` says)."""
    from .entrypoints import distribution

    return distribution(dist, ()) is not None
