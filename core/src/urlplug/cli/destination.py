"""Where a body goes: stdout, or a file written under ``NAME.part`` and renamed only once complete.

A transfer cut short never leaves a file that looks whole; its ``.part`` stays for ``-C -`` to resume.
A device or a pipe (``-o /dev/null``) is written as it is: it has no name to complete.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .failures import FAILED_INIT, RANGE_ERROR, WRITE_ERROR, Failure
from .output import is_json, pretty_json, progress_bar

__all__ = ["Destination", "WriteFailed"]

_BLOCK = 64 * 1024


class WriteFailed(Exception):
    """Writing the body failed (a closed pipe, a full disk): curl's exit code 23. The cause is chained."""


class Destination:
    """Where a body goes: stdout (``path`` is ``None``) or ``path``, written as ``part`` first.

    ``part`` is ``None`` for stdout and for a path that exists and is not a regular file.
    """

    def __init__(self, path: Path | None, offset: int = 0) -> None:
        self.path = path
        regular = path is not None and (path.is_file() or not path.exists())
        self.part = path.with_name(path.name + ".part") if path is not None and regular else None
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
        if part is None:
            raise Failure(FAILED_INIT, f"-C resumes a regular file, and {path} is not one")
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
        if self.path is None:
            self._file = sys.stdout.buffer
        elif self.part is None:
            self._file = self.path.open("wb")
        else:
            self._file = self.part.open("ab" if self.offset else "wb")
        return self._file

    def _write(self, sink: IO[bytes], data: bytes) -> None:
        try:
            sink.write(data)
            if self.path is None:
                sink.flush()  # a stream shows as it arrives
        except OSError as exc:
            raise WriteFailed from exc

    def _close(self) -> None:
        if self._file is not None and self.path is not None:
            self._file.close()

    def complete(self) -> None:
        """The body is whole: close the file and give it its name."""
        self._close()
        if self.part is not None and self.path is not None:
            self.part.replace(self.path)

    def abandon(self) -> Path | None:
        """The transfer failed: close the file; return the ``.part`` kept if it holds any bytes."""
        self._close()
        if self.part is None or self.path is None:
            return None
        if self._file is None:
            if self._moved:  # nothing was fetched: the file goes back as it was
                self.part.replace(self.path)
            return None
        if self.part.stat().st_size:
            return self.part
        self.part.unlink()
        return None
