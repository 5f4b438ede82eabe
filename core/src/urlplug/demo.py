"""``urlplug demo``: loopback servers for every installed protocol, fetched through the plugins.

Nothing leaves the machine: HTTP (and HTTPS when ``trustme`` is available) from the standard
library's ``http.server``, FTP when ``pyftpdlib`` is available, a temporary file and a ``data:`` URL.
Each fetch prints which plugin did what at each stage.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import importlib.util
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ._classic import Adapter
from .director import OpenerDirector
from .discovery import registry
from .errors import URLError
from .opener import build_opener

_STAGE_OF = {
    "urlplug_request": "request",
    "urlplug_open": "open",
    "urlplug_response": "response",
    "urlplug_http_error": "error",
    "urlplug_error": "error",
}


class _Trace:
    """Records, per fetch, which classic handler methods ran and whether they answered."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, bool]] = []
        # Which distribution a handler's top-level package belongs to, from the entry points.
        self._dists = {e.value.partition(":")[0].split(".")[0]: e.dist for e in registry().entries}

    def distribution(self, handler: object) -> str:
        package = type(handler).__module__.split(".")[0]
        return self._dists.get(package, package)

    def watch(self, opener: OpenerDirector) -> None:
        for plugins in opener._plugins.values():
            for plugin in plugins:
                if isinstance(plugin, Adapter):
                    plugin.method = self._wrap(plugin, plugin.method)

    def _wrap(self, adapter: Adapter, method: Callable[..., Any]) -> Callable[..., Any]:
        label = f"{self.distribution(adapter.handler)} {type(adapter.handler).__name__}.{adapter.name}"
        stage = _STAGE_OF[adapter.hook_name]

        def traced(*args: Any) -> Any:
            try:
                result = method(*args)
            except BaseException:
                self.events.append((stage, label + " (raised)", True))
                raise
            self.events.append((stage, label, result is not None))
            return result

        return traced

    def report(self) -> Iterator[str]:
        for stage in ("request", "open", "error", "response"):
            done = [
                label
                for s, label, answered in self.events
                if s == stage and (answered or stage in ("request", "response"))
            ]
            if done:
                yield f"    {stage:<8} {'; '.join(dict.fromkeys(done))}"
        self.events.clear()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _http_server(root: Path, tls: Any = None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _ftp_server(root: Path) -> Iterator[str]:
    import logging

    from pyftpdlib.authorizers import DummyAuthorizer  # type: ignore[import-untyped]
    from pyftpdlib.handlers import FTPHandler  # type: ignore[import-untyped]
    from pyftpdlib.servers import ThreadedFTPServer  # type: ignore[import-untyped]

    authorizer = DummyAuthorizer()
    authorizer.add_anonymous(str(root))
    handler = type("DemoFTPHandler", (FTPHandler,), {"authorizer": authorizer, "log_prefix": ""})
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    quiet = logging.getLogger("pyftpdlib")  # a handler of our own keeps pyftpdlib from logging to stderr
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"ftp://127.0.0.1:{server.address[1]}"
    finally:
        server.close_all()


def _tls_contexts() -> tuple[Any, Any] | None:
    if importlib.util.find_spec("trustme") is None:
        return None
    import ssl

    import trustme

    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def run_demo(argv: Sequence[str]) -> int:
    """Run the demo; return the process exit status (non-zero if any fetch failed)."""
    argparse.ArgumentParser(prog="urlplug demo", description=__doc__).parse_args(argv)
    tls = _tls_contexts()
    opener = build_opener(context=tls[1] if tls else None)
    schemes = set(opener.handle_open) - {"default", "unknown"}
    trace = _Trace()
    trace.watch(opener)
    print(f"urlplug demo — installed schemes: {', '.join(sorted(schemes)) or 'none'}\n")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="urlplug-demo-") as tmp, contextlib.ExitStack() as stack:
        root = Path(tmp)
        (root / "hello.txt").write_text("Hello from urlplug!\n")
        (root / "docs").mkdir()
        (root / "docs" / "index.html").write_text("<h1>urlplug docs</h1>\n")
        urls: list[str] = []
        if "http" in schemes:
            base = stack.enter_context(_http_server(root))
            urls += [f"{base}/hello.txt", f"{base}/docs"]  # /docs answers 301 -> /docs/
        if "https" in schemes and tls is not None:
            urls.append(f"{stack.enter_context(_http_server(root, tls[0]))}/hello.txt")
        if "ftp" in schemes and importlib.util.find_spec("pyftpdlib") is not None:
            urls.append(f"{stack.enter_context(_ftp_server(root))}/hello.txt")
        if "file" in schemes:
            urls.append((root / "hello.txt").as_uri())
        if "data" in schemes:
            urls.append("data:text/plain;base64,SGVsbG8gZnJvbSBhIGRhdGE6IFVSTCE=")
        if not urls:
            print("No protocol plugin is installed: pip install urlplug-http urlplug-file urlplug-ftp")
            return 1
        for url in urls:
            try:
                with opener.open(url, timeout=10) as response:
                    body = response.read()
                    code, size = response.getcode(), len(body)
                    outcome = f"-> {response.geturl()} [{code}] {size} bytes: {body[:40]!r}"
            except (URLError, OSError) as err:
                failures += 1
                outcome = f"FAILED: {err}"
            print(f"{url}\n    {outcome}")
            for line in trace.report():
                print(line)
            print()
    opener.close()
    return 1 if failures else 0
