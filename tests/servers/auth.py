"""Loopback servers that demand authentication: a real lighttpd, and routes of the tests' own.

``lighttpd`` (Debian's, with ``mod_auth`` and ``mod_authn_file``; ``apt-get install lighttpd``, which
``.ci/run`` does) serves Basic and Digest (MD5, SHA-256, SHA-512-256, a choice of two, ``userhash``)
from an htdigest file written here. :class:`DigestAuthority` and :class:`BasicAuthority` protect
``LoopbackHTTPServer`` routes for what lighttpd lacks (``-sess``, ``auth-int``, ``stale``, no ``qop``,
Basic and Digest offered together). They are written from RFC 7616/7617 with hashlib and the stdlib's
``parse_http_list``, independently of ``urlplug_auth``, so that they check it rather than mirror it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.request import parse_http_list, parse_keqv_list

import pytest

from . import daemons
from .http import ForwardProxy, Reply, Route, Seen

USER, PASSWORD = "alice", "s3cret:pass word"
LIGHTTPD_REALM = "lighttpd realm"

# path -> (method, lighttpd's algorithm setting or None for Basic, extra settings)
LIGHTTPD_AREAS: dict[str, tuple[str, str | None, str]] = {
    "/basic/": ("basic", None, ""),
    "/md5/": ("digest", "MD5", ""),
    "/sha256/": ("digest", "SHA-256", ""),
    "/sha512-256/": ("digest", "SHA-512-256", ""),
    "/choice/": ("digest", "SHA-256|MD5", ""),
    "/userhash/": ("digest", "SHA-256", ', "userhash" => "enable"'),
}
LIGHTTPD_BODY = b"hello from lighttpd\n"

_HASHES = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}


def _h(name: str, data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.new(_HASHES[name.removesuffix("-sess")], raw).hexdigest()


def _header(seen: Seen, name: str) -> str | None:
    return next((v for k, v in seen.headers.items() if k.lower() == name.lower()), None)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def digest_params(credentials: str) -> dict[str, str]:
    """The parameters of ``Digest <params>`` credentials, unquoted (with the stdlib's helpers)."""
    pairs = parse_keqv_list(parse_http_list(credentials.partition(" ")[2]))
    return {name: re.sub(r"\\(.)", r"\1", value) for name, value in pairs.items()}


# --- lighttpd ---------------------------------------------------------------------------------


class Lighttpd(daemons.Daemon):
    """A running lighttpd on 127.0.0.1 with the areas of ``LIGHTTPD_AREAS``."""

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def log(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")


def _realm(algorithm: str | None) -> str:
    # lighttpd takes the first htdigest line of the user and realm whose hash has the length the
    # algorithm needs: SHA-256 and SHA-512-256 hashes are both 64 digits, so they need two realms.
    return f"{LIGHTTPD_REALM} 512" if algorithm == "SHA-512-256" else LIGHTTPD_REALM


def _htdigest_lines(user: str, password: str) -> str:
    # The fourth field is H(user:realm), which lighttpd matches a userhash against.
    return "".join(
        f"{user}:{realm}:{_h(name, f'{user}:{realm}:{password}')}:{_h(name, f'{user}:{realm}')}\n"
        for name, realm in ((name, _realm(name)) for name in _HASHES)
    )


def _lighttpd_config(folder: Path, port: int) -> str:
    areas = ",\n".join(
        f'  "{path}" => ("method" => "{method}", "realm" => "{_realm(algorithm)}", "require" => "valid-user"'
        + (f', "algorithm" => "{algorithm}"' if algorithm else "")
        + f"{extra})"
        for path, (method, algorithm, extra) in LIGHTTPD_AREAS.items()
    )
    return f"""
server.modules = ("mod_auth", "mod_authn_file")
server.document-root = "{folder / "www"}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{folder / "error.log"}"
server.max-keep-alive-requests = 100000
# refused credentials are answered at once (by default lighttpd waits a second, against guessing)
server.feature-flags = ("auth.delay-invalid-creds" => "disable")
mimetype.assign = (".txt" => "text/plain")
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "{folder / "htdigest"}"
auth.require = (
{areas}
)
"""


def start_lighttpd(folder: Path) -> Lighttpd:
    """Start lighttpd with its files in ``folder``; ``DaemonError`` if it is missing or fails."""
    for path in LIGHTTPD_AREAS:
        area = folder / "www" / path.strip("/")
        area.mkdir(parents=True, exist_ok=True)
        (area / "index.txt").write_bytes(LIGHTTPD_BODY)
    (folder / "htdigest").write_text(_htdigest_lines(USER, PASSWORD))

    def configure(port: int) -> list[str]:
        (folder / "lighttpd.conf").write_text(_lighttpd_config(folder, port))
        return ["-D", "-f", str(folder / "lighttpd.conf")]

    return daemons.start(Lighttpd, "lighttpd", folder, configure, logs=["error.log"])


@pytest.fixture(scope="session")
def lighttpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lighttpd]:
    """A real lighttpd demanding ``USER``/``PASSWORD`` under each area of ``LIGHTTPD_AREAS``.

    The realm is ``LIGHTTPD_REALM``, or ``LIGHTTPD_REALM + " 512"`` for SHA-512-256.
    """
    try:
        server = start_lighttpd(tmp_path_factory.mktemp("lighttpd"))
    except daemons.DaemonError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


# --- routes of our own ------------------------------------------------------------------------


def _challenge_reply(headers: list[tuple[str, str]]) -> Reply:
    return Reply(401, [*headers, ("Content-Type", "text/plain")], b"authentication required")


class BasicAuthority:
    """Basic authentication (RFC 7617) for routes; ``also`` adds further challenges to the 401."""

    def __init__(
        self,
        realm: str = "basic realm",
        users: dict[str, str] | None = None,
        *,
        charset: bool = False,
        quoted: bool = True,
        also: Sequence[str] = (),
    ) -> None:
        self.realm = realm
        self.users = {USER: PASSWORD} if users is None else users
        realm_value = f'"{realm}"' if quoted else realm
        self.challenge = f"Basic realm={realm_value}" + (', charset="UTF-8"' if charset else "")
        self.also = list(also)
        self.accepted: list[str] = []

    def route(self, body: bytes = b"basic secret") -> Route:
        def serve(seen: Seen) -> Reply:
            if self.check(seen):
                return Reply(200, [("Content-Type", "text/plain")], body)
            return _challenge_reply([("WWW-Authenticate", c) for c in [*self.also, self.challenge]])

        return serve

    def check(self, seen: Seen) -> bool:
        value = _header(seen, "Authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "basic":
            return False
        user, _, password = base64.b64decode(token).decode("utf-8").partition(":")
        if self.users.get(user) != password:
            return False
        self.accepted.append(user)
        return True


class DigestAuthority:
    """Digest authentication (RFC 7616) for routes, strict where a client can go wrong.

    It offers one challenge per algorithm (each in its own header, or all in one with
    ``one_header``), remembers the nonces it issued and the highest ``nc`` seen for each (a repeat is
    refused), checks ``uri``, ``opaque``, ``qop`` (hashing the body for ``auth-int``) and ``userhash``,
    and answers ``stale=true`` for nonces passed to :meth:`expire`. ``accepted`` lists the parsed
    credentials it let through, ``challenges`` counts its 401s.
    """

    def __init__(
        self,
        realm: str = "digest realm",
        users: dict[str, str] | None = None,
        *,
        algorithms: Sequence[str] = ("MD5",),
        qop: str | None = "auth",
        opaque: str | None = "opaque/0paque+",
        userhash: bool = False,
        charset: bool = True,
        domain: str | None = None,
        one_header: bool = False,
        also: Sequence[str] = (),
        header: str = "Authorization",
        challenge_header: str = "WWW-Authenticate",
        status: int = 401,
        nonce: str | None = None,
    ) -> None:
        self.realm = realm
        self.users = {USER: PASSWORD} if users is None else users
        self.algorithms = list(algorithms)
        self.qop = qop
        self.opaque = opaque
        self.userhash = userhash
        self.charset = charset
        self.domain = domain
        self.one_header = one_header
        self.also = list(also)
        self.header = header
        self.challenge_header = challenge_header
        self.status = status
        self.nonce = nonce  # one nonce for every challenge, as servers that never rotate them do
        self.nonces: dict[str, int] = {}  # nonce -> highest nc accepted
        self.expired: set[str] = set()
        self.accepted: list[dict[str, str]] = []
        self.refused: list[str] = []  # why each credential was refused
        self.challenges = 0
        self._lock = threading.Lock()

    def expire(self) -> None:
        """Make every nonce issued so far stale."""
        with self._lock:
            self.expired.update(self.nonces)

    def route(self, body: bytes = b"digest secret") -> Route:
        def serve(seen: Seen) -> Reply:
            stale = False
            value = _header(seen, self.header)
            if value is not None:
                verdict = self.check(seen, value)
                if verdict == "ok":
                    return Reply(200, [("Content-Type", "text/plain")], body)
                self.refused.append(verdict)
                stale = verdict == "stale"
            return self.challenge(stale)

        return serve

    def challenge(self, stale: bool = False) -> Reply:
        """A fresh 401 (or ``status``) with one challenge per algorithm."""
        challenges = []
        with self._lock:
            self.challenges += 1
            for algorithm in self.algorithms:
                nonce = self.nonce or secrets.token_urlsafe(24)
                self.nonces.setdefault(nonce, 0)
                params = [f"realm={_quoted(self.realm)}", f'nonce="{nonce}"', f"algorithm={algorithm}"]
                if self.qop is not None:
                    params.append(f'qop="{self.qop}"')
                if self.opaque is not None:
                    params.append(f"opaque={_quoted(self.opaque)}")
                if self.domain is not None:
                    params.append(f"domain={_quoted(self.domain)}")
                if self.charset:
                    params.append("charset=UTF-8")
                if self.userhash:
                    params.append("userhash=true")
                if stale:
                    params.append("stale=true")
                challenges.append("Digest " + ", ".join(params))
        offered = [*self.also, *challenges]
        if self.one_header:
            offered = [", ".join(offered)]
        reply = _challenge_reply([(self.challenge_header, c) for c in offered])
        reply.status = self.status
        return reply

    def _user(self, params: dict[str, str], algorithm: str) -> str | None:
        if params.get("userhash") == "true":
            return next(
                (u for u in self.users if _h(algorithm, f"{u}:{self.realm}") == params.get("username")), None
            )
        if "username*" in params:
            charset, _, encoded = params["username*"].partition("''")
            return unquote(encoded, encoding=charset) if charset.upper() == "UTF-8" else None
        return params.get("username")

    def check(self, seen: Seen, value: str) -> str:
        """``"ok"``, ``"stale"``, or what is wrong with the credentials in ``value``."""
        scheme = value.partition(" ")[0]
        if scheme.lower() != "digest":
            return f"scheme {scheme}"
        params = digest_params(value)
        nonce, algorithm = params.get("nonce", ""), params.get("algorithm", "MD5")
        with self._lock:
            if nonce not in self.nonces:
                return "unknown nonce"
            if nonce in self.expired:
                return "stale"
        if algorithm not in self.algorithms:
            return f"algorithm {algorithm}"
        if params.get("realm") != self.realm or params.get("opaque") != self.opaque:
            return "realm or opaque"
        if params.get("uri") != seen.path:
            return f"uri {params.get('uri')} for {seen.path}"
        user = self._user(params, algorithm)
        if user is None or user not in self.users:
            return "user"
        qop = params.get("qop")
        if (qop is None) != (self.qop is None) or (qop is not None and qop not in self.qop.split(",")):
            return f"qop {qop}"
        if params.get("response") != self._expected(params, user, seen, qop, algorithm):
            return "response"
        if qop is not None:
            nc = int(params["nc"], 16)
            with self._lock:
                if nc <= self.nonces[nonce]:
                    return f"replayed nc {nc}"
                self.nonces[nonce] = nc
        self.accepted.append(params)
        return "ok"

    def _expected(
        self, params: dict[str, str], user: str, seen: Seen, qop: str | None, algorithm: str
    ) -> str:
        nonce, cnonce = params["nonce"], params.get("cnonce", "")
        ha1 = _h(algorithm, f"{user}:{self.realm}:{self.users[user]}")
        if algorithm.endswith("-sess"):
            ha1 = _h(algorithm, f"{ha1}:{nonce}:{cnonce}")
        a2 = f"{seen.method}:{params['uri']}"
        if qop == "auth-int":
            a2 += ":" + _h(algorithm, seen.body)
        if qop is None:
            return _h(algorithm, f"{ha1}:{nonce}:{_h(algorithm, a2)}")
        return _h(algorithm, f"{ha1}:{nonce}:{params['nc']}:{cnonce}:{qop}:{_h(algorithm, a2)}")


class DigestForwardProxy(ForwardProxy):
    """A :class:`ForwardProxy` whose ``authority`` (made with :func:`proxy_authority`) checks
    ``Proxy-Authorization``: a ``CONNECT`` is answered with the challenge until the Digest
    credentials for ``CONNECT <host:port>`` are right, then tunnelled.
    """

    def __init__(self, authority: DigestAuthority) -> None:
        super().__init__()
        self.authority = authority

    def refuse(self, method: str, target: str, headers: dict[str, str], number: int) -> bytes | None:
        value = headers.get("Proxy-Authorization")
        seen = Seen(method, target, headers, b"", number)
        verdict = "missing" if value is None else self.authority.check(seen, value)
        if verdict == "ok":
            return None
        reply = self.authority.challenge(verdict == "stale")
        assert isinstance(reply.body, bytes)
        lines = [f"HTTP/1.1 {reply.status} Proxy Authentication Required"]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        lines.append(f"Content-Length: {len(reply.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body


def proxy_authority(**options: Any) -> DigestAuthority:
    """A :class:`DigestAuthority` speaking for a proxy: 407, ``Proxy-Authenticate``, realm ``proxy realm``."""
    options.setdefault("realm", "proxy realm")
    return DigestAuthority(
        header="Proxy-Authorization", challenge_header="Proxy-Authenticate", status=407, **options
    )


@pytest.fixture
def digest_proxy() -> Iterator[DigestForwardProxy]:
    """A :class:`DigestForwardProxy` wanting ``USER``/``PASSWORD`` (SHA-256) in realm ``proxy realm``."""
    proxy = DigestForwardProxy(proxy_authority(algorithms=["SHA-256"])).start()
    yield proxy
    proxy.stop()
