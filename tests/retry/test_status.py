"""Refusals by status: 503 and 429 with Retry-After, the forcelist, exhaustion, what is never retried."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import pytest

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug_retry import RetryAttempt, RetryHandler

from .conftest import Sleeps, ok, refusal, replies

Opener = Callable[..., urlplug.OpenerDirector]


def test_503_with_retry_after_seconds_is_retried_on_the_same_connection(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/busy"] = replies(refusal(503, "3"), ok())
    with make_opener().open(http_server.url("/busy"), timeout=5) as response:
        assert (response.status, response.read()) == (200, b"fine")
    assert sleeps == [3.0]
    assert [seen.path for seen in http_server.seen] == ["/busy", "/busy"]
    assert http_server.connections == 1  # the refusal was drained and its connection reused
    url = http_server.url("/busy")
    assert response.retry_history == (
        RetryAttempt("GET", url, None, 503),
        RetryAttempt("GET", url, None, 200),
    )


def test_429_with_retry_after_is_retried(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/limited"] = replies(refusal(429, "1"), ok())
    with make_opener().open(http_server.url("/limited"), timeout=5) as response:
        assert response.read() == b"fine"
    assert sleeps == [1.0]


def test_retry_after_as_an_http_date(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    when = formatdate(time.time() + 6, usegmt=True)
    http_server.routes["/busy"] = replies(refusal(503, when), ok())
    with make_opener().open(http_server.url("/busy"), timeout=5) as response:
        assert response.read() == b"fine"
    [slept] = sleeps
    assert 4.0 < slept <= 6.0  # the date has one-second resolution; the clock moved on a little


def test_503_without_retry_after_is_not_retried_by_default(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/down"] = replies(refusal(503), ok())
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener().open(http_server.url("/down"), timeout=5)
    with info.value as error:
        assert error.code == 503
        assert not hasattr(error, "retry_history")
    assert len(http_server.seen) == 1
    assert sleeps == []


def test_retry_after_beyond_the_cap_is_not_waited_for(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/later"] = replies(refusal(503, "3600"), ok())
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener().open(http_server.url("/later"), timeout=5)
    with info.value as error:
        assert error.code == 503
        assert error.headers["Retry-After"] == "3600"
    assert len(http_server.seen) == 1
    assert sleeps == []


def test_retry_after_is_ignored_when_not_respected(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/busy"] = replies(refusal(503, "3"), ok())
    retry = RetryHandler(status_forcelist={503}, respect_retry_after_header=False, backoff_factor=1.0)
    with make_opener(retry).open(http_server.url("/busy"), timeout=5) as response:
        assert response.read() == b"fine"
    assert sleeps == [0.0]  # backoff after a first failure, not the 3 s asked for


def test_post_is_not_retried(make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps) -> None:
    http_server.routes["/orders"] = replies(refusal(503, "1"), ok())
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(RetryHandler(status_forcelist={503})).open(
            http_server.url("/orders"), data=b"order=1", timeout=5
        )
    info.value.close()
    assert [seen.method for seen in http_server.seen] == ["POST"]
    assert sleeps == []


def test_post_is_retried_when_allowed(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/orders"] = replies(refusal(503, "1"), ok())
    retry = RetryHandler(allowed_methods={"post"})
    with make_opener(retry).open(http_server.url("/orders"), data=b"order=1", timeout=5) as response:
        assert response.read() == b"fine"
    assert [seen.body for seen in http_server.seen] == [b"order=1", b"order=1"]


def test_a_file_body_is_never_sent_twice(
    make_opener: Opener, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    http_server.routes["/upload"] = replies(refusal(503, "0"), ok())
    path = tmp_path / "upload.bin"
    path.write_bytes(b"payload")
    retry = RetryHandler(allowed_methods={"PUT"})
    with path.open("rb") as body, pytest.raises(urlplug.HTTPError) as info:
        request = urlplug.Request(http_server.url("/upload"), data=body, method="PUT")
        make_opener(retry).open(request, timeout=5)
    info.value.close()
    assert [seen.body for seen in http_server.seen] == [b"payload"]


def test_exhausted_retries_raise_the_last_http_error_with_the_history(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/down"] = replies(refusal(503, body=b"still down"))
    retry = RetryHandler(total=3, status_forcelist={503}, backoff_factor=0.5)
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(retry).open(http_server.url("/down"), timeout=5)
    with info.value as error:
        assert error.code == 503
        assert error.read() == b"still down"
        url = http_server.url("/down")
        assert error.retry_history == (RetryAttempt("GET", url, None, 503),) * 4  # type: ignore[attr-defined]
    assert sleeps == [0.0, 1.0, 2.0]
    assert len(http_server.seen) == 4
    assert http_server.connections == 1


def test_backoff_sequence_is_capped_by_backoff_max(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/down"] = replies(refusal(500))
    retry = RetryHandler(total=6, status_forcelist={500}, backoff_factor=1.0, backoff_max=10.0)
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(retry).open(http_server.url("/down"), timeout=5)
    info.value.close()
    assert sleeps == [0.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_status_cap_ends_retries_before_total(
    make_opener: Opener, http_server: LoopbackHTTPServer, sleeps: Sleeps
) -> None:
    http_server.routes["/down"] = replies(refusal(502))
    retry = RetryHandler(total=10, status=1, status_forcelist={502})
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(retry).open(http_server.url("/down"), timeout=5)
    info.value.close()
    assert len(http_server.seen) == 2


def test_raise_on_status_false_returns_the_last_response(
    make_opener: Opener, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/down"] = replies(refusal(503, "0", body=b"still down"))
    retry = RetryHandler(total=1, raise_on_status=False)
    with make_opener(retry).open(http_server.url("/down"), timeout=5) as response:
        assert not isinstance(response, urlplug.HTTPError)
        assert (response.status, response.read()) == (503, b"still down")
        assert [attempt.status for attempt in response.retry_history] == [503, 503]


def test_a_status_outside_the_forcelist_passes_untouched(
    make_opener: Opener, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/missing"] = replies(refusal(404))
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(RetryHandler(status_forcelist={503})).open(http_server.url("/missing"), timeout=5)
    with info.value as error:
        assert error.code == 404
        assert not hasattr(error, "retry_history")
    assert len(http_server.seen) == 1


def test_total_zero_never_retries(make_opener: Opener, http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/busy"] = replies(refusal(503, "0"), ok())
    with pytest.raises(urlplug.HTTPError) as info:
        make_opener(RetryHandler(total=0)).open(http_server.url("/busy"), timeout=5)
    info.value.close()
    assert len(http_server.seen) == 1


def test_a_long_refusal_body_closes_its_connection(
    make_opener: Opener, http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/busy"] = replies(refusal(503, "0", body=b"x" * (1 << 20)), ok())
    with make_opener().open(http_server.url("/busy"), timeout=5) as response:
        assert response.read() == b"fine"
    assert http_server.connections == 2  # a megabyte is not read just to keep a connection
