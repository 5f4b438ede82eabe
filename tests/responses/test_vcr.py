"""VCR.py records and replays urlplug traffic: the HTTP plugin looks up http.client's classes per call.

VCR.py patches ``http.client.HTTPConnection`` and ``HTTPSConnection`` while a cassette is in use;
urlplug's HTTP handler takes its connection classes from ``http.client`` at each new connection, so
the patched ones record and replay. The replays here run with the server stopped: nothing can come
from the network.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

import urlplug

from ..servers.http import LoopbackHTTPServer, Reply

TIMEOUT = 10

pytest_plugins = ["pytester"]


def cassette(path: Path, mode: str) -> Any:
    return vcr.VCR(record_mode=mode).use_cassette(str(path))


def test_an_exchange_is_recorded_then_replayed_without_the_server(
    opener: Any, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    http_server.routes["/api"] = lambda seen: Reply(201, [("X-Id", "7")], b"created " + seen.body)
    url = http_server.url("/api")
    tape = tmp_path / "api.yaml"
    with cassette(tape, "once") as recording:
        response = opener.open(url, data=b"thing", timeout=TIMEOUT)
        assert (response.status, response.read()) == (201, b"created thing")
    assert len(recording) == 1
    assert len(http_server.seen) == 1
    http_server.stop()

    with cassette(tape, "none") as replay:
        response = opener.open(url, data=b"thing", timeout=TIMEOUT)
        assert (response.status, response.headers["X-Id"], response.read()) == (201, "7", b"created thing")
        assert replay.play_count == 1
        # Anything not on the tape is refused by VCR.py, not sent.
        with pytest.raises(CannotOverwriteExistingCassetteException):
            opener.open(http_server.url("/elsewhere"), timeout=TIMEOUT)


def test_connections_kept_alive_before_the_cassette_do_not_bypass_it(
    opener: Any, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    url = http_server.url("/pooled")
    opener.open(url, timeout=TIMEOUT).read()  # leaves a kept-alive connection in the pool
    with cassette(tmp_path / "pooled.yaml", "once") as recording:
        assert opener.open(url, timeout=TIMEOUT).read() == b"GET /pooled"
    assert len(recording) == 1


def test_an_error_status_is_replayed_as_http_error(
    opener: Any, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    http_server.routes["/missing"] = lambda seen: Reply(404, [], b"not here")
    url = http_server.url("/missing")
    tape = tmp_path / "missing.yaml"
    with cassette(tape, "once"), pytest.raises(urlplug.HTTPError):
        opener.open(url, timeout=TIMEOUT)
    http_server.stop()
    with cassette(tape, "none"), pytest.raises(urlplug.HTTPError) as caught:
        opener.open(url, timeout=TIMEOUT)
    assert (caught.value.code, caught.value.read()) == (404, b"not here")
    assert len(http_server.seen) == 1


def test_https_is_recorded_and_replayed(
    make_opener: Any, https_server: LoopbackHTTPServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    opener = make_opener(context=client_tls)
    url = https_server.url("/secure")
    tape = tmp_path / "secure.yaml"
    with cassette(tape, "once"):
        assert opener.open(url, timeout=TIMEOUT).read() == b"GET /secure"
    https_server.stop()
    with cassette(tape, "none") as replay:
        assert opener.open(url, timeout=TIMEOUT).read() == b"GET /secure"
        assert replay.play_count == 1


def test_pytest_recording_records_and_replays(
    pytester: pytest.Pytester, http_server: LoopbackHTTPServer
) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        import urlplug

        @pytest.mark.vcr
        def test_fetch():
            with urlplug.build_opener() as opener:
                assert opener.open("{http_server.url("/recorded")}", timeout=10).read() == b"GET /recorded"
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--record-mode=once").assert_outcomes(passed=1)
    assert len(http_server.seen) == 1
    assert list((pytester.path / "cassettes").rglob("*.yaml"))
    http_server.stop()
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--record-mode=none").assert_outcomes(passed=1)
