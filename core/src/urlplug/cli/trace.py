"""``-v`` and ``-i``: the heads of every request sent and every response received, redirects included,
and how a cache served each response (``* cache: hit``).

A native plugin on the opener: its request hook runs last (after the HTTP handler has added ``Host``
and the body headers) and its response hook first (before the error processor turns a 3xx, 4xx or
5xx into the error stage, where redirects and authentication send further requests).
"""

from __future__ import annotations

from typing import IO, Any

from ..exchange import Exchange
from ..hookspecs import hookimpl

__all__ = ["Trace", "response_head"]

_HTTP = frozenset({"http", "https"})


def response_head(response: Any) -> list[str]:
    """A response's status line (for protocols that have one) and header lines."""
    lines = []
    status = response.status
    if status is not None:
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(response, "version", 11), "HTTP/1.1")
        lines.append(f"{version} {status} {response.reason or ''}".rstrip())
    lines.extend(f"{name}: {value}" for name, value in response.headers.items())
    return lines


class Trace:
    """Writes request heads (``> ``) and response heads (``< ``) to ``verbose``, keeps response heads
    for ``-i`` in :attr:`heads` (they go before the body, wherever the body goes)."""

    def __init__(self, verbose: IO[str] | None, include: bool) -> None:
        self.verbose = verbose
        self.include = include
        self.heads: list[list[str]] = []

    @hookimpl(trylast=True)
    def urlplug_request(self, exchange: Exchange) -> None:
        """Show the request as it will be sent."""
        request = exchange.request
        if self.verbose is None or exchange.scheme not in _HTTP:
            return
        lines = [f"{request.get_method()} {request.selector} HTTP/1.1"]
        lines += [f"{name}: {value}" for name, value in request.header_items()]
        self._show(">", lines)

    @hookimpl(tryfirst=True)
    def urlplug_response(self, exchange: Exchange) -> None:
        """Show and keep the response head, before any error handling."""
        head = response_head(exchange.response)
        if self.include:
            self.heads.append(head)
        if self.verbose is not None and exchange.scheme in _HTTP:
            self._show("<", head)
            cache_status = getattr(exchange.response, "cache_status", None)  # urlplug-cache's
            if cache_status is not None:
                self.verbose.write(f"* cache: {cache_status}\n")

    def _show(self, mark: str, lines: list[str]) -> None:
        assert self.verbose is not None
        self.verbose.write("".join(f"{mark} {line}\n" for line in lines) + f"{mark}\n")
        self.verbose.flush()
