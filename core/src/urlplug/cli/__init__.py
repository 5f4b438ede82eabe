"""The ``urlplug`` command: fetch a URL with curl's flags, list the installed plugins, or run the demo.

One module per idea: :mod:`.args` (the command line, with curl's flag names), :mod:`.target` (the URL
and the request), :mod:`.sources` (``@file`` arguments), :mod:`.form` (``-F``), :mod:`.chain` (the
opener the flags ask for), :mod:`.trace` (``-v`` and ``-i``), :mod:`.transfer` (the exchange, start
to end), :mod:`.destination` (where the body goes), :mod:`.output` (terminal niceties),
:mod:`.failures` (curl's exit codes), :mod:`.listing` (``urlplug plugins`` and ``--version``).
Nothing here is imported by ``import urlplug``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

INTERRUPTED = 130  # 128 + SIGINT, as shells and curl report Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``urlplug`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:  # `urlplug plugins | head -1`
        from .failures import WRITE_ERROR
        from .output import discard_stdout

        discard_stdout()
        return WRITE_ERROR
    except Exception as exc:  # what fetch_command did not word itself: still one line, no traceback
        print(f"urlplug: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _dispatch(argv: list[str]) -> int:
    import warnings

    from .failures import one_line_warning

    previous, warnings.formatwarning = warnings.formatwarning, one_line_warning
    try:
        if argv[:1] == ["plugins"]:
            from .listing import plugins_command

            return plugins_command(argv[1:])
        if argv[:1] == ["demo"]:
            from ..demo import run_demo

            return run_demo(argv[1:])
        from .transfer import fetch_command

        return fetch_command(argv)
    finally:
        warnings.formatwarning = previous
