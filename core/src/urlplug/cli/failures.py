"""curl's exit codes, and the one line of stderr that goes with each failure."""

from __future__ import annotations

import errno
import socket
import sys
from urllib.parse import urlsplit

from ..errors import ContentTooShortError, URLError

__all__ = ["Failure", "MaxTimeExceeded", "describe", "one_line_warning"]

# The codes of curl's man page ("EXIT CODES") that this command can meet.
UNSUPPORTED_PROTOCOL = 1
FAILED_INIT = 2
MALFORMED_URL = 3
NOT_BUILT_IN = 4  # curl: a feature not built in; here: a plugin not installed
COULDNT_RESOLVE_HOST = 6
COULDNT_CONNECT = 7
WEIRD_SERVER_REPLY = 8
PARTIAL_FILE = 18
HTTP_RETURNED_ERROR = 22
WRITE_ERROR = 23
READ_ERROR = 26
OPERATION_TIMEDOUT = 28
RANGE_ERROR = 33
SSL_CONNECT_ERROR = 35
TOO_MANY_REDIRECTS = 47
RECV_ERROR = 56
PEER_FAILED_VERIFICATION = 60
SSL_CACERT_BADFILE = 77

_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL})


class Failure(Exception):
    """A failure the command has already put into words, with its exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MaxTimeExceeded(BaseException):
    """``-m`` ran out. A ``BaseException``, as ``KeyboardInterrupt``: no handler's ``except OSError``
    may swallow it on its way out of the library."""


def describe(exc: BaseException, url: str) -> tuple[int, str]:
    """The exit code and message for ``exc``, raised while fetching ``url``."""
    if isinstance(exc, Failure):
        return exc.code, exc.message
    if isinstance(exc, MaxTimeExceeded):
        return OPERATION_TIMEDOUT, f"Operation timed out: -m {exc.args[0]:g} s reached"
    if isinstance(exc, ContentTooShortError):
        return PARTIAL_FILE, str(exc.reason)
    if isinstance(exc, TimeoutError):  # URLTimeoutError too, whatever its reason says
        return _network(exc, url)
    if isinstance(exc, URLError):
        reason = exc.reason
        if isinstance(reason, BaseException):
            return describe(reason, url)
        if str(reason).startswith("unknown url type"):
            return UNSUPPORTED_PROTOCOL, str(reason)
        return 1, str(reason)
    client = sys.modules.get("http.client")
    if client is not None and isinstance(exc, client.IncompleteRead):
        left = f" with {exc.expected} bytes remaining to read" if exc.expected else " before its end"
        return PARTIAL_FILE, f"transfer closed{left} ({len(exc.partial)} bytes received)"
    if client is not None and isinstance(exc, client.HTTPException):
        return WEIRD_SERVER_REPLY, f"weird server reply: {type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):
        return _network(exc, url)
    if isinstance(exc, ValueError):
        return MALFORMED_URL, str(exc)
    return 1, f"{type(exc).__name__}: {exc}"


def _network(exc: OSError, url: str) -> tuple[int, str]:
    parts = urlsplit(url)
    where = f"{parts.hostname} port {_port(parts.port, parts.scheme)}"
    ssl = sys.modules.get("ssl")  # not imported: the error cannot be one of its
    if ssl is not None and isinstance(exc, ssl.SSLCertVerificationError):
        return PEER_FAILED_VERIFICATION, f"SSL certificate problem: {exc.verify_message}"
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return SSL_CONNECT_ERROR, f"SSL connect error: {exc.reason or exc}"
    if isinstance(exc, socket.gaierror):
        return COULDNT_RESOLVE_HOST, f"Could not resolve host: {parts.hostname}"
    if isinstance(exc, TimeoutError):
        return OPERATION_TIMEDOUT, f"Operation timed out ({where})"
    if isinstance(exc, ConnectionRefusedError) or exc.errno in _UNREACHABLE:
        return COULDNT_CONNECT, f"Failed to connect to {where}: {exc.strerror or exc}"
    if isinstance(exc, ConnectionError):
        return RECV_ERROR, f"Failure when receiving data from the peer: {exc.strerror or exc}"
    return 1, str(exc) or type(exc).__name__


def _port(port: int | None, scheme: str) -> int | str:
    from ..origin import DEFAULT_PORTS

    return port if port is not None else DEFAULT_PORTS.get(scheme, "?")


def one_line_warning(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> str:
    """``warnings.formatwarning`` for the command: one line, no source excerpt."""
    return f"urlplug: warning: {message}\n"
