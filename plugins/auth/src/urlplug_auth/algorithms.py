"""The Digest algorithms of RFC 7616 and the computation of a request's ``response`` value.

Strings are hashed as UTF-8 (RFC 7616's ``charset=UTF-8``; identical to ASCII for ASCII text).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DigestAlgorithm:
    """One ``algorithm`` value: a hash function, and whether it is a ``-sess`` variant."""

    name: str
    hash_name: str
    session: bool = False

    def hash(self, data: str | bytes) -> str:
        """The lower-case hex digest of ``data`` (a ``str`` is hashed as UTF-8)."""
        raw = data.encode() if isinstance(data, str) else data
        digest: str = _constructor(self.hash_name)(raw).hexdigest()
        return digest


@functools.cache
def _constructor(hash_name: str) -> Callable[[bytes], Any]:
    """``hashlib``'s own constructor for ``hash_name`` where it has one (quicker than ``hashlib.new``)."""
    named: Callable[[bytes], Any] | None = getattr(hashlib, hash_name, None)
    return named if named is not None else functools.partial(hashlib.new, hash_name)


def _with_sessions(name: str, hash_name: str) -> list[DigestAlgorithm]:
    return [DigestAlgorithm(name, hash_name), DigestAlgorithm(f"{name}-sess", hash_name, session=True)]


_ALGORITHMS: dict[str, DigestAlgorithm] = {
    algorithm.name.lower(): algorithm
    for algorithm in [
        *_with_sessions("MD5", "md5"),
        *_with_sessions("SHA-256", "sha256"),
        *(
            _with_sessions("SHA-512-256", "sha512_256")
            if "sha512_256" in hashlib.algorithms_available
            else []
        ),
        DigestAlgorithm("SHA", "sha1"),  # not in any RFC, but urllib2 spoke it
    ]
}

SUPPORTED = tuple(algorithm.name for algorithm in _ALGORITHMS.values())
"""The ``algorithm`` values this plugin can answer, as servers spell them."""


def lookup(name: str) -> DigestAlgorithm | None:
    """The algorithm a challenge names (case-insensitively), or ``None`` if it is not supported."""
    return _ALGORITHMS.get(name.lower())


def user_hash(algorithm: DigestAlgorithm, username: str, realm: str) -> str:
    """The ``username`` value sent with ``userhash=true``: ``H(username:realm)`` (RFC 7616, 3.4.4)."""
    return algorithm.hash(f"{username}:{realm}")


def secret_hash(algorithm: DigestAlgorithm, username: str, realm: str, password: str) -> str:
    """``H(username:realm:password)``: the part of A1's hash that depends on the credentials only."""
    return algorithm.hash(f"{username}:{realm}:{password}")


def response_digest(
    algorithm: DigestAlgorithm,
    *,
    secret: str,
    nonce: str,
    method: str,
    uri: str,
    qop: str | None,
    nc: str,
    cnonce: str,
    body: bytes = b"",
) -> str:
    """The ``response`` value of RFC 7616, section 3.4.1 (and of RFC 2069 when ``qop`` is ``None``).

    ``secret`` is :func:`secret_hash` of the credentials; ``body`` is hashed into A2 for
    ``qop="auth-int"`` only.
    """
    h = algorithm.hash
    ha1 = h(f"{secret}:{nonce}:{cnonce}") if algorithm.session else secret
    a2 = f"{method}:{uri}:{h(body)}" if qop == "auth-int" else f"{method}:{uri}"
    if qop is None:
        return h(f"{ha1}:{nonce}:{h(a2)}")
    return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{h(a2)}")
