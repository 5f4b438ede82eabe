"""The pooled transport's ``Dial`` seam: connections made by a given callable, kept apart in the pool."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

import pytest

import urlplug
from urlplug import Request, URLError
from urlplug_http import AbstractHTTPHandler

from ..servers.http import LoopbackHTTPServer


@dataclass(frozen=True)
class ToPort:
    """Dials 127.0.0.1:``port`` whatever origin is asked for, and notes each origin asked for."""

    port: int
    asked: list[tuple[str, int]] = field(default_factory=list, compare=False, hash=False)

    def __call__(self, host: str, port: int, timeout: float | None) -> socket.socket:
        self.asked.append((host, port))
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)


class Refused:
    def __call__(self, host: str, port: int, timeout: float | None) -> socket.socket:
        raise ConnectionRefusedError("no route today")


class DialHandler(AbstractHTTPHandler):
    """Opens ``dial:`` URLs as ``http:`` ones over connections from ``self.dial``."""

    def __init__(self, dial: Any) -> None:
        super().__init__()
        self.dial = dial

    def dial_open(self, req: Request) -> Any:
        origin = Request(req.full_url.replace("dial:", "http:", 1), headers={"Host": req.host})
        return self.open_pooled(origin, secure=False, dial=self.dial)


def test_the_origin_is_reached_through_the_dial_and_named_in_the_host_header(
    http_server: LoopbackHTTPServer,
) -> None:
    dial = ToPort(http_server.port)
    opener = urlplug.build_opener(DialHandler(dial), plugins=())
    with opener.open("dial://origin.invalid:8080/p", timeout=5) as response:
        assert response.read() == b"GET /p"
        assert response.geturl() == "http://origin.invalid:8080/p"
    assert dial.asked == [("origin.invalid", 8080)]  # nothing resolved here
    assert http_server.seen[0].headers["Host"] == "origin.invalid:8080"


def test_dialled_connections_are_kept_alive(http_server: LoopbackHTTPServer) -> None:
    dial = ToPort(http_server.port)
    opener = urlplug.build_opener(DialHandler(dial), plugins=())
    for _ in range(3):
        opener.open("dial://origin.invalid/", timeout=5).read()
    assert len(dial.asked) == 1
    assert http_server.connections == 1


def test_a_dial_that_fails_is_a_url_error() -> None:
    opener = urlplug.build_opener(DialHandler(Refused()), plugins=())
    with pytest.raises(URLError) as caught:
        opener.open("dial://origin.invalid/", timeout=5)
    assert isinstance(caught.value.reason, ConnectionRefusedError)
