"""The ``urlplug`` command: fetch a URL, list the installed plugins, or run the demo."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import warnings
from collections.abc import Sequence
from typing import Any, BinaryIO

from .errors import HTTPError, URLError
from .opener import build_opener
from .request import Request

_USAGE = """\
urlplug URL [options]     fetch URL (body to stdout)
urlplug plugins [--json]  list installed plugins
urlplug demo              fetch from loopback servers through every installed plugin"""


def _fetch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="urlplug", usage=_USAGE, description="Open a URL with urlplug.")
    parser.add_argument("url", help="the URL to open")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the body to FILE instead of stdout")
    parser.add_argument("-d", "--data", help="send DATA as the request body (makes it a POST)")
    parser.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'", help="add a request header"
    )
    parser.add_argument("-X", "--request", dest="method", metavar="METHOD", help="the HTTP method to use")
    parser.add_argument("-i", "--include", action="store_true", help="show the status line and headers")
    parser.add_argument("--timeout", type=float, default=None, help="seconds to wait on the network")
    return parser


def _request(args: argparse.Namespace) -> Request:
    headers = {}
    for header in args.header:
        name, colon, value = header.partition(":")
        if not colon:
            raise ValueError(f"header {header!r} is not of the form 'Name: value'")
        headers[name.strip()] = value.strip()
    data = args.data.encode() if args.data is not None else None
    return Request(args.url, data=data, headers=headers, method=args.method)


def _show_head(response: Any, out: BinaryIO) -> None:
    status = response.getcode()
    if status is not None:
        out.write(f"{status} {response.reason or ''}".rstrip().encode() + b"\n")
    for name, value in response.info().items():
        out.write(f"{name}: {value}\n".encode())
    out.write(b"\n")


def _fetch(argv: Sequence[str]) -> int:
    import http.client

    args = _fetch_parser().parse_args(argv)
    stdout = sys.stdout.buffer
    try:
        request = _request(args)
        timeout = args.timeout if args.timeout is not None else Request.timeout
        with build_opener().open(request, timeout=timeout) as response:
            if args.include:
                _show_head(response, stdout)
            if args.output:
                with open(args.output, "wb") as target:
                    shutil.copyfileobj(response, target)
            else:
                shutil.copyfileobj(response, stdout)
                stdout.flush()
    except HTTPError as err:
        if args.include:
            _show_head(err, stdout)
        print(f"urlplug: {args.url}: HTTP error {err.code} {err.msg}", file=sys.stderr)
        return 1
    except URLError as err:
        print(f"urlplug: {args.url}: {err.reason}", file=sys.stderr)
        return 1
    except (OSError, ValueError, TypeError, http.client.HTTPException) as err:
        # http.client's errors: a cut body, a malformed status line, too many headers.
        print(f"urlplug: {args.url}: {str(err) or type(err).__name__}", file=sys.stderr)
        return 1
    return 0


def _format_stages(stages: dict[str, list[str]]) -> str:
    return "; ".join(f"{stage} {','.join(keys)}" for stage, keys in stages.items())


def _plugins(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="urlplug plugins", description="List installed urlplug plugins.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    from .inventory import inventory

    records = inventory()
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if not records:
        print("no urlplug plugins installed")
    for record in records:
        if not record["auto_installed"]:
            auto = "names only"
        else:
            auto = "auto-installed" if record["active"] else "auto-installed when configured, inactive here"
        print(f"{record['distribution']} {record['version']} ({auto})")
        for handler in record["handlers"]:
            if "error" in handler:
                print(f"  {handler['entry_point']}: FAILED TO LOAD: {handler['error']}")
            elif not handler["active"]:
                print(f"  {handler['entry_point']}: inactive here ({handler['object']})")
            else:
                stages = _format_stages(handler["stages"])
                print(f"  {handler['class']:<26} order {handler['order']:<4} {stages}")
        if record["names"]:
            print(f"  exports: {', '.join(record['names'])}")
    return 0


def _one_line_warning(
    message: Warning | str, category: type[Warning], *args: object, **kwargs: object
) -> str:
    return f"urlplug: warning: {message}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``urlplug`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    previous, warnings.formatwarning = warnings.formatwarning, _one_line_warning
    try:
        if argv[:1] == ["plugins"]:
            return _plugins(argv[1:])
        if argv[:1] == ["demo"]:
            from .demo import run_demo

            return run_demo(argv[1:])
        return _fetch(argv)
    finally:
        warnings.formatwarning = previous


if __name__ == "__main__":
    sys.exit(main())
