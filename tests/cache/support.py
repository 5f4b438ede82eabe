"""Origin routes that count their hits."""

from __future__ import annotations

from collections.abc import Callable

from tests.servers.http import LoopbackHTTPServer, Reply, Seen


def counting(server: LoopbackHTTPServer, path: str, answer: Callable[[Seen], Reply]) -> list[Seen]:
    """Serve ``path`` with ``answer`` and return the list of requests it received."""
    hits: list[Seen] = []

    def route(seen: Seen) -> Reply:
        hits.append(seen)
        return answer(seen)

    server.routes[path] = route
    return hits


def fixed(*headers: tuple[str, str], body: bytes = b"payload", status: int = 200) -> Callable[[Seen], Reply]:
    """An answer with the same ``status``, ``headers`` and ``body`` every time."""
    return lambda seen: Reply(status, list(headers), body)
