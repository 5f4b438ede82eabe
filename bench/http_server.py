"""Sequential GETs against Python's own ``http.server``, the server most people test against.

``BaseHTTPRequestHandler`` with ``protocol_version = "HTTP/1.1"`` keeps connections alive and writes
the head and the body in two small writes; with Nagle's algorithm on (its default), the body waits for
the client to acknowledge the head, which a delayed ACK holds back about 40 ms. A keep-alive client
that does not acknowledge the head at once stalls on every request; ``urllib.request`` closes each
connection and never meets the stall. urlplug acknowledges the head at once (``TCP_QUICKACK``) when the
body is still on the wire.

Clients, in interleaved rounds: ``urllib.request.urlopen``, a reused ``http.client.HTTPConnection``
(the stall, for reference) and a urlplug opener. Prints requests per second and urlplug's ratio against
``urllib.request`` (target >= 1.0x).

Run: ``python bench/http_server.py [--requests 200] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable

import urlplug

BODY = b"x" * 1024


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; disable_nagle_algorithm stays False, as by default

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()  # the head goes out here ...
        self.wfile.write(BODY)  # ... and the body in a second write

    def log_message(self, format: str, *args: object) -> None:
        pass


def _rate(fetch: Callable[[], None], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fetch()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    opener = urlplug.build_opener(plugins=("urlplug-http",))
    raw = http.client.HTTPConnection("127.0.0.1", server.server_address[1])

    def stdlib() -> None:
        with urllib.request.urlopen(url) as response:
            assert response.read() == BODY

    def plug() -> None:
        with opener.open(url) as response:
            assert response.read() == BODY

    def reused() -> None:
        raw.request("GET", "/")
        assert raw.getresponse().read() == BODY

    clients = {"urllib.request.urlopen": stdlib, "http.client (reused)": reused, "urlplug opener": plug}
    rates: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(args.rounds):
        for name, fetch in clients.items():
            # The reused http.client connection stalls ~40 ms a request: a tenth of the count shows it.
            count = args.requests // 10 if name.startswith("http.client") else args.requests
            rates[name].append(_rate(fetch, count))
    print(f"{args.requests} sequential 1 KiB GETs against http.server (HTTP/1.1, Nagle on), median of rounds")
    for name, values in rates.items():
        print(f"  {name:<26} {statistics.median(values):>10,.0f} req/s")
    ratio = statistics.median(rates["urlplug opener"]) / statistics.median(rates["urllib.request.urlopen"])
    verdict = "PASS" if ratio >= 1.0 else "MISS"
    print(f"  {verdict}  urlplug vs urllib.request: {ratio:.2f}x (target >= 1.0x)")
    opener.close()
    raw.close()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
