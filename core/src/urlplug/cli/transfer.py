"""A fetch from start to end: open the URL, check what came back, hand the body to its destination."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import HTTPError
from ..request import Request
from .args import parse
from .chain import make_opener, redirects_exhausted
from .destination import Destination, WriteFailed
from .failures import (
    HTTP_RETURNED_ERROR,
    RANGE_ERROR,
    TOO_MANY_REDIRECTS,
    WRITE_ERROR,
    Failure,
    MaxTimeExceeded,
    describe,
)
from .output import discard_stdout
from .target import make_request, target_url
from .trace import Trace

__all__ = ["fetch_command"]


def fetch_command(argv: Sequence[str]) -> int:
    """``urlplug [options] URL``: fetch, and return curl's exit code for how it went."""
    options = parse(argv)
    if options.version:
        from .listing import version_command

        return version_command()
    destination: Destination | None = None
    url = options.url
    try:
        url = target_url(options)
        destination = Destination.choose(options, url)
        _fetch(options, url, destination)
    except KeyboardInterrupt:
        if destination is not None:
            destination.abandon()
        raise
    except (Exception, MaxTimeExceeded) as exc:
        code, message = _outcome(exc, url)
        kept = destination.abandon() if destination is not None else None
        if kept is not None:
            message += f" (the partial body is in {kept})"
        if not options.silent or options.show_error:
            print(f"urlplug: ({code}) {message}", file=sys.stderr)
        return code
    return 0


def _outcome(exc: BaseException, url: str) -> tuple[int, str]:
    if isinstance(exc, WriteFailed):
        if isinstance(exc.__cause__, BrokenPipeError):
            discard_stdout()
        return WRITE_ERROR, f"Failure writing output to destination: {exc.__cause__}"
    return describe(exc, url)


def _fetch(options: argparse.Namespace, url: str, destination: Destination) -> None:
    request = make_request(options, url)
    if destination.offset:
        request.add_header("Range", f"bytes={destination.offset}-")
    trace = Trace(sys.stderr if options.verbose else None, options.include or options.head)
    timeout = options.max_time if options.max_time is not None else Request.timeout
    with make_opener(options, url, [trace]) as opener, _deadline(options.max_time):
        response = _open(opener, request, timeout, options, destination)
        with response:
            if destination.offset and _already_complete(response):
                destination.complete()
                return
            destination.receive(response, trace.heads, options)


def _open(
    opener: Any, request: Request, timeout: Any, options: argparse.Namespace, destination: Destination
) -> Any:
    """The response, an HTTP error's included (curl prints its body), unless ``-f`` says to fail."""
    try:
        return opener.open(request, timeout=timeout)
    except HTTPError as error:
        exhausted = redirects_exhausted(error, options)
        if exhausted is not None:
            error.close()
            raise Failure(TOO_MANY_REDIRECTS, exhausted) from None
        if options.fail and (error.code or 0) >= 400 and not (error.code == 416 and destination.offset):
            error.close()
            raise Failure(
                HTTP_RETURNED_ERROR, f"The requested URL returned error: {error.code} {error.msg}".rstrip()
            ) from None
        return error


def _already_complete(response: Any) -> bool:
    """For a resumed transfer: ``True`` if nothing is left to fetch; :class:`Failure` if it cannot resume."""
    if response.status == 416:  # the range starts at the end: the file is whole
        return True
    if response.status != 206:
        raise Failure(RANGE_ERROR, "the server does not seem to support byte ranges: cannot resume")
    return False


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Bound the whole transfer to ``seconds`` (curl's ``-m``), where the platform has interval timers.

    The per-operation ``timeout=`` bounds each wait; this bounds their sum, so that a body trickling
    in never outlives ``-m``.
    """
    import signal

    if seconds is None or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise MaxTimeExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
