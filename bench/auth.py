"""Digest-protected GETs against a real lighttpd: urlplug against urllib.request, in one run.

500 sequential GETs of a small file behind ``mod_auth`` Digest (MD5, ``qop=auth``) through one opener
each. urllib.request opens a new connection per request and meets a 401 every time (two requests
per GET); urlplug keeps the connection alive and, after the first challenge, sends ``Authorization``
up front with the next nonce count. Target: urlplug >= 3x.

For reference it also times a loop written by hand on ``http.client``: one kept-alive connection,
the Digest response computed per request (MD5, ``qop=auth``) with no opener around it. Its ratio
shows what ``http.client`` alone reaches on this machine; urlplug writes its requests itself
(``urlplug_http.wire``) and can match it despite the opener around it.

Run: ``python bench/auth.py`` (needs lighttpd: ``apt-get install lighttpd``). Prints the best of
several alternating rounds per client (the least disturbed by other load on the machine) and the ratio
(stdlib time / urlplug time; higher is better).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.parse
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
        print(f"{name:20} {seconds * 1000:8.1f} ms per {REQUESTS} GETs ({each:6.1f} us each)")
    return best


def urlplug_opener(base: str) -> Any:
    passwords = urlplug.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, base, USER, PASSWORD)
    return urlplug.build_opener(urlplug.HTTPDigestAuthHandler(passwords))


def stdlib_opener(base: str) -> Any:
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, base, USER, PASSWORD)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


class HandWrittenDigest:
    """``open(url)`` as one kept-alive ``http.client`` connection sending Digest credentials up front."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        self.challenge: dict[str, str] = {}
        self.count = 0

    def open(self, url: str, timeout: float) -> http.client.HTTPResponse:
        path = urllib.parse.urlsplit(url).path
        if not self.challenge:  # the first request meets the challenge
            self.conn.request("GET", path)
            answer = self.conn.getresponse()
            answer.read()
            offer = answer.headers["WWW-Authenticate"].removeprefix("Digest ")
            self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(offer))
        self.count += 1
        realm, nonce = self.challenge["realm"], self.challenge["nonce"]
        nc, cnonce = f"{self.count:08x}", os.urandom(16).hex()
        ha1 = hashlib.md5(f"{USER}:{realm}:{PASSWORD}".encode()).hexdigest()
        ha2 = hashlib.md5(f"GET:{path}".encode()).hexdigest()
        digest = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
        authorization = (
            f'Digest username="{USER}", realm="{realm}", nonce="{nonce}", uri="{path}", '
            f'response="{digest}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"'
        )
        self.conn.request("GET", path, headers={"Authorization": authorization})
        return self.conn.getresponse()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server: Lighttpd = start_lighttpd(Path(folder))
        try:
            base, url = server.url("/"), server.url("/md5/index.txt")
            print(f"{REQUESTS} sequential Digest GETs to lighttpd on loopback, best of {ROUNDS} rounds")
            openers = {
                "urllib.request": stdlib_opener(base),
                "urlplug": urlplug_opener(base),
                "http.client by hand": HandWrittenDigest(base),
            }
            best = measure(openers, url)
            reference = best["urllib.request"] / best["http.client by hand"]
            print(f"ratio urllib.request / http.client by hand: {reference:.2f}x (reference)")
            ratio = best["urllib.request"] / best["urlplug"]
            print(f"ratio urllib.request / urlplug: {ratio:.2f}x (target >= 3x)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
