"""HTTP Digest authentication (RFC 7616): ``HTTPDigestAuthHandler`` (401), ``ProxyDigestAuthHandler`` (407).

Both answer MD5, SHA-256 and SHA-512-256 challenges and their ``-sess`` variants, with ``qop=auth``,
``qop=auth-int`` (when the body is known bytes) or RFC 2069's no-qop form, ``userhash`` and ``opaque``.
``HTTPDigestAuthHandler`` then keeps the nonce and sends ``Authorization`` up front on later requests
in the same protection space, counting ``nc`` per nonce; a ``stale=true`` answer earns one retry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from urlplug import BaseHandler, HTTPError, URLError

from .algorithms import lookup
from .challenges import Challenge, DigestChallenge, parse_challenges, unsupported_scheme
from .credentials import DigestCredentials, new_cnonce
from .passwords import HTTPPasswordMgr
from .protection import ProtectionSpace, ProtectionSpaces
from .retries import Retries

if TYPE_CHECKING:
    from email.message import Message

    from urlplug import Request


class AbstractDigestAuthHandler:
    """The mixin behind both Digest handlers: answers a Digest challenge and retries the request.

    ``passwd`` is an :class:`HTTPPasswordMgr` or anything with its interface. When a server offers
    several Digest challenges, the first one with an algorithm this plugin speaks is answered.

    Retries are bounded: the credentials answering a challenge are tried once, and a ``stale=true``
    reply earns one more try with the new nonce. When the answer itself is refused, the handler
    raises ``HTTPError(401, "digest auth failed")`` as ``urllib.request`` does (for a proxy too),
    whatever the other error handlers would do; the body of the last refusal can be read from it.

    ``urllib.request``'s overridable methods are here with their signatures: the handler's own flow
    calls :meth:`get_cnonce` for every client nonce and :meth:`retry_http_digest_auth` /
    :meth:`get_authorization` work for code that calls them; :meth:`reset_retry_count` is kept for
    handlers written for urllib2 that call it.
    """

    auth_header = "Authorization"
    keeps_nonce = True  # remember admitted protection spaces, for credentials sent up front
    parent: Any

    def __init__(self, passwd: Any = None) -> None:
        self.passwd: Any = HTTPPasswordMgr() if passwd is None else passwd
        self.add_password = self.passwd.add_password
        self._retries = Retries()
        self._spaces = ProtectionSpaces()

    def reset_retry_count(self) -> None:
        """urllib2's reset of the retry count. Retries are counted per request here and end with it,
        so there is nothing left to reset; calling it is harmless."""

    def http_error_auth_reqed(self, auth_header: str, host: str, req: Request, headers: Message) -> Any:
        """Answer the Digest challenge in the ``auth_header`` headers of ``headers`` and retry ``req``.

        ``host`` is the URI to look credentials up for first (the request URL for a server, the
        proxy's authority for a proxy); the request URL is tried next. Returns the response to the
        retried request, or ``None`` when there is no Digest challenge or no credentials. Raises
        ``HTTPError`` when the credentials were refused, ``ValueError`` if the server offers only
        schemes or Digest algorithms this plugin does not speak, and ``URLError`` if it asks for a
        ``qop`` it cannot answer.
        """
        challenges = parse_challenges(headers.get_all(auth_header) or ())
        challenge = self._choose(challenges)
        if challenge is None:
            return None
        depth = self._retries.depth(req)
        if depth >= 2 or (depth == 1 and not challenge.stale):  # our answer itself was refused
            self._forget(req.full_url)
            raise HTTPError(req.full_url, 401, "digest auth failed", headers, self._retries.refused())
        return self._retry(req, challenge, host)

    http_error_auth_reged = http_error_auth_reqed  # the urllib2 documentation's spelling

    def retry_http_digest_auth(self, req: Request, auth: str) -> Any:
        """Answer ``auth`` (one ``Digest ...`` challenge as sent) and open ``req`` again.

        Returns the response, or ``None`` without credentials for the challenge's realm.
        """
        challenge = self._choose(parse_challenges([auth]))
        return None if challenge is None else self._retry(req, challenge, None)

    def get_authorization(self, req: Request, chal: Mapping[str, str]) -> str | None:
        """The credentials for ``req`` answering the challenge parameters ``chal`` (without the
        ``Digest`` prefix), or ``None`` when the password manager has none for its realm."""
        challenge = DigestChallenge.read(Challenge("Digest", {k.lower(): v for k, v in chal.items()}))
        if challenge is None:
            return None
        space = self._space(req, challenge, None)
        if space is None:
            return None
        return self._authorization(space, req).removeprefix("Digest ")

    def get_algorithm_impls(self, algorithm: str) -> tuple[Callable[[str], str], Callable[[str, str], str]]:
        """The functions ``H(data)`` and ``KD(secret, data)`` of ``algorithm``.

        Raises ``ValueError`` for an algorithm this plugin does not speak.
        """
        found = lookup(algorithm)
        if found is None:
            raise ValueError(f"Unsupported digest authentication algorithm {algorithm!r}")
        return found.hash, lambda secret, data: found.hash(f"{secret}:{data}")

    def get_cnonce(self, nonce: str) -> str:
        """A fresh client nonce for a request answering ``nonce``: 128 random bits from the OS."""
        return new_cnonce()

    def get_entity_digest(self, data: Any, chal: Mapping[str, str]) -> str | None:
        """``H(entity-body)`` under the challenge's algorithm, as ``qop=auth-int`` hashes it; ``None``
        when the body is not known bytes or the algorithm is not one this plugin speaks."""
        body = _known_body(data)
        algorithm = lookup(chal.get("algorithm", "MD5"))
        return None if body is None or algorithm is None else algorithm.hash(body)

    def _retry(self, req: Request, challenge: DigestChallenge, host: str | None) -> Any:
        space = self._space(req, challenge, host)
        if space is None:
            return None
        req.add_unredirected_header(self.auth_header, self._authorization(space, req))
        response = self._retries.retry(self.parent, req)
        # Kept only once admitted: a nonce shared earlier could be counted past before nc=1 arrives.
        if self.keeps_nonce and response is not None:
            self._spaces.remember(space)
        return response

    def _space(self, req: Request, challenge: DigestChallenge, host: str | None) -> ProtectionSpace | None:
        """The protection space the answer to ``challenge`` creates, or ``None`` without credentials.

        Credentials are looked up under ``host`` first, then under the request URL.
        """
        url = req.full_url
        user, password = None, None
        for uri in (host, url) if host is not None and host != url else (url,):
            user, password = self.passwd.find_user_password(challenge.realm, uri)
            if user is not None and password is not None:
                break
        if user is None or password is None:
            return None
        space = ProtectionSpace(DigestCredentials(challenge, user, password), url)
        space.follow(self._spaces.find(url))
        return space

    def _choose(self, challenges: list[Challenge]) -> DigestChallenge | None:
        """The first usable Digest challenge; raises when nothing offered is usable by any handler."""
        unsupported: ValueError | None = None
        for challenge in challenges:
            if not challenge.is_scheme("digest"):
                continue
            try:
                found = DigestChallenge.read(challenge)
            except ValueError as exc:
                unsupported = unsupported or exc
                continue
            if found is not None:
                return found
        basic_offered = any(c.is_scheme("basic") for c in challenges)
        if unsupported is not None and not basic_offered:
            raise unsupported
        scheme = unsupported_scheme(challenges)
        if scheme is not None:
            raise ValueError(f"AbstractDigestAuthHandler does not support the following scheme: {scheme!r}")
        return None

    def _forget(self, url: str) -> None:
        space = self._spaces.find(url)
        if space is not None:
            self._spaces.forget(space)

    def _digest_target(self, req: Request) -> tuple[str, str]:
        """The method and the ``uri`` the digest covers: the request line the server will see."""
        if not req.has_proxy():
            return req.get_method(), req.selector or "/"
        # Proxied: the origin server sees the origin-form, not the absolute URL sent to the proxy.
        parts = urlsplit(req.full_url)
        return req.get_method(), (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _authorization(self, space: ProtectionSpace, req: Request) -> str:
        """The ``Digest ...`` credentials for ``req`` with the next nonce count of ``space``."""
        body = _known_body(req.data)
        qop = _choose_qop(space.challenge, req, body)
        method, uri = self._digest_target(req)
        nonce = space.challenge.nonce
        return space.credentials.authorization(
            method, uri, qop, space.next_count(), body or b"", self.get_cnonce(nonce)
        )


def _known_body(data: Any) -> bytes | None:
    """The body as bytes when it can be hashed without consuming it (no body is the empty body)."""
    if data is None:
        return b""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    return None


def _choose_qop(challenge: DigestChallenge, req: Request, body: bytes | None) -> str | None:
    if not challenge.qop:
        return None
    if "auth" in challenge.qop:
        return "auth"
    if "auth-int" in challenge.qop:
        if body is None:
            raise URLError(
                f"qop 'auth-int' needs the request body as bytes to hash it, but {req.full_url} sends "
                f"a {type(req.data).__name__}"
            )
        return "auth-int"
    raise URLError(f"qop {','.join(challenge.qop)!r} is not supported (supported: auth, auth-int)")


class HTTPDigestAuthHandler(AbstractDigestAuthHandler, BaseHandler):
    """Answers a server's 401 with Digest credentials from the password manager.

    Once admitted, later requests in the same protection space carry ``Authorization`` up front.
    """

    auth_header = "Authorization"
    handler_order = 490  # before Basic: when a server offers both, Digest answers

    def http_error_401(self, req: Request, fp: Any, code: int, msg: str, headers: Message) -> Any:
        """Retry the request with authentication information, if available."""
        with self._retries.answering(fp):
            return self.http_error_auth_reqed("www-authenticate", req.full_url, req, headers)

    def http_request(self, req: Request) -> Request:
        """Send credentials up front with the next nonce count where a nonce is already known."""
        if req.has_header(self.auth_header):
            return req
        url = req.full_url
        space = self._spaces.find(url)
        if space is None:
            return req
        user, password = self.passwd.find_user_password(space.challenge.realm, url)
        if user is None or password is None:
            return req
        if not space.credentials.matches(user, password):
            space.credentials = DigestCredentials(space.challenge, user, password)
        try:
            auth = self._authorization(space, req)
        except URLError:  # e.g. auth-int and a streamed body: let the server challenge as usual
            return req
        req.add_unredirected_header(self.auth_header, auth)
        return req

    https_request = http_request


class ProxyDigestAuthHandler(AbstractDigestAuthHandler, BaseHandler):
    """Answers a proxy's 407 with Digest credentials stored for the proxy's authority (or, as
    ``urllib.request`` looks them up, for the request URL)."""

    auth_header = "Proxy-Authorization"
    handler_order = 490  # before Basic: when a proxy offers both, Digest answers
    # The request stage runs before ProxyHandler picks the proxy: nowhere to send credentials up front.
    keeps_nonce = False

    def http_error_407(self, req: Request, fp: Any, code: int, msg: str, headers: Message) -> Any:
        """Retry the request with authentication information, if available."""
        with self._retries.answering(fp):
            return self.http_error_auth_reqed("proxy-authenticate", req.host, req, headers)

    def _digest_target(self, req: Request) -> tuple[str, str]:
        tunnel = getattr(req, "_tunnel_host", None)
        if tunnel:  # the 407 answered the CONNECT that opens the tunnel
            return "CONNECT", tunnel if urlsplit(f"//{tunnel}").port else f"{tunnel}:443"
        return req.get_method(), req.selector
