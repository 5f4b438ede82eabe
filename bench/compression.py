"""urlplug-compression against a bare ``zlib`` loop on the same socket, and its cost on plain GETs.

1. Decoding: a 64 MiB gzip body (text-like, gzip level 1 as nginx sends by default) from a loopback
   server in another process, read through the ``ContentDecodingProcessor`` in 64 KiB blocks, against
   the same response read without the plugin in 64 KiB blocks and fed to one ``zlib.decompressobj``
   by hand. Target: urlplug >= 0.9x the bare loop's throughput.
2. Plain GETs: sequential GETs of a small uncompressed body through an opener with the plugin and
   one without it, on one kept-alive connection each. Target: no measurable difference.

Run: ``python bench/compression.py``. Prints the best of several alternating rounds per reader (the
least disturbed by other load on the machine) and the ratios (bare time / plugin time; higher is
better, 1.0 is parity), by wall clock and by the CPU time of the reading process (the server runs in
another), which other load on a shared machine disturbs less.
"""

from __future__ import annotations

import multiprocessing
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

import urlplug

COMPRESSED_SIZE = 64 * 1024 * 1024
BLOCK = 64 * 1024
ROUNDS = 7
SMALL_GETS = 500
SMALL_ROUNDS = 15
PLAIN_BODY = b"x" * 1024
MIB = 1024 * 1024


def text_tile(size: int = MIB) -> bytes:
    """``size`` bytes of words: compresses about 2.5:1 at gzip level 1, like prose."""
    rng = random.Random(13)
    words = [bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10))) for _ in range(5000)]
    zipf = [1 / rank for rank in range(1, len(words) + 1)]  # a few words often, most rarely, as in prose
    tile = b" ".join(rng.choices(words, weights=zipf, k=size // 4))
    return tile[:size]


def gzip_body() -> tuple[bytes, int]:
    """A gzip stream of ``COMPRESSED_SIZE`` bytes or a little more, and the size it decodes to."""
    tile = text_tile()  # longer than deflate's 32 KiB window: repeating it does not help compression
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    compressed = decoded = 0
    while compressed < COMPRESSED_SIZE:
        part = compressor.compress(tile)
        parts.append(part)
        compressed += len(part)
        decoded += len(tile)
    parts.append(compressor.flush())
    return b"".join(parts), decoded


def _serve(listener: socket.socket, routes: dict[bytes, bytes]) -> None:
    """Answer GETs on kept-alive connections, a thread each: ``routes`` maps a path to a whole response."""
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_answer, args=(conn, routes), daemon=True).start()


def _answer(conn: socket.socket, routes: dict[bytes, bytes]) -> None:
    with conn:
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = conn.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            conn.sendall(routes[head.split(b" ", 2)[1]])


def _response(body: bytes, *headers: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n" % len(body) + b"".join(h + b"\r\n" for h in headers)
    return head + b"\r\n" + body


def bare_zlib(opener: Any, url: str) -> int:
    """The body read without the plugin in 64 KiB blocks and decompressed by one decompressobj."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    total = 0
    request = urlplug.Request(url, headers={"Accept-Encoding": "gzip"})
    with opener.open(request, timeout=30) as response:
        while block := response.read(BLOCK):
            total += len(decompressor.decompress(block))
    return total + len(decompressor.flush())


def plugin(opener: Any, url: str) -> int:
    """The body read through the processor in 64 KiB blocks."""
    total = 0
    with opener.open(url, timeout=30) as response:
        while block := response.read(BLOCK):
            total += len(block)
    return total


def small_gets(opener: Any, url: str) -> int:
    for _ in range(SMALL_GETS):
        with opener.open(url, timeout=10) as response:
            if response.read() != PLAIN_BODY:
                raise AssertionError("unexpected body")
    return SMALL_GETS


class Best:
    """The best wall-clock and CPU time (of this process: the client's work) of one reader."""

    def __init__(self) -> None:
        self.wall = self.cpu = float("inf")

    def ratio(self, other: Best) -> str:
        """How fast this reader is against ``other`` (``other``'s time / this one's), wall and CPU."""
        return f"{other.wall / self.wall:.2f}x wall clock, {other.cpu / self.cpu:.2f}x CPU"


def best_of(rounds: int, readers: dict[str, Callable[[], int]], expected: int) -> dict[str, Best]:
    """The best times of each reader over ``rounds`` rounds that alternate between them."""
    best = {name: Best() for name in readers}
    for _ in range(rounds):
        for name, read in readers.items():
            wall, cpu = time.perf_counter(), time.process_time()
            if read() != expected:
                raise AssertionError(f"{name} read the wrong amount")
            best[name].wall = min(best[name].wall, time.perf_counter() - wall)
            best[name].cpu = min(best[name].cpu, time.process_time() - cpu)
    return best


def main() -> None:
    body, decoded = gzip_body()
    routes = {
        b"/gzip": _response(body, b"Content-Encoding: gzip"),
        b"/plain": _response(PLAIN_BODY, b"Content-Type: text/plain"),
    }
    listener = socket.create_server(("127.0.0.1", 0))
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(listener, routes), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    without = urlplug.build_opener(plugins=("urlplug-http",))
    with_plugin = urlplug.build_opener(plugins=("urlplug-http", "urlplug-compression"))
    try:
        gzip_url = f"{base}/gzip"
        best = best_of(
            ROUNDS,
            {
                "bare zlib": lambda: bare_zlib(without, gzip_url),
                "plugin": lambda: plugin(with_plugin, gzip_url),
            },
            decoded,
        )
        print(f"{len(body) / MIB:.0f} MiB gzip body, {decoded / MIB:.0f} MiB decoded, read in 64 KiB blocks")
        for name, times in best.items():
            print(
                f"  {name:10} {times.wall * 1000:7.0f} ms   {decoded / MIB / times.wall:6.0f} MiB/s decoded"
                f"   ({times.cpu * 1000:.0f} ms CPU)"
            )
        print(f"  plugin / bare zlib throughput   {best['plugin'].ratio(best['bare zlib'])} (target >= 0.9x)")

        plain_url = f"{base}/plain"
        for opener in (without, with_plugin):
            small_gets(opener, plain_url)  # connect outside the timing
        small = best_of(
            SMALL_ROUNDS,
            {
                "without": lambda: small_gets(without, plain_url),
                "plugin": lambda: small_gets(with_plugin, plain_url),
            },
            SMALL_GETS,
        )
        print(f"{SMALL_GETS} plain GETs of {len(PLAIN_BODY)} B, one kept-alive connection")
        for name, times in small.items():
            print(
                f"  {name:10} {times.wall / SMALL_GETS * 1e6:7.1f} us per GET"
                f"   ({times.cpu / SMALL_GETS * 1e6:.1f} us CPU)"
            )
        print(f"  plugin / without speed   {small['plugin'].ratio(small['without'])} (target: 1.0x, no cost)")
    finally:
        without.close()
        with_plugin.close()
        server.terminate()
        server.join()
        listener.close()


if __name__ == "__main__":
    main()
