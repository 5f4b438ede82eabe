"""The fetch command line, with curl's flag names and meanings."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["Data", "parse"]

_USAGE = """\
urlplug [options] URL     fetch URL (body to stdout), with curl's flags
urlplug plugins [--json]  list installed plugins
urlplug demo              fetch from loopback servers through every installed plugin"""


class Data(NamedTuple):
    """One ``-d``/``--data-binary``/``--data-raw``/``--json`` argument: how to read it, and its text."""

    kind: str  # "ascii" (-d), "binary", "raw" or "json"
    text: str


def _data(kind: str) -> type[argparse.Action]:
    class Append(argparse.Action):
        def __call__(self, parser: object, namespace: object, value: object, option: object = None) -> None:
            items = getattr(namespace, self.dest, None) or []
            setattr(namespace, self.dest, [*items, Data(kind, str(value))])

    return Append


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="urlplug", usage=_USAGE, description="Open a URL with urlplug.", allow_abbrev=False
    )
    p.add_argument("url", nargs="?", help="the URL to open (http:// is assumed without a scheme)")
    add = p.add_argument
    # What is sent.
    add("-X", "--request", dest="method", metavar="METHOD", help="the request method")
    add("-H", "--header", action="append", default=[], metavar="'Name: value'", help="add a request header")
    add("-A", "--user-agent", metavar="NAME", help="the User-Agent to send")
    add("-e", "--referer", metavar="URL", help="the Referer to send")
    add(
        "-d",
        "--data",
        dest="data",
        action=_data("ascii"),
        metavar="DATA",
        help="send DATA (POST); @FILE reads a file without its newlines, @- standard input",
    )
    add(
        "--data-binary",
        dest="data",
        action=_data("binary"),
        metavar="DATA",
        help="as -d, but @FILE is sent as it is",
    )
    add("--data-raw", dest="data", action=_data("raw"), metavar="DATA", help="as -d, with no @ meaning")
    add(
        "--json",
        dest="data",
        action=_data("json"),
        metavar="DATA",
        help="send DATA as JSON (as --data-binary, with JSON Content-Type and Accept)",
    )
    add(
        "-F",
        "--form",
        action="append",
        metavar="NAME=CONTENT",
        help="add a multipart form field: text, @FILE to upload, <FILE for its content (needs urllib3)",
    )
    add("-I", "--head", action="store_true", help="send HEAD and show the response headers only")
    # Credentials and transport.
    add(
        "-u",
        "--user",
        metavar="USER[:PASSWORD]",
        help="Basic credentials (the password is asked for if left out)",
    )
    add("-n", "--netrc", action="store_true", help="answer authentication from ~/.netrc (or $NETRC)")
    add("--netrc-file", metavar="FILE", help="as -n, reading FILE")
    add("-k", "--insecure", action="store_true", help="do not verify TLS certificates")
    add("--cacert", metavar="FILE", help="trust the CA certificates in FILE")
    add("-x", "--proxy", metavar="[PROTOCOL://]HOST[:PORT]", help="use this proxy")
    add("-L", "--location", action="store_true", help="follow redirects")
    add("--max-redirs", type=_count, metavar="N", help="follow at most N redirects (with -L)")
    add("-m", "--max-time", type=_seconds, metavar="SECONDS", help="give up after SECONDS in all")
    add("--retry", type=_count, metavar="N", help="retry up to N times (needs urlplug-retry)")
    add(
        "--compressed",
        action="store_true",
        help="decode compressed bodies (needs urlplug-compression)",
    )
    # Where the answer goes.
    add("-o", "--output", metavar="FILE", help="write the body to FILE instead of stdout")
    add("-O", "--remote-name", action="store_true", help="write the body to a file named as the URL's")
    add("-C", "--continue-at", metavar="OFFSET", help="resume at OFFSET; '-' finds it from the output file")
    add("-i", "--include", action="store_true", help="show the response headers before the body")
    add("-v", "--verbose", action="store_true", help="show the request and response heads on stderr")
    add("-f", "--fail", action="store_true", help="fail (exit 22) on HTTP errors, printing no body")
    add("-s", "--silent", action="store_true", help="no progress bar and no error messages")
    add("-S", "--show-error", action="store_true", help="with -s, still show errors")
    add("-V", "--version", action="store_true", help="show the versions of urlplug and its plugins")
    return p


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The options of a fetch; exits with status 2 and a usage message on bad flags, as curl does."""
    parser = _parser()
    options = parser.parse_intermixed_args(argv)
    if options.url is None and not options.version:
        parser.error("no URL given")
    if options.continue_at not in (None, "-") and not options.continue_at.isdigit():
        parser.error(f"-C takes a byte offset or '-', not {options.continue_at!r}")
    if options.head and (options.data or options.form):
        parser.error("-I (HEAD) sends no body: drop -d/--json/-F")
    if options.data and options.form:
        parser.error("-F and -d/--json make different bodies: give one kind")
    return options
