"""Parsing ``WWW-Authenticate`` / ``Proxy-Authenticate`` challenges (RFC 7235 4.1); Digest ones read for use.

A header may hold several challenges and a response several headers::

    WWW-Authenticate: Digest realm="x", nonce="n", algorithm=SHA-256, Basic realm="x"

The parser scans each header once, left to right, with anchored patterns of single character
classes, so it runs in linear time whatever a hostile server sends (CVE-2020-8492 was urllib's
catastrophically backtracking regular expression for this). It is lenient where servers are sloppy:
unquoted and single-quoted values, stray commas, an unterminated quoted string.

It also keeps its work bounded: at most :data:`MAX_CHALLENGES` challenges are kept from all the values
of one call, and reading stops there; at most :data:`MAX_PARAMS` parameters are read for one challenge,
and the rest of that header value (later challenges in it included) is ignored. Honest servers send a
handful of challenges with about ten parameters each; the caps keep a hostile one (tens of headers of
64 KiB of bare tokens) from costing seconds and hundreds of MiB. Nothing past a cap raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .algorithms import SUPPORTED, DigestAlgorithm, lookup

__all__ = [
    "MAX_CHALLENGES",
    "MAX_PARAMS",
    "Challenge",
    "DigestChallenge",
    "parse_challenges",
    "quote",
    "unsupported_scheme",
]

MAX_CHALLENGES = 64
"""The most challenges :func:`parse_challenges` returns; what follows them is not read."""
MAX_PARAMS = 32
"""The most parameters read for one challenge; the rest of its header value is not read."""

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Items that cannot start a challenge, each up to its comma, in one possessive (never backtracking) match:
# skipping them one by one from Python cost a second for a few MiB of "=,=,=,".
_JUNK = re.compile(r"(?:[^!#$%&'*+\-.^_`|~0-9A-Za-z\s,][^,]*[\s,]*)*+")
_PARAM_NAME = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*")
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*[ \t]*(?=,|$)")
# Unrolled so that each character is looked at once; a missing closing quote ends at the end.
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)("?)', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'([^',]*)'")
_BARE_VALUE = re.compile(r"[^,\s\"]*")
_SEPARATORS = re.compile(r"[\s,]*")
_SPACES = re.compile(r"[ \t]*")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass
class Challenge:
    """One challenge: an auth scheme with either auth-params or a token68.

    ``params`` maps lower-cased parameter names to unquoted values; ``unquoted`` names the
    parameters whose value was sent as a bare token rather than a quoted string.
    """

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None
    unquoted: set[str] = field(default_factory=set)

    def is_scheme(self, name: str) -> bool:
        """Whether this challenge uses auth scheme ``name`` (compared without case)."""
        return self.scheme.lower() == name.lower()


def parse_challenges(values: Iterable[str]) -> list[Challenge]:
    """Parse the values of one or several challenge headers into their challenges, in order.

    At most :data:`MAX_CHALLENGES` are returned, each with at most :data:`MAX_PARAMS` parameters
    (see the module documentation); malformed text is skipped, never raised about.
    """
    challenges: list[Challenge] = []
    for value in values:
        if len(challenges) >= MAX_CHALLENGES:
            break
        _Scanner(str(value)).read_into(challenges)
    return challenges


def quote(value: str) -> str:
    """``value`` as an RFC 7230 quoted-string."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Scanner:
    """One pass over one header value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self, pattern: re.Pattern[str]) -> None:
        self.pos = pattern.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def read_into(self, found: list[Challenge]) -> None:
        """Append this value's challenges to ``found`` until it holds :data:`MAX_CHALLENGES`."""
        text = self.text
        while len(found) < MAX_CHALLENGES:
            self._skip(_SEPARATORS)
            self._skip(_JUNK)
            scheme = _TOKEN.match(text, self.pos)
            if scheme is None:  # only separators and junk were left
                return
            self.pos = scheme.end()
            challenge = Challenge(scheme.group())
            found.append(challenge)
            self._skip(_SPACES)
            token68 = _TOKEN68.match(text, self.pos)
            if token68 is not None:
                challenge.token68 = token68.group().rstrip(" \t")
                self.pos = token68.end()
                continue
            if not self._params(challenge):
                return

    def _params(self, challenge: Challenge) -> bool:
        """Read ``name=value`` pairs until the next challenge's scheme or the end.

        Returns ``False`` when the challenge had more than :data:`MAX_PARAMS` parameters: the rest of
        the value is then left unread.
        """
        text = self.text
        for _ in range(MAX_PARAMS):
            name = _PARAM_NAME.match(text, self.pos)
            if name is None:
                return True
            self.pos = name.end()
            key = name.group(1).lower()
            challenge.params[key] = self._value(challenge, key)
            self._skip(_SPACES)
            if self.pos < len(text) and text[self.pos] != "," and not _PARAM_NAME.match(text, self.pos):
                self._skip_item()  # junk after a value: drop it, resynchronise at the comma
            self._skip(_SEPARATORS)
        return _PARAM_NAME.match(text, self.pos) is None

    def _value(self, challenge: Challenge, key: str) -> str:
        text = self.text
        quoted = _QUOTED.match(text, self.pos)
        if quoted is not None:
            self.pos = quoted.end()
            # split() keeps the escaped characters and drops the backslashes: 7x faster than sub(r"\1")
            # on a value that is all escapes.
            return "".join(_ESCAPE.split(quoted.group(1)))
        single = _SINGLE_QUOTED.match(text, self.pos)
        if single is not None:  # not RFC 7235, but seen in the wild (urllib2 accepted it)
            self.pos = single.end()
            return single.group(1)
        bare = _BARE_VALUE.match(text, self.pos)
        assert bare is not None  # the pattern matches the empty string
        self.pos = bare.end()
        challenge.unquoted.add(key)
        return bare.group()

    def _skip_item(self) -> None:
        """Skip text that is not a challenge or a parameter, up to the next comma."""
        comma = self.text.find(",", self.pos)
        self.pos = len(self.text) if comma < 0 else comma + 1


def unsupported_scheme(challenges: list[Challenge]) -> str | None:
    """The first scheme offered when none of ``challenges`` is Basic or Digest, else ``None``.

    urllib2 raised ``ValueError`` for such a 401/407; a Digest challenge is left to the Digest handler
    and a Basic one to the Basic handler.
    """
    if not challenges or any(c.is_scheme("basic") or c.is_scheme("digest") for c in challenges):
        return None
    return challenges[0].scheme


@dataclass(frozen=True)
class DigestChallenge:
    """A Digest challenge's parameters, checked: realm and nonce present, algorithm known."""

    realm: str
    nonce: str
    algorithm: DigestAlgorithm
    qop: tuple[str, ...]  # empty: RFC 2069 compatibility (no qop, nc or cnonce)
    opaque: str | None
    stale: bool
    userhash: bool
    domain: tuple[str, ...]

    @classmethod
    def read(cls, challenge: Challenge) -> DigestChallenge | None:
        """The checked challenge, or ``None`` if it lacks a realm or a nonce.

        Raises ``ValueError`` naming the algorithm if it is not one this plugin speaks.
        """
        params = challenge.params
        name = params.get("algorithm", "MD5")
        algorithm = lookup(name)
        if algorithm is None:
            raise ValueError(
                f"unsupported digest authentication algorithm {name!r} (supported: {', '.join(SUPPORTED)})"
            )
        if "realm" not in params or "nonce" not in params:
            return None
        qop = params.get("qop")
        return cls(
            realm=params["realm"],
            nonce=params["nonce"],
            algorithm=algorithm,
            qop=tuple(q.strip().lower() for q in qop.split(",") if q.strip()) if qop is not None else (),
            opaque=params.get("opaque"),
            stale=params.get("stale", "").lower() == "true",
            userhash=params.get("userhash", "").lower() == "true",
            domain=tuple(params.get("domain", "").split()),
        )
