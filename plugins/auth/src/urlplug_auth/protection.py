"""The protection spaces a Digest handler has been admitted to, and the nonce it answers there.

After answering a challenge, the handler keeps its nonce as a :class:`ProtectionSpace`: later requests
inside the space send ``Authorization`` up front with the same nonce and the next nonce count
(RFC 7616, section 3.4), saving the 401 round trip urllib2 paid on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .scopes import Scope, scope_of

if TYPE_CHECKING:
    from .credentials import DigestCredentials


class ProtectionSpace:
    """A realm on an origin (or the URIs of its ``domain``), the nonce in use there and who answers it."""

    def __init__(self, credentials: DigestCredentials, request_url: str) -> None:
        self.credentials = credentials
        self.challenge = challenge = credentials.challenge
        origin = scope_of(request_url)
        scopes = []
        for uri in challenge.domain:
            try:
                scope = scope_of(urljoin(request_url, uri))
            except ValueError:
                continue
            if scope.origin == origin.origin:  # a domain on another origin gets no credentials
                scopes.append(scope)
        self.scopes = scopes or [origin._replace(path="/")]
        self._count = 0
        self._lock = threading.Lock()

    def follow(self, previous: ProtectionSpace | None) -> None:
        """Count on from ``previous`` if the server challenged again with the same nonce.

        Restarting at 1 would replay nonce counts the server has already seen.
        """
        if previous is not None and previous.challenge.nonce == self.challenge.nonce:
            with previous._lock:
                self._count = previous._count

    def covers(self, target: Scope) -> bool:
        """Whether a request to ``target`` lies in this space."""
        return any(scope.covers(target) for scope in self.scopes)

    def next_count(self) -> str:
        """The next nonce count for this space's nonce, as the 8 hex digits ``nc`` is sent as."""
        with self._lock:
            self._count += 1
            return f"{self._count:08x}"


class ProtectionSpaces:
    """The spaces a handler holds a nonce for: the latest ``limit`` realms, safe to share between threads."""

    def __init__(self, limit: int = 64) -> None:
        self._spaces: OrderedDict[tuple[object, str], ProtectionSpace] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def remember(self, space: ProtectionSpace) -> None:
        """Keep ``space``, replacing an earlier nonce for the same realm on the same origin."""
        key = (space.scopes[0].origin, space.challenge.realm)
        with self._lock:
            self._spaces.pop(key, None)
            self._spaces[key] = space
            if len(self._spaces) > self._limit:
                self._spaces.popitem(last=False)

    def forget(self, space: ProtectionSpace) -> None:
        """Drop ``space`` (its nonce or its credentials were refused)."""
        key = (space.scopes[0].origin, space.challenge.realm)
        with self._lock:
            if self._spaces.get(key) is space:
                del self._spaces[key]

    def find(self, url: str) -> ProtectionSpace | None:
        """The most recently admitted space covering ``url``, or ``None``."""
        try:
            target = scope_of(url)
        except ValueError:
            return None
        with self._lock:
            for space in reversed(self._spaces.values()):
                if space.covers(target):
                    return space
        return None
