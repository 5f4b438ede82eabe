"""urlplug-auth: password managers and the Basic and Digest authentication handlers of urllib2.

The Basic and Digest handlers never join an opener by themselves (credentials are the caller's to
give)::

    import urlplug

    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, "https://example.com/api/", "user", "secret")
    opener = urlplug.build_opener(
        urlplug.HTTPDigestAuthHandler(passwords), urlplug.HTTPBasicAuthHandler(passwords)
    )

Credentials go only to the scheme, host and port they were registered for, at or below the
registered path. Modules: :mod:`.passwords` (managers), :mod:`.scopes` (the URI rule),
:mod:`.challenges` (parsing ``WWW-Authenticate``), :mod:`.basic`, :mod:`.digest` with
:mod:`.algorithms` and :mod:`.protection` (nonces kept for reuse), :mod:`.retries`,
:mod:`.netrcfile` (netrc lookups) and :mod:`.userinfo` (``http://user:password@host/``).

The one handler that joins every opener, :class:`URLCredentialsProcessor`, lives in a light module:
the names below are imported on first use, so that ``build_opener()`` does not load the handlers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .basic import AbstractBasicAuthHandler, HTTPBasicAuthHandler, ProxyBasicAuthHandler
    from .digest import AbstractDigestAuthHandler, HTTPDigestAuthHandler, ProxyDigestAuthHandler
    from .netrcfile import NetrcPasswordMgr
    from .passwords import HTTPPasswordMgr, HTTPPasswordMgrWithDefaultRealm, HTTPPasswordMgrWithPriorAuth
    from .userinfo import URLCredentialsProcessor

_MODULE_OF = {
    "AbstractBasicAuthHandler": "basic",
    "HTTPBasicAuthHandler": "basic",
    "ProxyBasicAuthHandler": "basic",
    "AbstractDigestAuthHandler": "digest",
    "HTTPDigestAuthHandler": "digest",
    "ProxyDigestAuthHandler": "digest",
    "HTTPPasswordMgr": "passwords",
    "HTTPPasswordMgrWithDefaultRealm": "passwords",
    "HTTPPasswordMgrWithPriorAuth": "passwords",
    "NetrcPasswordMgr": "netrcfile",
    "URLCredentialsProcessor": "userinfo",
}

__all__ = [
    "AbstractBasicAuthHandler",
    "AbstractDigestAuthHandler",
    "HTTPBasicAuthHandler",
    "HTTPDigestAuthHandler",
    "HTTPPasswordMgr",
    "HTTPPasswordMgrWithDefaultRealm",
    "HTTPPasswordMgrWithPriorAuth",
    "NetrcPasswordMgr",
    "ProxyBasicAuthHandler",
    "ProxyDigestAuthHandler",
    "URLCredentialsProcessor",
]


def __getattr__(name: str) -> Any:
    """Import the module of a public name on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'urlplug_auth' has no attribute {name!r}", name=name)
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
