"""``AbstractHTTPHandler``, ``HTTPHandler``, ``HTTPSHandler``: urllib2's HTTP policy, connections kept alive.

The handlers prepare requests (``do_request_``) and send them (``do_open``). The default handlers send
every request through :mod:`urlplug_http.transport`, which keeps connections alive in a
:class:`~urlplug_http.ConnectionPool`. A subclass that calls :meth:`AbstractHTTPHandler.do_open` with a
connection class of its own, or a program that replaced ``http.client``'s connection classes (VCR.py,
test doubles), gets urllib2's behaviour instead: one connection per request, through that class's
``request`` and ``getresponse``, closed when the response is done.

``http.client`` (and with it ``email`` and ``ssl``) is imported by the first request, not by
``build_opener()``: a program pays for the HTTP machinery when it uses it.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from urlplug import BaseHandler, Timeout, URLError
from urlplug.errors import url_error
from urlplug.tls import ContextOnFirstUse
from urlplug.validate import check_headers, check_token

from .pool import ConnectionPool

if TYPE_CHECKING:
    import http.client
    import ssl

    from urlplug import Request

    from . import transport


@functools.cache
def _transport() -> ModuleType:
    """The transport module, imported once by the first request (an import statement per request costs
    a microsecond)."""
    from . import transport

    return transport


def _http_connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
    """``http.client.HTTPConnection``, looked up when called so that patches of it apply."""
    import http.client

    return http.client.HTTPConnection(host, **kwargs)


def _https_connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
    """``http.client.HTTPSConnection``, looked up when called so that patches of it apply."""
    import http.client

    return http.client.HTTPSConnection(host, **kwargs)


class AbstractHTTPHandler(BaseHandler):
    """What HTTP and HTTPS share: preparing requests (``do_request_``) and sending them (``do_open``).

    ``debuglevel`` above 0 makes ``http.client`` print what is sent and received. ``pool`` holds the
    kept-alive connections (a new :class:`~urlplug_http.ConnectionPool` by default); closing the
    handler (``opener.close()``) closes it.
    """

    _connection_name = "HTTPConnection"  # whose class-wide debuglevel applies when none is given

    def __init__(self, debuglevel: int | None = None, *, pool: ConnectionPool | None = None) -> None:
        # None: the connections keep http.client's default (``HTTPConnection.debuglevel``).
        self._level = debuglevel
        self.pool = pool if pool is not None else ConnectionPool()

    @property
    def _debuglevel(self) -> int:
        """The debug level in force, as ``urllib.request`` names it: the one given, else ``http.client``'s."""
        if self._level is not None:
            return self._level
        import http.client

        level: int = getattr(http.client, self._connection_name).debuglevel
        return level

    def set_http_debuglevel(self, level: int) -> None:
        """Set the ``http.client`` debug level of the connections made from now on."""
        self._level = level

    def close(self) -> None:
        """Close the pooled connections and detach from the opener."""
        self.pool.close()
        super().close()

    # --- preparing the request ---------------------------------------------------------------

    def _get_content_length(self, request: Request) -> int | None:
        """The length of the request body, or ``None`` when it is only known by reading it."""
        length: int | None = _transport().content_length(request.data, request.get_method())
        return length

    def do_request_(self, request: Request) -> Request:
        """Add the headers every HTTP request needs: ``Host``, body headers and the opener's defaults.

        A body without ``Content-Type`` is sent as ``application/x-www-form-urlencoded``; one whose
        size is known gets ``Content-Length``, any other (an iterable, a pipe) is sent chunked. The
        opener's ``addheaders`` never override the request's own headers.
        """
        host = request.host
        if not host:
            raise URLError("no host given")
        data = request.data
        if data is not None:
            if isinstance(data, str):
                raise TypeError(
                    "POST data should be bytes, an iterable of bytes, or a file object. "
                    "It cannot be of type str."
                )
            if not request.has_header("Content-type"):
                request.add_unredirected_header("Content-type", "application/x-www-form-urlencoded")
            if not request.has_header("Content-length") and not request.has_header("Transfer-encoding"):
                length = self._get_content_length(request)
                if length is not None:
                    request.add_unredirected_header("Content-length", str(length))
                else:
                    request.add_unredirected_header("Transfer-encoding", "chunked")
        if not request.has_header("Host"):
            if request.has_proxy():
                host = urlsplit(request.selector).netloc.rpartition("@")[2]
            request.add_unredirected_header("Host", host)
        if self.parent is not None:
            for given, value in self.parent.addheaders:
                name = given.capitalize()
                if not request.has_header(name):
                    request.add_unredirected_header(name, value)
        return request

    # --- sending it --------------------------------------------------------------------------

    def do_open(self, http_class: Any, req: Request, **http_conn_args: Any) -> Any:
        """Send ``req`` over a connection of ``http_class`` and return the response.

        The default handlers pass their own marker classes and get a kept-alive connection from the
        pool. Any other ``http_class`` (the ``http.client.HTTPConnection`` API, called as
        ``http_class(host, timeout=..., **http_conn_args)``) is used as urllib2 did: one connection,
        ``Connection: close``, the connection's response returned with ``url`` set; so is
        ``http.client``'s connection class when a program has replaced or patched it. Errors while
        sending become ``URLError``.
        """
        if not req.host:
            raise URLError("no host given")
        if http_class is _http_connection or http_class is _https_connection:
            secure = http_class is _https_connection
            if _transport().stock(secure):
                return self.open_pooled(req, secure, http_conn_args.get("context"))
        return self._open_once(http_class, req, **http_conn_args)

    def open_pooled(
        self,
        req: Request,
        secure: bool,
        context: ssl.SSLContext | None = None,
        dial: transport.Dial | None = None,
    ) -> Any:
        """Send ``req`` on a kept-alive connection of :attr:`pool` and return the response.

        ``secure`` speaks TLS with ``context``. New connections go to ``req.host`` (or through
        the proxy there); with ``dial`` (a :class:`~urlplug_http.transport.Dial`, such as a
        SOCKS proxy's) they are made by it instead, and are kept apart from the others in the pool.
        Errors while sending become ``URLError``.
        """
        transport = _transport()
        headers, proxy_authorization = _request_headers(req)
        try:
            response = transport.open_pooled(
                self.pool, req, headers, proxy_authorization, secure, context, self._level, dial
            )
        except transport.TunnelRefused as refused:
            return self._refused_tunnel(req, refused.answer)
        response.url = req.full_url
        response.msg = response.reason
        return response

    def _open_once(self, http_class: Any, req: Request, **http_conn_args: Any) -> Any:
        # A Timeout reaches such a class as numbers: its connect limit, then its read limit once
        # connected (its total bounds the connecting, sending and head, not the later reads).
        limits = req.timeout if isinstance(req.timeout, Timeout) else None
        timeout = req.timeout if limits is None else limits.connect_timeout()
        conn = http_class(req.host, timeout=timeout, **http_conn_args)
        self._set_debuglevel(conn)
        headers, proxy_authorization = _request_headers(req)
        headers["Connection"] = "close"
        if req._tunnel_host:
            tunnel_headers = {}
            if proxy_authorization is not None:
                tunnel_headers["Proxy-Authorization"] = proxy_authorization
            conn.set_tunnel(req._tunnel_host, headers=tunnel_headers)
        try:
            try:
                conn.request(
                    req.get_method(),
                    req.selector,
                    req.data,
                    headers,
                    encode_chunked="Transfer-Encoding" in headers,
                )
                if limits is not None and conn.sock is not None:
                    conn.sock.settimeout(limits.read_timeout())
            except OSError as exc:
                raise url_error(exc) from exc
            try:
                response = conn.getresponse()
            except TimeoutError as exc:
                raise url_error(exc) from exc
        except BaseException:
            conn.close()
            raise
        # The response keeps the socket open for its body; the connection must not reuse it.
        if conn.sock:
            conn.sock.close()
            conn.sock = None
        response.url = req.full_url
        response.msg = response.reason
        return response

    def _refused_tunnel(self, req: Request, answer: Any) -> Any:
        """The outcome of a proxy's refusal to open a tunnel: never taken for the origin's response.

        The answer comes from the proxy over plain text, so its cookies, redirects and body must not
        pass for the HTTPS origin's. A ``407`` goes straight to the error stage, where a proxy
        authentication handler can answer it and retry; any other status is a ``URLError``.
        """
        answer.url = req.full_url
        answer.msg = answer.reason
        if answer.status == 407 and self.parent is not None:
            result = self.parent.error("https", req, answer, 407, answer.reason, answer.headers)
            if result is not None:
                return result
        answer.close()
        raise URLError(f"Tunnel connection failed: {answer.status} {answer.reason}")

    def _set_debuglevel(self, conn: http.client.HTTPConnection) -> None:
        if self._level is not None:
            conn.set_debuglevel(self._level)


class HTTPHandler(AbstractHTTPHandler):
    """Opens ``http:`` URLs over kept-alive connections."""

    def http_open(self, req: Request) -> Any:
        """Send an HTTP request (GET, or POST with data, unless the request names a method)."""
        return self.do_open(_http_connection, req)

    http_request = AbstractHTTPHandler.do_request_


class HTTPSHandler(AbstractHTTPHandler):
    """Opens ``https:`` URLs over kept-alive TLS connections.

    ``context`` is the ``ssl.SSLContext`` to connect with; by default a verifying one
    (``ssl.create_default_context()``: the system's CA store, host name checks, SNI) made on first
    use. ``check_hostname``, when not ``None``, overrides the context's setting.
    """

    _connection_name = "HTTPSConnection"

    def __init__(
        self,
        debuglevel: int | None = None,
        context: ssl.SSLContext | None = None,
        check_hostname: bool | None = None,
        *,
        pool: ConnectionPool | None = None,
    ) -> None:
        super().__init__(debuglevel, pool=pool)
        self._tls = ContextOnFirstUse(context, check_hostname)

    @property
    def context(self) -> ssl.SSLContext:
        """The ``ssl.SSLContext`` of this handler's HTTPS connections (the default one is made here,
        on first use)."""
        return self._tls.get()

    def https_open(self, req: Request) -> Any:
        """Send an HTTPS request (GET, or POST with data, unless the request names a method)."""
        return self.do_open(_https_connection, req, context=self.context)

    https_request = AbstractHTTPHandler.do_request_


def https_handler(context: ssl.SSLContext | None = None) -> HTTPSHandler | None:
    """The default opener's HTTPS handler, or ``None`` when Python has no ``ssl`` module."""
    from importlib.util import find_spec

    # Whether ssl would import, without importing it (and OpenSSL) before the first HTTPS request.
    if find_spec("ssl") is None or find_spec("_ssl") is None:
        return None
    return HTTPSHandler(context=context)


# Header names as sent, by the names requests store: the same few names come on every request, and
# str.title() looks each letter up in the Unicode tables.
_TITLES: dict[str, str] = {}
_TITLES_KEPT = 512


def _request_headers(req: Request) -> tuple[dict[str, Any], str | None]:
    """The headers to send, and the ``Proxy-Authorization`` to send only on a ``CONNECT``.

    Unredirected headers win over regular ones (as in urllib2); names are title-cased.
    ``Proxy-Authorization`` stays among the headers only for a request sent to a proxy as an
    absolute URL: an origin server never sees it. The method and every header are checked here,
    before anything is sent: ``ValueError`` names the bad one.
    """
    check_token(req.get_method(), "method")
    headers = dict(req.unredirected_hdrs)
    for name, value in req.headers.items():
        headers.setdefault(name, value)
    check_headers(headers)
    titled = {}
    for name, value in headers.items():
        title = _TITLES.get(name)
        if title is None:
            title = name.title()
            if len(_TITLES) < _TITLES_KEPT:
                _TITLES[name] = title
        titled[title] = value
    proxy_authorization = None if req.has_proxy() else titled.pop("Proxy-Authorization", None)
    return titled, proxy_authorization
