"""The origin of a URL — scheme, host and port, with the scheme's default port filled in.

What decides whether credentials, cookies and proxy settings may follow a request: the redirect
handler, the password managers and the proxy bypass rules all ask the same question here.
"""

from __future__ import annotations

import functools
from typing import NamedTuple
from urllib.parse import urlsplit

DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443, "ftp": 21, "ftps": 21}
"""The port a URL of each scheme means when it names none."""


class Origin(NamedTuple):
    """Scheme, host (lower-case, without brackets) and port of a URL."""

    scheme: str
    host: str | None
    port: int | None


# Pure, and asked about the same few URLs on every redirect.
@functools.lru_cache(maxsize=256)
def origin(url: str) -> Origin:
    """The origin of ``url``; ``ValueError`` if its port is not a number in range."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port
    return Origin(scheme, parts.hostname, port if port is not None else DEFAULT_PORTS.get(scheme))


def same_origin(first: str, second: str) -> bool:
    """Whether two URLs share scheme, host and port. A URL with an unreadable port shares no origin."""
    try:
        return origin(first) == origin(second)
    except ValueError:
        return False
