"""Password managers: which user and password to send for a realm and a URI.

``find_user_password(realm, authuri)`` answers only for URIs inside one registered with
``add_password`` (see :mod:`urlplug_auth.scopes` for the rule): credentials never go to another host,
port or scheme, nor above or beside the registered path.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from .scopes import Scope, scope_of

_ANSWERS_KEPT = 1024


def _scopes(uri: str | Iterable[str]) -> list[Scope]:
    uris = [uri] if isinstance(uri, str) else list(uri)
    return [scope_of(u) for u in uris]


def _scope_or_none(authuri: str) -> Scope | None:
    try:
        return scope_of(authuri)
    except ValueError:  # a URI without a host is inside nothing
        return None


def _most_specific(entries: Iterable[tuple[Scope, bool]], target: Scope) -> bool | None:
    """The flag of the entry with the longest path covering ``target``; the latest one on a tie."""
    best: tuple[int, bool] | None = None
    for scope, value in entries:
        if scope.covers(target) and (best is None or len(scope.path) >= best[0]):
            best = (len(scope.path), value)
    return None if best is None else best[1]


class HTTPPasswordMgr:
    """A database of ``(realm, uri) -> (user, password)`` mappings."""

    def __init__(self) -> None:
        self._entries: dict[str | None, dict[Scope, tuple[str, str]]] = {}
        self._lock = threading.Lock()
        # Answers already found, by (realm, authuri): every request in a protection space asks
        # again. Emptied whenever credentials are added.
        self._answers: dict[tuple[str | None, str], tuple[str, str] | None] = {}

    def add_password(self, realm: str | None, uri: str | Iterable[str], user: str, passwd: str) -> None:
        """Use ``(user, passwd)`` for ``realm`` on ``uri`` (one URI or several) and every URI below it.

        A URI is a URL (``"https://host:8443/app"``) or a bare authority (``"host"``, ``"host:port"``).
        Adding the same realm and URI again replaces the earlier credentials.
        """
        scopes = _scopes(uri)
        with self._lock:
            entries = self._entries.setdefault(realm, {})
            for scope in scopes:
                for form in scope.reduced():
                    entries[form] = (user, passwd)
            self._answers.clear()

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str | None, str | None]:
        """Return ``(user, password)`` for ``realm`` and ``authuri``, or ``(None, None)``.

        URIs are compared as ``urllib.request`` compares them (see :mod:`urlplug_auth.scopes` for ports).
        When several registered URIs cover ``authuri``, the one registered first wins, as in urllib2
        (register ``/`` after ``/admin`` for ``/admin`` to keep its own credentials).
        """
        try:
            found = self._answers[realm, authuri]
        except KeyError:
            found = self._lookup(realm, authuri)
        return (None, None) if found is None else found

    def _lookup(self, realm: str | None, authuri: str) -> tuple[str, str] | None:
        target = _scope_or_none(authuri)
        with self._lock:
            entries = self._entries.get(realm, {})
            found = None
            if target is not None:  # urllib.request's search: default port filled in first
                found = next(
                    (
                        value
                        for form in target.reduced()
                        for scope, value in entries.items()
                        if scope.covers(form)
                    ),
                    None,
                )
            if len(self._answers) >= _ANSWERS_KEPT:
                self._answers.clear()
            self._answers[realm, authuri] = found
        return found

    def reduce_uri(self, uri: str, default_port: bool = True) -> tuple[str, str]:
        """urllib2's reduced form of a URI: ``(authority, path)``.

        The authority gets the scheme's default port unless ``default_port`` is false; kept for
        subclasses written for urllib2 (this manager matches on :mod:`urlplug_auth.scopes`).
        """
        scope = scope_of(uri)
        host = f"[{scope.host}]" if ":" in scope.host else scope.host
        port = scope.port if default_port else urlsplit(uri if "//" in uri else "//" + uri).port
        return (host if port is None else f"{host}:{port}"), scope.path

    def is_suburi(self, base: tuple[str, str], test: tuple[str, str]) -> bool:
        """Whether reduced URI ``test`` lies at or below ``base`` (same authority, path on a segment)."""
        if base[0] != test[0]:
            return False
        prefix = base[1] if base[1].endswith("/") else base[1] + "/"
        return test[1] == base[1] or test[1].startswith(prefix)


class HTTPPasswordMgrWithDefaultRealm(HTTPPasswordMgr):
    """A password manager where the realm ``None`` is a catch-all, searched when a realm has no match."""

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str | None, str | None]:
        """Return the credentials for ``realm`` and ``authuri``, else those added for realm ``None``."""
        user, password = super().find_user_password(realm, authuri)
        if user is not None:
            return user, password
        return super().find_user_password(None, authuri)


class HTTPPasswordMgrWithPriorAuth(HTTPPasswordMgrWithDefaultRealm):
    """A password manager that remembers which URIs are known to need authentication.

    ``HTTPBasicAuthHandler`` sends Basic credentials up front, without waiting for a 401, to URIs
    marked authenticated (by ``add_password(..., is_authenticated=True)`` or after a successful
    authenticated request).
    """

    def __init__(self) -> None:
        super().__init__()
        self._authenticated: dict[Scope, bool] = {}

    def add_password(
        self,
        realm: str | None,
        uri: str | Iterable[str],
        user: str,
        passwd: str,
        is_authenticated: bool = False,
    ) -> None:
        """Add credentials as :meth:`HTTPPasswordMgr.add_password`, marking ``uri`` as authenticated or not.

        The credentials are also stored for realm ``None``: before a challenge, the realm is unknown.
        """
        uris = [uri] if isinstance(uri, str) else list(uri)
        self.update_authenticated(uris, is_authenticated)
        if realm is not None:
            super().add_password(None, uris, user, passwd)
        super().add_password(realm, uris, user, passwd)

    def update_authenticated(self, uri: str | Iterable[str], is_authenticated: bool = False) -> None:
        """Mark ``uri`` (one or several) and the URIs below it as needing authentication or not."""
        scopes = _scopes(uri)
        with self._lock:
            for scope in scopes:
                self._authenticated[scope] = is_authenticated

    def is_authenticated(self, authuri: str) -> bool | None:
        """Whether ``authuri`` is known to need authentication; ``None`` if nothing is known of it.

        The most specific URI marked decides, so that a page can be marked inside a broader area.
        """
        target = _scope_or_none(authuri)
        if target is None:
            return None
        with self._lock:
            return _most_specific(self._authenticated.items(), target)
