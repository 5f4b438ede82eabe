"""``RetryHandler``: sends an HTTP(S) request again when it fails to connect or meets a passing refusal."""

from __future__ import annotations

import socket
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from urlplug import BaseHandler, HTTPError, URLError
from urlplug.response import discard

from .history import RetryAttempt
from .waits import backoff, retry_after

if TYPE_CHECKING:
    from email.message import Message

    from urlplug import OpenerDirector, Request

__all__ = ["DEFAULT_ALLOWED_METHODS", "RETRY_AFTER_STATUS_CODES", "RetryHandler"]

DEFAULT_ALLOWED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"})
"""The idempotent methods (RFC 9110 9.2.2), retried by default: urllib3's list."""

RETRY_AFTER_STATUS_CODES = frozenset({429, 503})
"""Statuses retried when they come with a usable ``Retry-After``, even outside ``status_forcelist``."""

_REPLAYABLE = (bytes, bytearray, memoryview)


class _Outcome:
    """What one attempt gave: a response or an exception, and its record for the history."""

    __slots__ = ("attempt", "error", "response")

    def __init__(self, request: Request, response: Any = None, error: Exception | None = None) -> None:
        self.response = response
        self.error = error
        status = None if error is not None else getattr(response, "status", None)
        self.attempt = RetryAttempt(request.get_method(), request.full_url, error, status)


class RetryHandler(BaseHandler):
    """Retries HTTP(S) requests with backoff and ``Retry-After``, in urllib3's ``Retry`` vocabulary.

    A request is retried only when its method is in ``allowed_methods`` and its body can be sent
    again (none, or bytes-like: never an iterator or a file). What is retried:

    - ``connect`` failures, before the request was sent: connection refused, connect timeout,
      a temporary DNS failure (``EAI_AGAIN``);
    - ``read`` failures, after the request was sent and before a response head came: the
      connection reset or closed, the head timed out;
    - ``status`` refusals: a status in ``status_forcelist``, or a 429/503 with a ``Retry-After``
      header when ``respect_retry_after_header`` is on.

    ``total``, ``connect``, ``read`` and ``status`` cap the retries (``None``: no cap of that
    kind); the first to run out ends them. Before a retry the handler sleeps what ``Retry-After``
    asks (seconds or an HTTP-date) or else urllib3's backoff: nothing after the first failure,
    then ``backoff_factor * 2 ** (failures - 1)`` plus up to ``backoff_jitter`` seconds, at most
    ``backoff_max``. A ``Retry-After`` longer than ``retry_after_max`` seconds is not waited for:
    the response is handed on as it came. ``sleep`` is the function that waits (tests pass their own).

    Each call of ``opener.open`` has its own count: a redirect or an authentication retry opens
    anew and is counted by its own handler, never by this one. After retries, the response or
    exception carries ``retry_history``, a tuple of :class:`~urlplug_retry.RetryAttempt` ending
    with the last attempt. When retries end on a refusal, that response goes through the chain as
    usual (cookies, decoding); in the error stage it becomes an ``HTTPError`` with the history
    (``raise_on_status=True``), or is returned as it is (``raise_on_status=False``).

    The defaults are the instance that joins every opener: two retries, of connect failures and of
    429/503 with a ``Retry-After`` of at most 10 seconds, for idempotent methods. ``handler_order``
    is 200: after ``ProxyHandler`` (100) has routed the request, before what answers it (500).

    A classic handler (``http_open``/``https_open`` and ``http_error_<code>`` for the statuses it
    retries), so that building an opener does not import pluggy's hook machinery for it.
    """

    handler_order = 200

    def __init__(
        self,
        total: int | None = 2,
        *,
        connect: int | None = None,
        read: int | None = 0,
        status: int | None = None,
        backoff_factor: float = 0.5,
        backoff_max: float = 120.0,
        backoff_jitter: float = 0.0,
        status_forcelist: Iterable[int] = (),
        allowed_methods: Iterable[str] = DEFAULT_ALLOWED_METHODS,
        respect_retry_after_header: bool = True,
        raise_on_status: bool = True,
        retry_after_max: float | None = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for name, count in (("total", total), ("connect", connect), ("read", read), ("status", status)):
            if count is not None and count < 0:
                raise ValueError(f"{name} must be a count of retries (0 or more) or None, not {count}")
        self.limits = {"total": total, "connect": connect, "read": read, "status": status}
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.backoff_jitter = backoff_jitter
        self.status_forcelist = frozenset(status_forcelist)
        self.allowed_methods = frozenset(method.upper() for method in allowed_methods)
        self.respect_retry_after_header = respect_retry_after_header
        self.raise_on_status = raise_on_status
        self.retry_after_max = retry_after_max
        self.sleep = sleep
        # Statuses worth a closer look; decided once so that a passing response costs one lookup.
        self._statuses = self.status_forcelist | (
            RETRY_AFTER_STATUS_CODES if respect_retry_after_header else frozenset()
        )
        # Requests whose retries ended on a refusal -> their history, for the error stage.
        self._refused: weakref.WeakKeyDictionary[Request, tuple[RetryAttempt, ...]] = (
            weakref.WeakKeyDictionary()
        )
        for code in self._statuses - RETRY_AFTER_STATUS_CODES:  # the forcelist's, in the error stage
            setattr(self, f"http_error_{code}", self._refusal)

    # --- the open stage ----------------------------------------------------------------------

    def http_open(self, request: Request) -> Any:
        """Send ``request`` on through the rest of the open stage, again while a retry is due."""
        opener = self.parent
        assert opener is not None, "RetryHandler is not part of an opener: add it with build_opener()"
        data = request.data
        replayable = data is None or isinstance(data, _REPLAYABLE)  # never an iterator or a file
        if not replayable or request.get_method() not in self.allowed_methods:
            if self._refused:
                self._refused.pop(request, None)  # left from an earlier open of the same request
            return opener.open_after(self, request)
        try:
            response = opener.open_after(self, request)
        except Exception as exc:
            return self._retry(opener, request, _Outcome(request, error=exc))
        if getattr(response, "status", None) in self._statuses:
            return self._retry(opener, request, _Outcome(request, response))
        return response

    def _retry(self, opener: OpenerDirector, request: Request, outcome: _Outcome) -> Any:
        """Send ``request`` again after its first attempt failed with ``outcome``, while retries last."""
        # An entry left from an earlier open of the same request must not pass for this one's; on
        # the way without retries the error stage sees no status this handler records.
        self._refused.pop(request, None)
        left = dict(self.limits)
        history = [outcome.attempt]
        while (wait := self._wait(outcome, left, len(history))) is not None:
            if outcome.response is not None:
                discard(outcome.response)
            self.sleep(wait)
            try:
                outcome = _Outcome(request, opener.open_after(self, request))
            except Exception as exc:
                outcome = _Outcome(request, error=exc)
            history.append(outcome.attempt)
        return self._end(request, outcome, tuple(history))

    def _wait(self, outcome: _Outcome, left: dict[str, int | None], attempts: int) -> float | None:
        """Seconds to wait before retrying after ``outcome`` (counting the retry), or ``None``: done."""
        if outcome.error is not None:
            kind = _failure_kind(outcome.error)
            if kind is None or not _spend(left, kind):
                return None
            return self._backoff(attempts)
        if outcome.attempt.status not in self._statuses:
            return None
        return self._status_wait(outcome, left, attempts)

    def _status_wait(self, outcome: _Outcome, left: dict[str, int | None], attempts: int) -> float | None:
        """The wait before retrying a refusal: what its ``Retry-After`` asks, or the backoff."""
        asked = None
        headers = getattr(outcome.response, "headers", None)
        if self.respect_retry_after_header and headers is not None:
            asked = retry_after(headers.get("Retry-After"))
        if asked is None and outcome.attempt.status not in self.status_forcelist:
            return None  # a 429/503 without a usable Retry-After
        if asked is not None and self.retry_after_max is not None and asked > self.retry_after_max:
            return None
        if not _spend(left, "status"):
            return None
        return self._backoff(attempts) if asked is None else asked

    def _backoff(self, failures: int) -> float:
        return backoff(failures, self.backoff_factor, self.backoff_max, self.backoff_jitter)

    def _end(self, request: Request, outcome: _Outcome, history: tuple[RetryAttempt, ...]) -> Any:
        """The last outcome, with ``history`` attached if there were retries: returned, or raised."""
        retried = len(history) > 1
        if outcome.error is not None:
            if retried:
                _attach(outcome.error, history)
            raise outcome.error
        response = outcome.response
        if retried and response is not None:
            _attach(response, history)
            if outcome.attempt.status in self._statuses:
                self._refused[request] = history
        return response

    # --- the error stage ---------------------------------------------------------------------

    https_open = http_open

    def http_error_429(self, request: Request, response: Any, code: int, msg: str, headers: Message) -> Any:
        """A 429 (or 503) that ended this handler's retries: see :meth:`_refusal`."""
        return self._refusal(request, response, code, msg, headers)

    http_error_503 = http_error_429

    def _refusal(self, request: Request, response: Any, code: int, msg: str, headers: Message) -> Any:
        """For a refusal that ended this handler's retries and that no other handler answered: raise
        ``HTTPError`` with the history (``raise_on_status``), or return the response as it is.

        It is this handler's ``http_error_<code>`` for each status it retries, so it runs in
        ``handler_order`` among those handlers: before those of handlers ordered after 200 (a later
        one cannot answer such a refusal), and before ``http_error_default``. Any other error passes.
        """
        if not self._refused:
            return None
        history = self._refused.pop(request, None)
        if history is None or history[-1].status != code:
            return None
        if not self.raise_on_status:
            return response
        error = HTTPError(request.full_url, code, msg, headers, response)
        _attach(error, history)
        raise error

    def __repr__(self) -> str:
        limits = ", ".join(f"{name}={count}" for name, count in self.limits.items())
        return f"<{type(self).__name__} {limits}>"


def _failure_kind(error: Exception) -> str | None:
    """``"connect"`` for a failure before the request was sent, ``"read"`` for one after it was sent
    and before a response head came, ``None`` for any other (never retried)."""
    if isinstance(error, HTTPError):
        return None
    if isinstance(error, URLError):
        reason = error.reason
        if isinstance(reason, ConnectionRefusedError | TimeoutError):
            # The transport wraps connect errors so; a rare timeout while sending a large body is
            # wrapped alike and taken for one, which allowed_methods (idempotent ones) makes safe.
            return "connect"
        if isinstance(reason, socket.gaierror):
            return "connect" if reason.errno == socket.EAI_AGAIN else None  # not for an unknown name
        return "read" if isinstance(reason, ConnectionError) else None  # reset while sending
    # The transport raises these bare when the head does not come: reset, closed, timed out.
    return "read" if isinstance(error, ConnectionError | TimeoutError) else None


def _spend(left: dict[str, int | None], kind: str) -> bool:
    """Count one retry of ``kind`` against the total and its own cap; whether both allow it."""
    allowed = True
    for name in ("total", kind):
        count = left[name]
        if count is not None:
            left[name] = count - 1
            allowed = allowed and count > 0
    return allowed


def _attach(target: object, history: tuple[RetryAttempt, ...]) -> None:
    # Exceptions and responses of every kind take a new attribute; none declares this one.
    setattr(target, "retry_history", history)  # noqa: B010
