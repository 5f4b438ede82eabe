"""One opener shared by many threads: every response matches its request; no descriptor leaks."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer

TIMEOUT = 5
THREADS = 8


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled_fds(before: int) -> int:
    """The open descriptors once collection and closing have had two seconds to reach ``before + 1``.

    The server closes its side of a connection when it reads the client's EOF, a little later. The
    cycle collector runs again each time: ``gc.collect()`` does nothing while a collection started
    by another thread (a server thread) is under way, and that one may not reach the oldest garbage.
    """
    for _ in range(200):
        gc.collect()
        if open_fds() <= before + 1:
            break
        threading.Event().wait(0.01)
    return open_fds()


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")


def _get(opener: urlplug.OpenerDirector, server: LoopbackHTTPServer, n: int) -> tuple[int, bytes]:
    with opener.open(server.url(f"/item/{n}?thread={threading.get_ident()}"), timeout=TIMEOUT) as response:
        return n, response.read()


def test_threads_sharing_an_opener_get_their_own_responses(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda n: _get(opener, http_server, n), range(400)))
    for n, body in results:
        assert body.startswith(f"GET /item/{n}?".encode())
    assert http_server.connections <= THREADS


def test_threads_sharing_an_https_opener(
    tls_opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer
) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda n: _get(tls_opener, https_server, n), range(100)))
    assert all(body.startswith(f"GET /item/{n}?".encode()) for n, body in results)
    assert https_server.connections <= THREADS


def test_no_descriptor_leaks_over_hundreds_of_requests(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    def batch() -> None:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(lambda n: _get(opener, http_server, n), range(200)))

    batch()  # the pool and the server reach (about) their steady number of connections
    before = open_fds()
    batch()
    batch()
    # At most one connection per thread, two descriptors each (ours, the server's), may be added.
    assert open_fds() <= before + 2 * THREADS


def test_abandoned_responses_leak_no_descriptors(
    make_opener: Callable[..., urlplug.OpenerDirector], http_server: LoopbackHTTPServer
) -> None:
    opener = make_opener()
    opener.open(http_server.url("/warm"), timeout=TIMEOUT).read()
    gc.collect()
    before = open_fds()
    for n in range(100):
        opener.open(http_server.url(f"/dropped/{n}"), timeout=TIMEOUT)  # neither read nor closed
    gc.collect()
    # Each abandoned response closed its connection; the server closes its side on EOF.
    assert settled_fds(before) <= before + 1


def test_abandoned_http_errors_leak_no_descriptors(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    from tests.servers.http import Reply

    http_server.routes["/missing"] = lambda seen: Reply(404, [], b"no")
    opener.open(http_server.url("/warm"), timeout=TIMEOUT).read()
    before = open_fds()
    for _ in range(50):
        # The error is dropped with its traceback, which holds it in a reference cycle.
        with contextlib.suppress(urlplug.HTTPError):
            opener.open(http_server.url("/missing"), timeout=TIMEOUT)
    gc.collect()
    assert settled_fds(before) <= before + 1
