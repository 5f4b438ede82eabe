"""A fetch from start to end: open the URL, check what came back, and deliver the body.

The body goes to stdout, or to a file written under ``<name>.part`` and renamed only once complete: a
transfer cut short never leaves a file that looks whole (its ``.part`` stays, for ``-C -`` to resume).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import posixpath
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..errors import HTTPError
from ..request import Request
from .args import parse
from .chain import make_opener, redirect_limit_reached
from .failures import (
    FAILED_INIT,
    HTTP_RETURNED_ERROR,
    RANGE_ERROR,
    TOO_MANY_REDIRECTS,
    WRITE_ERROR,
    Failure,
    MaxTimeExceeded,
    describe,
)
from .output import is_json, pretty_json, progress_bar
from .target import make_request, target_url
from .trace import Trace

__all__ = ["fetch_command"]

_BLOCK = 64 * 1024


class _WriteFailed(Exception):
    """Writing the body failed (a closed pipe, a full disk): curl's exit code 23."""


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
    if isinstance(exc, _WriteFailed):
        if isinstance(exc.__cause__, BrokenPipeError):
            # Nobody reads stdout any more: keep Python's exit-time flush from complaining too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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
        if options.location and redirect_limit_reached(error):
            error.close()
            limit = options.max_redirs if options.max_redirs is not None else "the redirect handler's"
            raise Failure(TOO_MANY_REDIRECTS, f"Maximum ({limit}) redirects followed") from None
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


class Destination:
    """Where a body goes: stdout (``path`` is ``None``) or ``path``, written as ``path.part`` first."""

    def __init__(self, path: Path | None, offset: int = 0) -> None:
        self.path = path
        self.part = None if path is None else path.with_name(path.name + ".part")
        self.offset = offset
        self._file: IO[bytes] | None = None
        self._moved = False  # the file named by -o was moved to .part to resume it

    @classmethod
    def choose(cls, options: argparse.Namespace, url: str) -> Destination:
        """The file ``-o``/``-O`` name (``-o -`` is stdout), and the offset ``-C`` resumes at."""
        path = Path(options.output) if options.output not in (None, "-") else None
        if options.remote_name:
            name = posixpath.basename(urlsplit(url).path)
            if not name:
                raise Failure(WRITE_ERROR, "Remote file name has no length: give -o FILE")
            path = Path(name)
        if options.continue_at is None:
            return cls(path)
        if path is None:
            if options.continue_at == "-":
                raise Failure(FAILED_INIT, "-C - resumes a file: give -o FILE or -O")
            return cls(None, int(options.continue_at))
        return cls._resuming(path, options.continue_at)

    @classmethod
    def _resuming(cls, path: Path, offset: str) -> Destination:
        destination = cls(path)
        part = destination.part
        assert part is not None
        if not part.exists() and path.exists():  # curl's own partial file, or a whole one
            path.replace(part)
            destination._moved = True
        have = part.stat().st_size if part.exists() else 0
        wanted = have if offset == "-" else int(offset)
        if wanted > have:
            raise Failure(RANGE_ERROR, f"cannot resume {path} at byte {wanted}: it has {have} bytes")
        if wanted < have:
            with part.open("r+b") as file:
                file.truncate(wanted)
        destination.offset = wanted
        return destination

    def receive(self, response: Any, heads: list[list[str]], options: argparse.Namespace) -> None:
        """Write the kept heads (``-i``), then the body unless ``-I``; complete the file."""
        sink = self._open()
        for head in heads:
            self._write(sink, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace"))
        if not options.head:
            if self.path is None and sys.stdout.isatty() and is_json(response.headers.get("Content-Type")):
                self._write_json(sink, response)
            else:
                self._copy(sink, response, options)
        self.complete()

    def _copy(self, sink: IO[bytes], response: Any, options: argparse.Namespace) -> None:
        bar = None
        if not (options.silent or options.verbose or (self.path is None and sys.stdout.isatty())):
            bar = progress_bar(response.headers.get("Content-Length"), self.offset, self._label())
        try:
            read = getattr(response, "read1", response.read)
            while chunk := read(_BLOCK):
                self._write(sink, chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()

    def _write_json(self, sink: IO[bytes], response: Any) -> None:
        body = response.read()
        self._write(sink, pretty_json(body) or body)

    def _label(self) -> str:
        return self.path.name if self.path is not None else "stdout"

    def _open(self) -> IO[bytes]:
        if self.part is None:
            self._file = sys.stdout.buffer
        else:
            self._file = self.part.open("ab" if self.offset else "wb")
        return self._file

    def _write(self, sink: IO[bytes], data: bytes) -> None:
        try:
            sink.write(data)
            if self.part is None:
                sink.flush()  # a stream shows as it arrives
        except OSError as exc:
            raise _WriteFailed from exc

    def complete(self) -> None:
        """The body is whole: close the file and give it its name."""
        if self.part is not None:
            if self._file is not None:
                self._file.close()
            self.part.replace(self.path)  # type: ignore[arg-type]

    def abandon(self) -> Path | None:
        """The transfer failed: close the file; return the ``.part`` kept if it holds any bytes."""
        if self.part is None or self._file is None:
            if self._moved:  # nothing was fetched: the file goes back as it was
                self.part.replace(self.path)  # type: ignore[union-attr, arg-type]
            return None
        self._file.close()
        if self.part.stat().st_size:
            return self.part
        self.part.unlink()
        return None
