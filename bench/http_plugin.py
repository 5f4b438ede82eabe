"""urlplug's HTTP(S) handlers against raw http.client and the pure-Python peers, on a real nginx.

The script starts nginx (Debian's; ``apt-get install nginx``) on loopback with its own configuration in a
temporary folder: HTTP and HTTPS (certificates from trustme) with keep-alive, serving a 1 KiB file, a
64 MiB file and a redirect to the 1 KiB file. Then, in one run:

1. sequential 1 KiB GETs over HTTP;
2. the same over HTTPS;
3. 8 threads sharing one client (raw http.client: one connection per thread);
4. a 64 MiB download read in 1 MiB blocks, each on a fresh connection (MB/s, and the peak of Python
   allocations while reading);
5. following a 302 to the 1 KiB file;
6. urlplug and raw ``http.client`` head to head, sequential 1 KiB GETs over HTTP and HTTPS in pairs of
   short blocks measured back to back: the targets W1 and W2 take the median pair.

Clients: raw ``http.client.HTTPConnection`` reused (the practical limit), ``urllib.request.urlopen``, one
reused ``urllib.request`` opener, ``requests.Session``, ``urllib3.PoolManager``, ``httpx.Client`` and a
urlplug opener. Each case runs in interleaved rounds, the clients in a shuffled order each round (the same
order on every run); the median round is reported as requests (or MB)
per second with the client's CPU time per request, then urlplug's ratios against the issue's targets.

Run: ``python bench/http_plugin.py [--quick]`` (not ``bench/http.py``: a script of that name would shadow
the standard library's ``http`` package for every script in ``bench/``). Peers:
``pip install -r bench/requirements.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import random
import ssl
import statistics
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import nginx
import requests
import trustme
import urllib3

import urlplug

KIB, MIB = 1024, 1024 * 1024
BIG = 64 * MIB
BLOCK = MIB
THREADS = 8

SERVER = """\
    server {{
        listen 127.0.0.1:{http_port};
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        root {root}/www;
        location = /redirect {{ return 302 /1k; }}
    }}
"""


# --- nginx --------------------------------------------------------------------------------------


@dataclass
class Nginx:
    """A running nginx: its ports and a client context that trusts its certificate."""

    http_port: int
    https_port: int
    ca_file: str
    context: ssl.SSLContext

    def url(self, path: str, tls: bool = False) -> str:
        return (
            f"https://127.0.0.1:{self.https_port}{path}"
            if tls
            else f"http://127.0.0.1:{self.http_port}{path}"
        )


@contextlib.contextmanager
def running_nginx() -> Iterator[Nginx]:
    """Start nginx on two free loopback ports with its own config; stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="urlplug-bench-nginx-") as folder:
        root = Path(folder)
        www = root / "www"
        www.mkdir()
        (www / "1k").write_bytes(b"x" * KIB)
        with open(www / "64m", "wb") as big:
            big.truncate(BIG)
        ca = trustme.CA()
        leaf = ca.issue_cert("127.0.0.1", "localhost")
        leaf.private_key_pem.write_to_path(str(root / "key.pem"))
        with open(root / "cert.pem", "wb") as chain:
            for blob in leaf.cert_chain_pems:
                chain.write(blob.bytes())
        ca_file = str(root / "ca.pem")
        ca.cert_pem.write_to_path(ca_file)
        context = ssl.create_default_context(cafile=ca_file)

        https_port = nginx.free_port()
        server = nginx.start(
            root, lambda http_port: SERVER.format(root=root, http_port=http_port, https_port=https_port)
        )
        try:
            yield Nginx(server.port, https_port, ca_file, context)
        finally:
            server.stop()


# --- clients ------------------------------------------------------------------------------------
# Each client is a factory: given nginx and whether to use TLS, it returns (get, close) where get(path)
# fetches one resource and returns its body (or, for streamed downloads, the byte count).

Client = tuple[Callable[[str], Any], Callable[[], None]]


def raw_client(server: Nginx, tls: bool) -> Client:
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", server.https_port, context=server.context
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", server.http_port)

    def get(path: str) -> bytes:
        conn.request("GET", path)
        with conn.getresponse() as response:
            body = response.read()
            location = response.getheader("Location") if 300 <= response.status < 400 else None
        # Following a redirect by hand, on the same connection: the least any client can do.
        return get(urlsplit(location).path) if location else body

    return get, conn.close


def urlopen_client(server: Nginx, tls: bool) -> Client:
    context = server.context if tls else None

    def get(path: str) -> bytes:
        with urllib.request.urlopen(server.url(path, tls), context=context) as response:
            return response.read()  # type: ignore[no-any-return]

    return get, lambda: None


def urllib_opener_client(server: Nginx, tls: bool) -> Client:
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=server.context))

    def get(path: str) -> bytes:
        with opener.open(server.url(path, tls)) as response:
            return response.read()  # type: ignore[no-any-return]

    return get, opener.close


def requests_client(server: Nginx, tls: bool) -> Client:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=THREADS)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = server.ca_file
    session.trust_env = False  # else REQUESTS_CA_BUNDLE overrides verify (and proxies are looked up)

    def get(path: str) -> bytes:
        return session.get(server.url(path, tls)).content

    return get, session.close


def urllib3_client(server: Nginx, tls: bool) -> Client:
    manager = urllib3.PoolManager(maxsize=THREADS, ssl_context=server.context)

    def get(path: str) -> bytes:
        return manager.request("GET", server.url(path, tls)).data

    return get, manager.clear


def httpx_client(server: Nginx, tls: bool) -> Client:
    client = httpx.Client(
        verify=server.context, limits=httpx.Limits(max_keepalive_connections=THREADS), follow_redirects=True
    )

    def get(path: str) -> bytes:
        return client.get(server.url(path, tls)).content

    return get, client.close


def urlplug_client(server: Nginx, tls: bool) -> Client:
    opener = urlplug.build_opener(context=server.context)

    def get(path: str) -> bytes:
        with opener.open(server.url(path, tls)) as response:
            return response.read()  # type: ignore[no-any-return]

    return get, opener.close


CLIENTS: dict[str, Callable[[Nginx, bool], Client]] = {
    "http.client (raw, reused)": raw_client,
    "urllib.request.urlopen": urlopen_client,
    "urllib.request opener": urllib_opener_client,
    "requests.Session": requests_client,
    "urllib3.PoolManager": urllib3_client,
    "httpx.Client": httpx_client,
    "urlplug opener": urlplug_client,
}
RAW, URLOPEN, URLLIB_OPENER, URLPLUG = (
    "http.client (raw, reused)",
    "urllib.request.urlopen",
    "urllib.request opener",
    "urlplug opener",
)
PEERS = (
    "urllib.request.urlopen",
    "urllib.request opener",
    "requests.Session",
    "urllib3.PoolManager",
    "httpx.Client",
)


# --- streamed downloads ---------------------------------------------------------------------------


def _drain(read: Callable[[int], bytes]) -> int:
    total = 0
    while block := read(BLOCK):
        total += len(block)
    return total


def download(name: str, server: Nginx) -> Callable[[], int]:
    """A function that downloads /64m over HTTP in 1 MiB blocks with client ``name``.

    Every download starts on a fresh connection (httpx excepted: its client cannot drop its
    connections and go on): two connections to the same nginx differ by up to a quarter in MB/s
    here (measured: two raw http.client connections side by side), and a kept-alive connection
    would carry that luck into every round of one client.
    """
    url = server.url("/64m")
    if name == RAW:

        def raw() -> int:
            conn = http.client.HTTPConnection("127.0.0.1", server.http_port)
            try:
                conn.request("GET", "/64m")
                with conn.getresponse() as response:
                    return _drain(response.read)
            finally:
                conn.close()

        return raw
    if name == URLPLUG:
        opener = urlplug.build_opener()
        pools = [h.pool for h in opener.handlers if isinstance(h, urlplug.AbstractHTTPHandler)]

        def via_urlplug() -> int:
            for pool in pools:
                pool.close()
            with opener.open(url) as response:
                return _drain(response.read)

        return via_urlplug
    if name in (URLOPEN, URLLIB_OPENER):  # a new connection per request anyway
        open_url = urllib.request.urlopen if name == URLOPEN else urllib.request.build_opener().open

        def via_urllib() -> int:
            with open_url(url) as response:
                return _drain(response.read)

        return via_urllib
    if name == "requests.Session":
        session = requests.Session()
        session.trust_env = False

        def via_requests() -> int:
            session.close()  # drops the pooled connections; the session goes on
            with session.get(url, stream=True) as response:
                return sum(len(b) for b in response.iter_content(BLOCK))

        return via_requests
    if name == "urllib3.PoolManager":
        manager = urllib3.PoolManager()

        def via_urllib3() -> int:
            manager.clear()
            response = manager.request("GET", url, preload_content=False)
            total = sum(len(b) for b in response.stream(BLOCK))
            response.release_conn()
            return total

        return via_urllib3
    client = httpx.Client()

    def via_httpx() -> int:
        with client.stream("GET", url) as response:
            return sum(len(b) for b in response.iter_bytes(BLOCK))

    return via_httpx


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Result:
    rate: float  # requests (or MB) per second, median round
    cpu_us: float  # client CPU per request, microseconds, median round


def _measure(names: list[str], rounds: int, run: Callable[[str], int]) -> dict[str, Result]:
    """Run ``run(name)`` (which returns how many units it did) in interleaved rounds.

    Each round takes the clients in a new order, so that none is always measured right after a
    slow one or at the same point of a machine's periodic work; the orders repeat from run to run.
    """
    rates: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    order = list(names)
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            cpu, wall = time.process_time(), time.perf_counter()
            units = run(name)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rates[name].append(units / wall)
            cpus[name].append(cpu / units * 1e6)
    return {n: Result(statistics.median(rates[n]), statistics.median(cpus[n])) for n in names}


def sequential(server: Nginx, tls: bool, path: str, count: dict[str, int], rounds: int) -> dict[str, Result]:
    clients = {name: factory(server, tls) for name, factory in CLIENTS.items()}
    expected = len(clients[RAW][0](path))
    for get, _ in clients.values():  # warm up: connections, handshakes, imports
        assert len(get(path)) == expected

    def run(name: str) -> int:
        get = clients[name][0]
        n = count.get(name, count["default"])
        for _ in range(n):
            get(path)
        return n

    try:
        return _measure(list(clients), rounds, run)
    finally:
        for _, close in clients.values():
            close()


def head_to_head(server: Nginx, tls: bool, pairs: int, block: int) -> tuple[float, float]:
    """urlplug against raw ``http.client`` in short blocks of 1 KiB GETs measured back to back, in
    either order: the median over ``pairs`` pairs of urlplug's throughput ratio, and of its CPU ratio.

    The two blocks of a pair see the same state of a shared machine, whose speed can change from
    one second to the next: the targets W1 and W2 compare these pairs rather than medians of rounds.
    """
    clients = {RAW: raw_client(server, tls), URLPLUG: urlplug_client(server, tls)}
    for get, _ in clients.values():  # warm up: connections, handshakes, imports
        for _ in range(block):
            get("/1k")
    order = [RAW, URLPLUG]
    shuffle = random.Random(0).shuffle
    rate_ratios, cpu_ratios = [], []
    try:
        for _ in range(pairs):
            shuffle(order)
            measured = {}
            for name in order:
                get = clients[name][0]
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(block):
                    get("/1k")
                measured[name] = (time.perf_counter() - wall, time.process_time() - cpu)
            rate_ratios.append(measured[RAW][0] / measured[URLPLUG][0])
            cpu_ratios.append(measured[RAW][1] / max(measured[URLPLUG][1], 1e-9))
    finally:
        for _, close in clients.values():
            close()
    return statistics.median(rate_ratios), statistics.median(cpu_ratios)


def threaded(server: Nginx, count: int, rounds: int) -> dict[str, Result]:
    clients = {name: factory(server, False) for name, factory in CLIENTS.items() if name != RAW}
    local = threading.local()

    def raw_get(path: str) -> bytes:  # the practical limit: one kept-alive connection per thread
        if not hasattr(local, "get"):
            local.get, local.close = raw_client(server, False)
            opened.append(local.close)
        return local.get(path)  # type: ignore[no-any-return]

    opened: list[Callable[[], None]] = []
    clients = {RAW: (raw_get, lambda: None), **clients}
    with ThreadPoolExecutor(THREADS) as executor:

        def run(name: str) -> int:
            get = clients[name][0]
            n = count if name != URLOPEN else count // 4
            list(executor.map(lambda _: get("/1k"), range(n)))
            return n

        for name in clients:
            run(name)  # warm up every thread's connections
        try:
            return _measure(list(clients), rounds, run)
        finally:
            for _, close in clients.values():
                close()
            for close in opened:
                close()


def big_download(server: Nginx, rounds: int) -> tuple[dict[str, Result], dict[str, float]]:
    downloads = {name: download(name, server) for name in CLIENTS}
    peaks = {}
    for name, fetch in downloads.items():
        tracemalloc.start()
        assert fetch() == BIG
        peaks[name] = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
    results = _measure(list(downloads), rounds, lambda name: downloads[name]() // MIB)
    return results, peaks


# --- report -------------------------------------------------------------------------------------


def _table(title: str, results: dict[str, Result], unit: str) -> None:
    print(f"\n{title}")
    print(f"  {'client':<28}{unit:>12}{'CPU µs/' + unit.split('/', maxsplit=1)[0]:>16}{'vs raw':>9}")
    raw = results.get(RAW)
    for name, result in results.items():
        ratio = f"{result.rate / raw.rate:.2f}x" if raw else ""
        print(f"  {name:<28}{result.rate:>12,.0f}{result.cpu_us:>16,.1f}{ratio:>9}")


def _check(label: str, ours: Result, theirs: Result, target: float) -> bool:
    """Compare throughput (the target's measure) and, for reference, CPU time per request."""
    return _verdict(label, ours.rate / theirs.rate, theirs.cpu_us / ours.cpu_us, target)


def _verdict(label: str, ratio: float, cpu: float, target: float) -> bool:
    ok = ratio >= target
    print(
        f"  {'PASS' if ok else 'MISS'}  {label}: {ratio:.2f}x (target >= {target}x; by CPU time {cpu:.2f}x)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rounds (a smoke run)")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    rounds = 3 if args.quick else 5
    # The sequential cases: many short rounds, for a median that one slow spell of a shared machine
    # cannot move.
    short_rounds = 5 if args.quick else 15

    def n(value: int) -> int:
        return max(20, int(value * scale))

    with running_nginx() as server:
        plain = sequential(server, False, "/1k", {"default": n(700), URLOPEN: n(350)}, short_rounds)
        _table("Sequential 1 KiB GETs over HTTP", plain, "req/s")
        tls = sequential(
            server, True, "/1k", {"default": n(350), URLOPEN: n(70), URLLIB_OPENER: n(70)}, short_rounds
        )
        _table("Sequential 1 KiB GETs over HTTPS", tls, "req/s")
        threads = threaded(server, n(2000), rounds)
        _table(f"{THREADS} threads sharing one client, 1 KiB GETs over HTTP", threads, "req/s")
        big, peaks = big_download(server, 5 if args.quick else 9)
        _table("64 MiB download over HTTP, read in 1 MiB blocks, each on a fresh connection", big, "MB/s")
        print("  peak Python allocations while downloading (tracemalloc, MiB):")
        print("   " + ", ".join(f"{name} {peak:.1f}" for name, peak in peaks.items()))
        redirect = sequential(server, False, "/redirect", {"default": n(350), URLOPEN: n(175)}, short_rounds)
        _table("Following a 302 to a 1 KiB file over HTTP", redirect, "req/s")
        pairs = 30 if args.quick else 150
        w1 = head_to_head(server, False, pairs, 100)
        w2 = head_to_head(server, True, pairs, 100)
        print(f"\nurlplug against raw http.client head to head ({pairs} pairs of 100 GETs, median pair)")
        print(f"  HTTP  {w1[0]:.3f}x throughput, {w1[1]:.3f}x CPU time")
        print(f"  HTTPS {w2[0]:.3f}x throughput, {w2[1]:.3f}x CPU time")

    def best(results: dict[str, Result], names: tuple[str, ...]) -> Result:
        return max((results[name] for name in names), key=lambda result: result.rate)

    print("\nurlplug against the targets (throughput ratios: median pairs for W1 and W2, else median rounds)")
    checks = [
        _verdict("HTTP sequential vs raw http.client, head to head (W1)", *w1, 1.0),
        _check(
            "HTTP sequential vs best of urllib.request/urllib3/requests/httpx",
            plain[URLPLUG],
            best(plain, PEERS),
            1.3,
        ),
        _verdict("HTTPS sequential vs raw http.client, head to head (W2)", *w2, 1.0),
        _check("HTTPS sequential vs urllib.request.urlopen", tls[URLPLUG], tls[URLOPEN], 5),
        _check("HTTPS sequential vs urllib3", tls[URLPLUG], tls["urllib3.PoolManager"], 1.3),
        _check(f"{THREADS} threads vs best pure-Python peer", threads[URLPLUG], best(threads, PEERS), 1.3),
        _check("64 MiB download vs raw http.client MB/s", big[URLPLUG], big[RAW], 0.9),
        _check("following a 302 vs urllib.request opener", redirect[URLPLUG], redirect[URLLIB_OPENER], 1.3),
    ]
    growth = peaks[URLPLUG]
    verdict = "PASS" if growth < 16 else "MISS"
    print(f"  {verdict}  64 MiB download peak allocations: {growth:.1f} MiB (target < 16)")
    print(f"\n{sum(checks) + (growth < 16)} of {len(checks) + 1} targets met")


if __name__ == "__main__":
    main()
