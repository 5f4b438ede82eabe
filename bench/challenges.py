"""Hostile WWW-Authenticate headers: urlplug's challenge parser against urllib.request's, in one run.

Each case is 30 header values of 60,000 characters (what ``http.client`` lets through: 100 headers,
64 KiB lines). urllib.request only looks for Basic realms (``AbstractBasicAuthHandler.rx`` over each
header, as its ``http_error_auth_reqed`` does); urlplug parses every challenge with its parameters,
keeping at most ``MAX_CHALLENGES`` challenges of ``MAX_PARAMS`` parameters.

Run: ``python bench/challenges.py``. Prints the best of a few rounds per parser, the peak memory of
one parse (tracemalloc), and the ratio (urllib.request time / urlplug time; higher is better).
"""

from __future__ import annotations

import time
import tracemalloc
import urllib.request
from collections.abc import Callable

from urlplug_auth.challenges import parse_challenges

VALUES = 30
LENGTH = 60_000
ROUNDS = 3

CASES = {
    "bare tokens": "a " * (LENGTH // 2),
    "bare tokens, commas": "a," * (LENGTH // 2),
    "parameters": "Digest " + ", ".join(f"p{i}=v" for i in range(LENGTH // 8)),
    "junk items": "=," * (LENGTH // 2),
    "escapes in a quote": 'Basic realm="' + "\\" * LENGTH,
    "many realms": 'Basic realm="r", ' * (LENGTH // 17),
}


def urllib_realms(values: list[str]) -> list[tuple[str, str]]:
    return [
        (mo.group(1), mo.group(3))
        for value in values
        for mo in urllib.request.AbstractBasicAuthHandler.rx.finditer(value)
    ]


def best_time(parse: Callable[[list[str]], object], values: list[str]) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        parse(values)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(parse: Callable[[list[str]], object], values: list[str]) -> float:
    tracemalloc.start()
    try:
        parse(values)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    print(f"{VALUES} values of {LENGTH:,} characters; best of {ROUNDS} rounds; peak memory of one parse")
    for name, text in CASES.items():
        values = [text[:LENGTH]] * VALUES
        ours, theirs = best_time(parse_challenges, values), best_time(urllib_realms, values)
        print(
            f"{name:22} urlplug {ours * 1000:8.1f} ms {peak_mib(parse_challenges, values):6.1f} MiB   "
            f"urllib.request {theirs * 1000:8.1f} ms {peak_mib(urllib_realms, values):6.1f} MiB   "
            f"ratio {theirs / ours:6.2f}x"
        )


if __name__ == "__main__":
    main()
