"""HTTP Digest authentication (RFC 7616): ``HTTPDigestAuthHandler`` (401), ``ProxyDigestAuthHandler`` (407).

Both answer MD5, SHA-256 and SHA-512-256 challenges and their ``-sess`` variants, with ``qop=auth``,
``qop=auth-int`` (when the body is known bytes) or RFC 2069's no-qop form, ``userhash`` and ``opaque``.
``HTTPDigestAuthHandler`` then keeps the nonce and sends ``Authorization`` up front on later requests
in the same protection space, counting ``nc`` per nonce; a ``stale=true`` answer earns one retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from urlplug import BaseHandler, URLError

from .challenges import Challenge, parse_challenges, unsupported_scheme
from .credentials import DigestCredentials
from .passwords import HTTPPasswordMgr
from .protection import DigestChallenge, ProtectionSpace, ProtectionSpaces
from .retries import Retries

if TYPE_CHECKING:
    from email.message import Message

    from urlplug import Request


class AbstractDigestAuthHandler:
    """The mixin behind both Digest handlers: answers a Digest challenge and retries the request.

    ``passwd`` is an :class:`HTTPPasswordMgr` or anything with its interface. When a server offers
    several Digest challenges, the first one with an algorithm this plugin speaks is answered. The
    credentials answering a challenge are tried once; a ``stale=true`` reply earns one more try with
    the new nonce; then the 401/407 goes on to the next handler (in the end an ``HTTPError``).
    """

    auth_header = "Authorization"
    keeps_nonce = True  # remember admitted protection spaces, for credentials sent up front
    parent: Any

    def __init__(self, passwd: Any = None) -> None:
        self.passwd: Any = HTTPPasswordMgr() if passwd is None else passwd
        self.add_password = self.passwd.add_password
        self._retries = Retries()
        self._spaces = ProtectionSpaces()

    def http_error_auth_reqed(self, auth_header: str, host: str, req: Request, headers: Message) -> Any:
        """Answer the Digest challenge in the ``auth_header`` headers of ``headers`` and retry ``req``.

        ``host`` is the URI to look credentials up for: the request URL for a server, the proxy's
        authority for a proxy. Returns the response to the retried request, or ``None`` when there
        is no Digest challenge, no credentials, or the credentials were refused. Raises ``ValueError``
        if the server offers only schemes or Digest algorithms this plugin does not speak, and
        ``URLError`` if it asks for a ``qop`` it cannot answer.
        """
        challenges = parse_challenges(headers.get_all(auth_header) or ())
        challenge = self._choose(challenges)
        if challenge is None:
            return None
        depth = self._retries.depth(req)
        if depth >= 2 or (depth == 1 and not challenge.stale):  # our answer itself was refused
            self._forget(req.full_url)
            return None
        user, password = self.passwd.find_user_password(challenge.realm, host)
        if user is None or password is None:
            return None
        space = ProtectionSpace(DigestCredentials(challenge, user, password), req.full_url)
        space.follow(self._spaces.find(req.full_url))
        req.add_unredirected_header(self.auth_header, self._authorization(space, req))
        response = self._retries.retry(self.parent, req)
        # Kept only once admitted: a nonce shared earlier could be counted past before nc=1 arrives.
        if self.keeps_nonce and response is not None:
            self._spaces.remember(space)
        return response

    http_error_auth_reged = http_error_auth_reqed  # the urllib2 documentation's spelling

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
        return space.credentials.authorization(method, uri, qop, space.next_count(), body or b"")


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
    """Answers a proxy's 407 with Digest credentials stored for the proxy's authority."""

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
