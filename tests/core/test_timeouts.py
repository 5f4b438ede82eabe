"""``urlplug.Timeout``, ``URLTimeoutError`` and what ``open()`` keeps as ``request.timeout``."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

import urlplug
from urlplug import Request, Timeout, URLError, URLTimeoutError
from urlplug.errors import url_error
from urlplug.timeouts import as_timeout, wait_within


class _Recorder(urlplug.BaseHandler):
    """A classic handler that answers every URL and keeps the timeout it was given."""

    def __init__(self) -> None:
        self.timeouts: list[Any] = []

    def default_open(self, req: Request) -> str:
        self.timeouts.append(req.timeout)
        return "answered"


def _open(timeout: Any) -> Any:
    recorder = _Recorder()
    opener = urlplug.build_opener(recorder, plugins=())
    assert opener.open("x-test://host/", timeout=timeout) == "answered"
    return recorder.timeouts[0]


# --- the error -------------------------------------------------------------------------------


@pytest.mark.parametrize("caught_as", [URLError, TimeoutError, OSError])
def test_url_timeout_error_is_caught_as_url_error_and_as_timeout_error(caught_as: type) -> None:
    with pytest.raises(caught_as):
        raise URLTimeoutError("the total timeout of 1 s ran out")


def test_url_error_of_a_socket_timeout_is_a_url_timeout_error() -> None:
    cause = TimeoutError("timed out")
    error = url_error(cause)
    assert isinstance(error, URLTimeoutError)
    assert error.reason is cause


def test_url_error_of_other_failures_is_a_plain_url_error() -> None:
    error = url_error(ConnectionRefusedError("refused"))
    assert type(error) is URLError


def test_url_error_keeps_a_url_error_as_it_is() -> None:
    given = URLTimeoutError("late")
    assert url_error(given) is given


# --- Timeout ---------------------------------------------------------------------------------


def test_timeout_keeps_its_limits_as_floats() -> None:
    timeout = Timeout(connect=1, read=2.5, total=None)
    assert (timeout.connect, timeout.read, timeout.total) == (1.0, 2.5, None)
    assert timeout.deadline is None


@pytest.mark.parametrize("bad", [-1, -0.5, float("nan")])
def test_negative_or_nan_limits_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Timeout(read=bad)


@pytest.mark.parametrize("bad", ["1", True, [1]])
def test_limits_that_are_not_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(TypeError, match="number of seconds"):
        Timeout(connect=bad)


def test_started_timeout_counts_its_total_from_now() -> None:
    before = time.monotonic()
    started = Timeout(read=5, total=2).start()
    assert started.deadline is not None
    assert before + 2 <= started.deadline <= time.monotonic() + 2
    assert started.start() is started  # a started timeout keeps its deadline


def test_remaining_total_cuts_connect_and_read_limits() -> None:
    started = Timeout(connect=10, read=10, total=1).start()
    assert 0 < started.connect_timeout() <= 1  # type: ignore[operator]
    assert 0 < started.read_timeout() <= 1  # type: ignore[operator]
    assert Timeout(connect=3, read=4).read_timeout() == 4


def test_a_total_that_ran_out_raises_url_timeout_error() -> None:
    started = Timeout(total=0).start()
    with pytest.raises(URLTimeoutError, match=r"total timeout of 0 s ran out"):
        started.read_timeout()


def test_equal_limits_make_equal_timeouts_whatever_their_deadlines() -> None:
    assert Timeout(1, 2, 3) == Timeout(1, 2, 3).start()
    assert hash(Timeout(1, 2, 3)) == hash(Timeout(1.0, 2.0, 3.0))
    assert Timeout(1, 2) != Timeout(2, 1)


@pytest.mark.parametrize(
    ("given", "limits"),
    [
        (3, (3.0, 3.0, None)),
        (None, (None, None, None)),
        ((1, 2), (1.0, 2.0, None)),
        ((None, 4), (None, 4.0, None)),
    ],
)
def test_as_timeout_reads_every_accepted_form(given: Any, limits: tuple[Any, ...]) -> None:
    timeout = as_timeout(given)
    assert (timeout.connect, timeout.read, timeout.total) == limits


def test_as_timeout_of_the_default_is_the_socket_default() -> None:
    socket.setdefaulttimeout(7)
    try:
        assert as_timeout(socket._GLOBAL_DEFAULT_TIMEOUT).read == 7.0  # type: ignore[attr-defined]
    finally:
        socket.setdefaulttimeout(None)


def test_a_pair_must_have_two_limits() -> None:
    with pytest.raises(ValueError, match=r"\(connect, read\)"):
        as_timeout((1, 2, 3))


def test_wait_within_only_ever_shortens_a_socket_timeout() -> None:
    with socket.socket() as sock:
        sock.settimeout(0)
        assert wait_within(Timeout(total=5).start(), sock, sock.gettimeout) == 0  # a probe stays one
        sock.settimeout(None)
        assert 0 < wait_within(Timeout(total=5).start(), sock, sock.gettimeout) <= 5
        sock.settimeout(30)
        assert wait_within(Timeout(read=1).start(), sock, sock.gettimeout) == 30  # no total: no cut


def test_wait_within_says_when_the_total_ran_out() -> None:
    started = Timeout(total=0.05).start()
    a, b = socket.socketpair()
    with a, b, pytest.raises(URLTimeoutError, match=r"total timeout of 0\.05 s ran out"):
        wait_within(started, a, a.recv, 1)


def test_wait_within_leaves_a_shorter_wait_of_the_callers_as_a_plain_timeout() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.settimeout(0.05)
        with pytest.raises(TimeoutError) as caught:
            wait_within(Timeout(total=5).start(), a, a.recv, 1)
    assert not isinstance(caught.value, URLTimeoutError)


# --- what open() keeps as request.timeout ----------------------------------------------------


@pytest.mark.parametrize("given", [3, 0.5, None])
def test_a_number_reaches_classic_handlers_as_given(given: Any) -> None:
    assert _open(given) == given


def test_the_default_reaches_classic_handlers_as_given() -> None:
    assert _open(socket._GLOBAL_DEFAULT_TIMEOUT) is socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]


def test_a_pair_becomes_a_timeout() -> None:
    kept = _open((1, 2))
    assert kept == Timeout(connect=1, read=2)


def test_open_starts_a_copy_of_a_timeout_with_a_total() -> None:
    given = Timeout(read=1, total=5)
    kept = _open(given)
    assert kept == given
    assert kept.deadline is not None
    assert given.deadline is None  # the caller's timeout serves the next call afresh


def test_open_keeps_the_deadline_of_a_started_timeout() -> None:
    started = Timeout(total=5).start()
    assert _open(started) is started


def test_a_bad_timeout_is_refused_before_anything_is_opened() -> None:
    recorder = _Recorder()
    opener = urlplug.build_opener(recorder, plugins=())
    with pytest.raises(ValueError, match=r"\(connect, read\)"):
        opener.open("x-test://host/", timeout=(1, 2, 3))
    assert recorder.timeouts == []
