"""Digest-protected GETs against a real lighttpd: urlplug against urllib.request, in one run.

500 sequential GETs of a small file behind ``mod_auth`` Digest (MD5, ``qop=auth``) through one opener
each. urllib.request opens a new connection per request and meets a 401 every time (two requests
per GET); urlplug keeps the connection alive and, after the first challenge, sends ``Authorization``
up front with the next nonce count. Target: urlplug >= 3x.

Run: ``python bench/auth.py`` (needs lighttpd: ``apt-get install lighttpd``). Prints the best of
several alternating rounds per client (the least disturbed by other load on the machine) and the ratio
(stdlib time / urlplug time; higher is better).
"""

from __future__ import annotations

import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' server launcher

import urlplug
from tests.servers.auth import LIGHTTPD_BODY, PASSWORD, USER, Lighttpd, start_lighttpd

REQUESTS = 500
ROUNDS = 15


def timed_round(opener: Any, url: str) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        with opener.open(url, timeout=10) as response:
            if response.read() != LIGHTTPD_BODY:
                raise AssertionError("unexpected body")
    return time.perf_counter() - start


def measure(openers: dict[str, Any], url: str) -> dict[str, float]:
    """The best round time of each opener; rounds alternate so that both see the same machine load."""
    for opener in openers.values():
        opener.open(url, timeout=10).read()  # the first challenge, outside the timing
    rounds: dict[str, list[float]] = {name: [] for name in openers}
    for _ in range(ROUNDS):
        for name, opener in openers.items():
            rounds[name].append(timed_round(opener, url))
    best = {name: min(times) for name, times in rounds.items()}
    for name, seconds in best.items():
        each = seconds / REQUESTS * 1e6
        print(f"{name:16} {seconds * 1000:8.1f} ms per {REQUESTS} GETs ({each:6.1f} us each)")
    return best


def urlplug_opener(base: str) -> Any:
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, base, USER, PASSWORD)
    return urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords))


def stdlib_opener(base: str) -> Any:
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, base, USER, PASSWORD)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server: Lighttpd = start_lighttpd(Path(folder))
        try:
            base, url = server.url("/"), server.url("/md5/index.txt")
            print(f"{REQUESTS} sequential Digest GETs to lighttpd on loopback, best of {ROUNDS} rounds")
            best = measure({"urllib.request": stdlib_opener(base), "urlplug": urlplug_opener(base)}, url)
            ratio = best["urllib.request"] / best["urlplug"]
            print(f"ratio urllib.request / urlplug: {ratio:.2f}x (target >= 3x)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
