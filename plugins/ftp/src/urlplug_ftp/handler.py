"""``FTPHandler``: opens ``ftp:`` and ``ftps:`` URLs, one control connection per request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from urlplug import BaseHandler, Request, Response, URLError
from urlplug.errors import url_error
from urlplug.response import make_headers
from urlplug.tls import ContextOnFirstUse

from .target import parse_target

if TYPE_CHECKING:
    import ssl


class FTPHandler(BaseHandler):
    """Open ``ftp:`` URLs, and ``ftps:`` URLs over explicit TLS (``AUTH TLS``, protected data).

    ``ftp://user:password@host:port/dir/file;type=a|i|d``: user and password are
    percent-decoded (anonymous login without them); transfers are passive and binary unless
    ``;type=a``; a path ending in ``/``, a directory, or ``;type=d`` gives a ``LIST`` listing.
    The response streams from the data connection, with ``Content-type`` (guessed from the
    name) and ``Content-length`` (from the server's 150 reply) when known; the
    request's timeout applies to every socket (a :class:`~urlplug.Timeout`: ``connect`` to the
    control and data connections, ``read`` to every wait for a reply or data, ``total`` to all
    of it); every timeout raises ``URLTimeoutError``. A server's refusal raises ``URLError`` whose
    ``reason`` is the ``ftplib`` error carrying the server's reply; a socket failure raises
    ``URLError`` whose ``reason`` is the ``OSError``. See :class:`TransferBody` for errors while
    reading.

    Set ``ask_size`` to send ``SIZE`` before each binary transfer, for servers whose 150 reply
    does not announce the size (one more round trip per file buys ``Content-length`` and the
    check that the whole file arrived).

    ``context`` (an ``ssl.SSLContext``) is used for ``ftps:``; by default a verifying context
    from ``urlplug.tls.client_context``. ``build_opener(context=...)`` and
    ``urlopen(cafile=..., context=...)`` pass theirs here.
    """

    ask_size: bool = False

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.context = context
        self._tls: ContextOnFirstUse | None = None

    def ftp_open(self, req: Request) -> Response:
        """Open an ``ftp:`` URL."""
        return self._open(req, None)

    def ftps_open(self, req: Request) -> Response:
        """Open an ``ftps:`` URL: explicit TLS on the standard port unless one is given."""
        return self._open(req, self._tls_context())

    def connect_ftp(
        self,
        user: str,
        passwd: str,
        host: str,
        port: int,
        dirs: list[str],
        timeout: Any,
        context: ssl.SSLContext | None = None,
    ) -> Any:
        """Return a logged-in connection in ``dirs``: the override point for how to connect.

        The result needs one method, ``retrfile(file, type) -> (body, size or None)``;
        :class:`FTPConnection` is the default. ``context`` is given for ``ftps:`` only, so an
        override written for urllib2 (without it) keeps working for ``ftp:``.
        """
        from .connection import FTPConnection

        return FTPConnection(user, passwd, host, port, dirs, timeout, context, ask_size=self.ask_size)

    def _open(self, req: Request, context: ssl.SSLContext | None) -> Response:
        import ftplib

        target = parse_target(req)
        dirs = list(target.dirs)
        try:
            if context is None:
                conn = self.connect_ftp(
                    target.user, target.passwd, _address(target.host), target.port, dirs, req.timeout
                )
            else:
                conn = self.connect_ftp(
                    target.user, target.passwd, target.host, target.port, dirs, req.timeout, context=context
                )
            body, size = conn.retrfile(target.file, target.kind)
        except URLError:
            raise
        except ftplib.all_errors as exc:
            raise url_error(exc) from exc
        headers = make_headers([("Content-type", _content_type(target.file)), ("Content-length", size)])
        return Response(body, headers, req.full_url)

    def _tls_context(self) -> ssl.SSLContext:
        # Settled at the first ftps: use, so a context assigned to the handler before then counts.
        if self._tls is None:
            self._tls = ContextOnFirstUse(self.context)
        return self._tls.get()


def _address(host: str) -> str:
    """The address ``connect_ftp`` is given for ``ftp:``, as urllib2 did (``ftps:`` keeps the name for TLS).

    A name resolves to its IPv4 address as ``socket.gethostbyname`` gives it, or else (an IPv6-only
    name) to the first address the resolver gives; a name that does not resolve raises ``OSError``.
    """
    import ipaddress
    import socket

    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    try:
        return socket.gethostbyname(host)
    except OSError:
        return str(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0])


def _content_type(name: str) -> str | None:
    if not name:
        return None
    import mimetypes

    # The leading '/' keeps a name such as 'data:x' from being read as a URL by mimetypes.
    return mimetypes.guess_type("/" + name)[0]
