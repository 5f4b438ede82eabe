"""``FTPConnection``: a logged-in FTP or FTPS control connection that runs one transfer at a time."""

from __future__ import annotations

import ftplib
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from urlplug import Timeout
from urlplug.errors import url_error
from urlplug.timeouts import wait_within

from .body import TransferBody

if TYPE_CHECKING:
    import ssl

# Closing a body early must not hang on a server that ignores ABOR, whatever the request's timeout.
_ABORT_TIMEOUT = 5.0
# Replies read after ABOR and NOOP at most: the transfer's (226 or 426), ABOR's (one or two), NOOP's 200.
_MAX_REPLIES = 4


def _peer_passive(ftp: ftplib.FTP) -> tuple[str, int]:
    """Passive mode that only takes the port from the server's reply.

    The data connection always goes to the address the control connection is connected to: a
    ``PASV`` reply naming another host (FTP bounce, or a probe of the client's network) is not
    followed. ``EPSV`` replies carry no host by design; a host in one is ignored as well.
    """
    assert ftp.sock is not None
    peer = ftp.sock.getpeername()
    if ftp.af == socket.AF_INET:
        _, port = ftplib.parse227(ftp.sendcmd("PASV"))
    else:
        _, port = ftplib.parse229(ftp.sendcmd("EPSV"), peer)
    return peer[0], port


class _FTP(ftplib.FTP):
    limits: Timeout | None = None  # each reply waited for within its read limit and what is left of its total

    def makepasv(self) -> tuple[str, int]:
        return _peer_passive(self)

    def getline(self) -> str:
        limits = self.limits
        if limits is None or self.sock is None:
            return super().getline()
        self.sock.settimeout(limits.read_timeout())
        return wait_within(limits, self.sock, super().getline)


class _FTPS(_FTP, ftplib.FTP_TLS):
    """Explicit FTPS whose data connections are always protected, resuming the control session."""

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket.socket, int | None]:
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        # Servers such as vsftpd refuse a data connection that does not resume the control session.
        session = getattr(self.sock, "session", None)
        return self.context.wrap_socket(conn, server_hostname=self.host, session=session), size


def _hung_up(exc: BaseException) -> bool:
    """Whether ``exc`` says the server closed the control connection (an idle one timing out)."""
    if isinstance(exc, EOFError | ConnectionError):
        return True
    if isinstance(exc, ftplib.error_temp):
        return str(exc).startswith("421")
    tls = sys.modules.get("ssl")  # not loaded: there can be no TLS connection to lose
    return tls is not None and isinstance(exc, tls.SSLZeroReturnError | tls.SSLEOFError)


class FTPConnection:
    """A logged-in control connection to ``host``:``port``, in the directory ``dirs``.

    ``FTPHandler.connect_ftp`` returns one; :meth:`retrfile` starts a transfer and returns its
    body. ``context`` (an ``ssl.SSLContext``) makes it an explicit FTPS connection whose control
    and data connections are both protected. ``timeout`` applies to every socket: a number to
    each, a :class:`~urlplug.Timeout` its ``connect`` to connecting, its ``read`` to each wait for
    a reply or data and its ``total`` to all of the transfer (``timeout`` may be replaced between
    transfers: ``CacheFTPHandler`` gives a kept connection the next request's).

    ``release`` is called with the connection when a transfer has ended and the connection is
    ready for another (``CacheFTPHandler`` keeps it); without it the connection closes itself
    after one transfer. A connection that has served a transfer and finds the server gone when
    the next one starts logs in again, once, transparently.

    ``ask_size`` sends ``SIZE`` before each binary ``RETR``, for servers whose 150 reply does
    not announce the size: one more round trip buys the size, hence ``Content-length`` and the
    check that all of the file arrived.
    """

    def __init__(
        self,
        user: str,
        passwd: str,
        host: str,
        port: int,
        dirs: list[str],
        timeout: Any,
        context: ssl.SSLContext | None = None,
        release: Callable[[FTPConnection], None] | None = None,
        *,
        ask_size: bool = False,
    ) -> None:
        self.user = user
        self.passwd = passwd
        self.host = host
        self.port = port
        self.dirs = list(dirs)
        self.timeout = timeout
        self.context = context
        self._release = release
        self._transfers = 0
        self._type: str | None = None
        self._ask_size = ask_size
        self._ftp: _FTP | None = self._login()

    def retrfile(self, file: str, kind: str) -> tuple[TransferBody, int | None]:
        """Start retrieving ``file``; return the body and its size (``None`` when unknown).

        ``kind`` is ``"I"`` (binary), ``"A"`` (ASCII) or ``"D"`` (a listing of ``file``, or of
        the directory when ``file`` is empty). A file the server refuses with 550 that turns
        out to be a directory is listed instead. Server replies that refuse the transfer raise
        ``ftplib`` errors; the connection stays usable after a 5xx reply.
        """
        limits = self.timeout if isinstance(self.timeout, Timeout) else None
        try:
            try:
                if limits is not None:
                    self._limit(self._control(), limits)
                sock, size = self._start(file, kind)
            except (EOFError, OSError, ftplib.error_temp) as exc:
                if not (self._transfers and _hung_up(exc)):
                    raise
                self._relogin()
                sock, size = self._start(file, kind)
            if limits is not None:
                sock.settimeout(limits.read_timeout())
        except ftplib.error_perm:
            self._done()
            raise
        except BaseException:
            self.close()
            raise
        body = TransferBody(
            sock,
            size,
            on_end=self._end,
            on_abort=self._abort,
            on_fail=self.close,
            limits=limits if limits is not None and limits.deadline is not None else None,
        )
        return body, size

    def close(self) -> None:
        """Close the control connection (a transfer's data connection is its body's to close)."""
        ftp, self._ftp = self._ftp, None
        if ftp is not None:
            ftp.close()

    # --- the protocol ------------------------------------------------------------------------

    def _login(self) -> _FTP:
        limits = self.timeout if isinstance(self.timeout, Timeout) else None
        timeout = self.timeout if limits is None else limits.connect_timeout()
        ftp = _FTP(timeout=timeout) if self.context is None else _FTPS(context=self.context, timeout=timeout)
        try:
            if limits is not None:
                self._limit(ftp, limits)
            ftp.connect(self.host, self.port)
            ftp.login(self.user, self.passwd)  # FTP_TLS.login sends AUTH TLS first
            if isinstance(ftp, _FTPS):
                ftp.prot_p()
            if self.dirs:
                ftp.cwd("/".join(self.dirs))
        except BaseException:
            ftp.close()
            raise
        return ftp

    @staticmethod
    def _limit(ftp: _FTP, limits: Timeout) -> None:
        """Bound ``ftp``'s next connections by ``limits.connect`` and its replies by ``limits.read``,
        both cut to what is left of ``limits.total``."""
        ftp.timeout = limits.connect_timeout()
        ftp.limits = limits

    def _relogin(self) -> None:
        self.close()
        self._type = None
        self._ftp = self._login()

    def _control(self) -> _FTP:
        if self._ftp is None:
            raise ftplib.error_proto("the FTP connection is closed")
        return self._ftp

    def _start(self, file: str, kind: str) -> tuple[socket.socket, int | None]:
        ftp = self._control()
        if kind == "D" or not file:
            return self._list(file)
        self._set_type(kind)
        size = self._size(file) if kind == "I" else None
        try:
            sock, announced = ftp.ntransfercmd("RETR " + file)
        except ftplib.error_perm as exc:
            if not str(exc).startswith("550") or not self._is_directory(file):
                raise
            return self._list(file)
        return sock, announced if size is None else size

    def _list(self, name: str) -> tuple[socket.socket, int | None]:
        self._set_type("A")
        sock, _ = self._control().ntransfercmd(f"LIST {name}" if name else "LIST")
        return sock, None

    def _set_type(self, kind: str) -> None:
        if self._type != kind:  # a cached connection already in the right type skips a round trip
            self._control().voidcmd("TYPE " + kind)
            self._type = kind

    def _size(self, file: str) -> int | None:
        """The file's size in bytes by ``SIZE`` (RFC 3659), or ``None`` when the server won't say.

        A ``213`` reply that is not a decimal number raises ``ftplib.error_proto``.
        """
        if not self._ask_size:
            return None
        try:
            reply = self._control().sendcmd("SIZE " + file)
        except ftplib.error_perm as exc:
            if str(exc)[:3] in ("500", "502"):  # not implemented: don't ask again
                self._ask_size = False
            return None
        if not reply.startswith("213"):
            return None
        digits = reply[3:].strip()
        # ASCII only: str.isdigit() takes "²", which int() then refuses, and int() reads other
        # scripts' digits, which no FTP server means.
        if not (digits.isascii() and digits.isdigit()):
            raise ftplib.error_proto(f"malformed SIZE reply: {reply!r}")
        return int(digits)

    def _is_directory(self, name: str) -> bool:
        ftp = self._control()
        here = ftp.pwd()
        try:
            ftp.cwd(name)
        except ftplib.error_perm:
            return False
        try:
            ftp.cwd(here)
        except ftplib.error_perm as exc:  # stranded elsewhere: not a connection to keep
            raise ftplib.error_proto(f"could not return to {here!r}: {exc}") from exc
        return True

    # --- the end of a transfer (called by the body) ------------------------------------------

    def _end(self) -> None:
        """The data connection ended: the server's final reply says whether all of it came."""
        try:
            self._control().voidresp()
        except ftplib.all_errors as exc:
            self.close()
            raise url_error(exc) from exc
        self._transfers += 1
        self._done()

    def _abort(self) -> None:
        """The body was closed early: stop the transfer, keeping the connection if it can be."""
        if self._release is None or not self._resync():
            self.close()
            return
        self._transfers += 1
        self._release(self)

    def _resync(self) -> bool:
        """Send ABOR and NOOP, and read replies up to NOOP's 200: the connection is then in step.

        Servers answer ABOR with one or two replies depending on how far the transfer got, so
        NOOP's reply is the only reliable marker of where the conversation stands.
        """
        ftp = self._ftp
        if ftp is None or ftp.sock is None:
            return False
        sock = ftp.sock
        ftp.limits = None  # the abort's own limit, not the read limit; the next transfer sets its own
        timeout = sock.gettimeout()
        sock.settimeout(_ABORT_TIMEOUT if timeout is None else min(timeout, _ABORT_TIMEOUT))
        try:
            ftp.putcmd("ABOR")
            ftp.putcmd("NOOP")
            for _ in range(_MAX_REPLIES):
                if ftp.getmultiline().startswith("200"):
                    sock.settimeout(timeout)
                    return True
        except (OSError, EOFError, ftplib.Error):
            pass
        return False

    def _done(self) -> None:
        if self._release is None or self._ftp is None:
            self.close()
        else:
            self._release(self)

    def __repr__(self) -> str:
        scheme = "ftp" if self.context is None else "ftps"
        state = "closed" if self._ftp is None else "open"
        return f"<FTPConnection {scheme}://{self.user}@{self.host}:{self.port}/{'/'.join(self.dirs)} {state}>"
