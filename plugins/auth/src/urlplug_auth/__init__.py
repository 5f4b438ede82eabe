"""urlplug-auth: password managers and the Basic and Digest authentication handlers of urllib2.

None of these handlers joins an opener by itself (credentials are the caller's to give)::

    import urlplug

    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, "https://example.com/api/", "user", "secret")
    opener = urlplug.build_opener(
        urlplug.HTTPDigestAuthHandler(passwords), urlplug.HTTPBasicAuthHandler(passwords)
    )

Credentials go only to the scheme, host and port they were registered for, at or below the
registered path. Modules: :mod:`.passwords` (managers), :mod:`.scopes` (the URI rule),
:mod:`.challenges` (parsing ``WWW-Authenticate``), :mod:`.basic`, :mod:`.digest` with
:mod:`.algorithms` and :mod:`.protection` (nonces kept for reuse), :mod:`.retries`.
"""

from __future__ import annotations

from .basic import AbstractBasicAuthHandler, HTTPBasicAuthHandler, ProxyBasicAuthHandler
from .digest import AbstractDigestAuthHandler, HTTPDigestAuthHandler, ProxyDigestAuthHandler
from .passwords import HTTPPasswordMgr, HTTPPasswordMgrWithDefaultRealm, HTTPPasswordMgrWithPriorAuth

__all__ = [
    "AbstractBasicAuthHandler",
    "AbstractDigestAuthHandler",
    "HTTPBasicAuthHandler",
    "HTTPDigestAuthHandler",
    "HTTPPasswordMgr",
    "HTTPPasswordMgrWithDefaultRealm",
    "HTTPPasswordMgrWithPriorAuth",
    "ProxyBasicAuthHandler",
    "ProxyDigestAuthHandler",
]
