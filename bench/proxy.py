"""Sequential 1 KiB GETs through a loopback forward proxy: urlplug vs urllib.request.

Three cases, one opener per library reused for every request:

1. ``https://`` URLs through tinyproxy, in a ``CONNECT`` tunnel. urllib.request opens a new tunnel
   (TCP, CONNECT, TLS handshake) per request; urlplug keeps the tunnel in its pool.
2. ``http://`` URLs through tinyproxy, sent as absolute URLs. tinyproxy closes the client connection
   after every response, so neither library can keep it alive: this measures the per-request cost
   over a fresh proxy connection each time, and cannot show a pooling gain.
3. ``http://`` URLs through nginx acting as a proxy that keeps client connections alive (it accepts
   absolute URLs and forwards them to the origin, an nginx too): urllib.request still connects per
   request (urllib2 sends ``Connection: close``), urlplug reuses its connection to the proxy.

The origin answers like production servers do (``TCP_NODELAY``, status, headers and body in one
write), so that no Nagle/delayed-ACK stall hides the difference. Needs tinyproxy
(``apt-get install tinyproxy``) and the dev requirements (trustme).

Run: ``python bench/proxy.py``. Prints the best requests per second of several rounds per library,
the rounds alternating between the two so that both see the same machine load, and the ratio
(urlplug / urllib.request).
"""

from __future__ import annotations

import http.server
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import trustme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nginx

import urlplug
from tests.servers import daemons
from tests.servers.proxy import start_tinyproxy

REQUESTS = 300
ROUNDS = 7
BODY = b"x" * 1024
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n" + BODY


class _Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.wfile.write(RESPONSE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _OriginServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Origin)
        self.tls = tls
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        return (self.tls.wrap_socket(sock, server_side=True) if self.tls else sock), address

    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.server_address[1]}/kib"


def _fetch(opener: Any, url: str) -> bytes:
    with opener.open(url, timeout=10) as response:
        return response.read()  # type: ignore[no-any-return]


def _rate(opener: Any, url: str) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        _fetch(opener, url)
    return REQUESTS / (time.perf_counter() - start)


def _best_rates(openers: dict[str, Any], url: str) -> dict[str, float]:
    """Each opener's best rate; rounds alternate so that both see the same machine load."""
    for opener in openers.values():
        assert _fetch(opener, url) == BODY  # warm up, and check the proxy path works
    rates: dict[str, list[float]] = {name: [] for name in openers}
    for _ in range(ROUNDS):
        for name, opener in openers.items():
            rates[name].append(_rate(opener, url))
    return {name: max(found) for name, found in rates.items()}


PROXY_SERVERS = """\
    upstream origin {{ server 127.0.0.1:{origin_port}; keepalive 8; }}
    server {{ listen 127.0.0.1:{origin_port}; root {root}/www; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }}
    }}
"""


def _nginx_proxy(folder: Path) -> tuple[daemons.Daemon, str]:
    """nginx as a keep-alive proxy in front of an nginx origin; returns it and an origin URL."""
    (folder / "www").mkdir()
    (folder / "www" / "kib").write_bytes(BODY)
    origin_port = daemons.free_port()
    proxy = nginx.start(
        folder, lambda port: PROXY_SERVERS.format(root=folder, port=port, origin_port=origin_port)
    )
    return proxy, f"http://127.0.0.1:{origin_port}/kib"


def _compare(label: str, proxy_url: str, url: str, client_tls: ssl.SSLContext) -> None:
    proxies = {"http": proxy_url, "https": proxy_url}
    stdlib = urllib.request.build_opener(
        urllib.request.ProxyHandler(proxies), urllib.request.HTTPSHandler(context=client_tls)
    )
    plug = urlplug.build_opener(urlplug.ProxyHandler(proxies), context=client_tls)
    best = _best_rates({"urllib.request": stdlib, "urlplug": plug}, url)
    plug.close()
    stdlib_rate, plug_rate = best["urllib.request"], best["urlplug"]
    print(
        f"{label:24} urllib.request {stdlib_rate:7.0f} req/s   "
        f"urlplug {plug_rate:7.0f} req/s   ratio {plug_rate / stdlib_rate:.2f}x (target >= 2x)"
    )


def main() -> None:
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)

    origins = {"https": _OriginServer(server_tls), "http": _OriginServer(None)}
    with tempfile.TemporaryDirectory() as folder:
        proxy = start_tinyproxy(Path(folder), connect_ports=[origins["https"].server_address[1]])
        try:
            for scheme, origin in origins.items():
                _compare(f"{scheme} via tinyproxy", proxy.url(), origin.url(), client_tls)
        finally:
            proxy.stop()
            for origin in origins.values():
                origin.shutdown()
                origin.server_close()
    with tempfile.TemporaryDirectory() as folder:
        nginx, url = _nginx_proxy(Path(folder))
        try:
            _compare("http via nginx (kept)", f"http://127.0.0.1:{nginx.port}", url, client_tls)
        finally:
            nginx.stop()


if __name__ == "__main__":
    main()
