"""The ``Authorization: Digest ...`` value for one challenge and one user.

What every request answering the same nonce sends alike (user, realm, nonce, algorithm, opaque and
the hash of the password) is computed once; each request adds its ``uri``, ``nc``, a fresh ``cnonce``
and the ``response``.
"""

from __future__ import annotations

import os
from urllib.parse import quote as percent_encode

from .algorithms import response_digest, secret_hash, user_hash
from .challenges import DigestChallenge, quote

# RFC 5987 attr-char, the characters an ext-value (username*=) sends as they are.
_ATTR_CHARS = "!#$&+-.^_`|~"


def new_cnonce() -> str:
    """A fresh client nonce: 128 random bits from the OS, in hex (as ``secrets.token_hex(16)``)."""
    return os.urandom(16).hex()


class DigestCredentials:
    """``user``'s answers to ``challenge``: :meth:`authorization` for each request."""

    def __init__(self, challenge: DigestChallenge, user: str, password: str) -> None:
        self.challenge = challenge
        self.user = user
        self._password = password
        algorithm = challenge.algorithm
        self._secret = secret_hash(algorithm, user, challenge.realm, password)
        if challenge.userhash:
            username = f"username={quote(user_hash(algorithm, user, challenge.realm))}"
        elif user.isascii() and user.isprintable():
            username = f"username={quote(user)}"
        else:  # RFC 7616, 3.4.4: a name a quoted-string cannot carry goes as an RFC 5987 ext-value
            username = f"username*=UTF-8''{percent_encode(user.encode(), safe=_ATTR_CHARS)}"
        self._head = (
            f"Digest {username}, realm={quote(challenge.realm)}, "
            f"algorithm={algorithm.name}, nonce={quote(challenge.nonce)}"
        )
        tail = [] if challenge.opaque is None else [f"opaque={quote(challenge.opaque)}"]
        if challenge.userhash:
            tail.append("userhash=true")
        self._tail = "".join(f", {field}" for field in tail)

    def matches(self, user: str, password: str) -> bool:
        """Whether these are the credentials of ``user`` with ``password``."""
        return user == self.user and password == self._password

    def authorization(
        self, method: str, uri: str, qop: str | None, nc: str, body: bytes = b"", cnonce: str | None = None
    ) -> str:
        """The header value for a request of ``method`` on ``uri`` with nonce count ``nc``.

        ``cnonce`` is the client nonce; by default 128 random bits from the OS.
        """
        challenge = self.challenge
        if cnonce is None:
            cnonce = new_cnonce()
        response = response_digest(
            challenge.algorithm,
            secret=self._secret,
            nonce=challenge.nonce,
            method=method,
            uri=uri,
            qop=qop,
            nc=nc,
            cnonce=cnonce,
            body=body,
        )
        if qop is not None:
            varying = f'uri={quote(uri)}, nc={nc}, cnonce="{cnonce}", qop={qop}'
        elif challenge.algorithm.session:  # -sess hashes the cnonce into A1 even without qop
            varying = f'uri={quote(uri)}, cnonce="{cnonce}"'
        else:
            varying = f"uri={quote(uri)}"
        return f'{self._head}, {varying}, response="{response}"{self._tail}'
