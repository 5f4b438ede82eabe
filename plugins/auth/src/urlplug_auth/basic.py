"""HTTP Basic authentication (RFC 7617): ``HTTPBasicAuthHandler`` (401), ``ProxyBasicAuthHandler`` (407)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from urlplug import BaseHandler

from .authorization import basic_authorization
from .challenges import parse_challenges, unsupported_scheme
from .passwords import HTTPPasswordMgr
from .retries import Retries

if TYPE_CHECKING:
    from email.message import Message

    from urlplug import Request


class AbstractBasicAuthHandler:
    """The mixin behind both Basic handlers: answers a challenge with the stored user and password.

    ``password_mgr`` is an :class:`HTTPPasswordMgr` or anything with its interface. A request is
    retried at most ``max_retries`` times, and never again with credentials the server just refused;
    then the 401/407 goes on to the next handler (in the end an ``HTTPError``).
    """

    auth_header = "Authorization"
    max_retries = 3
    parent: Any

    def __init__(self, password_mgr: Any = None) -> None:
        self.passwd: Any = HTTPPasswordMgr() if password_mgr is None else password_mgr
        self.add_password = self.passwd.add_password
        self._retries = Retries()

    def http_error_auth_reqed(self, authreq: str, host: str, req: Request, headers: Message) -> Any:
        """Answer the Basic challenge in the ``authreq`` headers of ``headers`` and retry ``req``.

        ``host`` is the URI to look credentials up for: an authority (``"python.org"``,
        ``"python.org:80"``) or a URL; it must not contain userinfo. Returns the response to the
        retried request, or ``None`` if there is no Basic challenge or no credentials for it.
        Raises ``ValueError`` if the server offers neither Basic nor Digest.
        """
        challenges = parse_challenges(headers.get_all(authreq) or ())
        for challenge in challenges:
            realm = challenge.params.get("realm")
            if challenge.is_scheme("basic") and realm is not None:
                if "realm" in challenge.unquoted:
                    warnings.warn("Basic Auth Realm was unquoted", UserWarning, stacklevel=2)
                return self.retry_http_basic_auth(host, req, realm)
        scheme = unsupported_scheme(challenges)
        if scheme is not None:
            raise ValueError(f"AbstractBasicAuthHandler does not support the following scheme: {scheme!r}")
        return None

    http_error_auth_reged = http_error_auth_reqed  # the urllib2 documentation's spelling

    def retry_http_basic_auth(self, host: str, req: Request, realm: str) -> Any:
        """Retry ``req`` with the credentials stored for ``realm`` and ``host``, if any."""
        user, password = self.passwd.find_user_password(realm, host)
        if password is None:
            return None
        auth = basic_authorization(user, password)
        if req.get_header(self.auth_header) == auth or self._retries.depth(req) >= self.max_retries:
            return None
        req.add_unredirected_header(self.auth_header, auth)
        return self._retries.retry(self.parent, req)


class HTTPBasicAuthHandler(AbstractBasicAuthHandler, BaseHandler):
    """Answers a server's 401 with Basic credentials from the password manager.

    With an :class:`HTTPPasswordMgrWithPriorAuth`, credentials are sent without waiting for a 401
    to URIs known to need them.
    """

    auth_header = "Authorization"

    def http_error_401(self, req: Request, fp: Any, code: int, msg: str, headers: Message) -> Any:
        """Retry the request with authentication information, if available."""
        with self._retries.answering(fp):
            return self.http_error_auth_reqed("www-authenticate", req.full_url, req, headers)

    def http_request(self, req: Request) -> Request:
        """Add credentials up front where the password manager says the URI is authenticated."""
        is_authenticated = getattr(self.passwd, "is_authenticated", None)
        if is_authenticated is None or req.has_header(self.auth_header) or not is_authenticated(req.full_url):
            return req
        user, password = self.passwd.find_user_password(None, req.full_url)
        if password is not None:
            req.add_unredirected_header(self.auth_header, basic_authorization(user, password))
        return req

    def http_response(self, req: Request, response: Any) -> Any:
        """Record in the password manager whether credentials worked for this URI."""
        if hasattr(self.passwd, "update_authenticated"):
            code = getattr(response, "code", None)
            if code == 401:
                self._set_authenticated(req.full_url, False)
            elif code is not None and 200 <= code < 300 and req.has_header(self.auth_header):
                self._set_authenticated(req.full_url, True)
        return response

    def _set_authenticated(self, uri: str, value: bool) -> None:
        # Only URIs with stored credentials, and only on a change: a crawl must not grow the table.
        if (
            self.passwd.find_user_password(None, uri)[1] is not None
            and self.passwd.is_authenticated(uri) != value
        ):
            self.passwd.update_authenticated(uri, value)

    https_request = http_request
    https_response = http_response


class ProxyBasicAuthHandler(AbstractBasicAuthHandler, BaseHandler):
    """Answers a proxy's 407 with Basic credentials stored for the proxy's authority."""

    auth_header = "Proxy-authorization"

    def http_error_407(self, req: Request, fp: Any, code: int, msg: str, headers: Message) -> Any:
        """Retry the request with authentication information, if available."""
        # req.host is the proxy once ProxyHandler has routed the request (no userinfo: RFC 3986 3.2.1).
        with self._retries.answering(fp):
            return self.http_error_auth_reqed("proxy-authenticate", req.host, req, headers)
