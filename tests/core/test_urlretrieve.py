"""urlretrieve's announced size: the length the response framed its body by, never a second parse."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import urlplug
from tests.servers.http import ScriptedServer, read_request
from urlplug import BaseHandler, Request, Response
from urlplug.response import make_headers

Start = Callable[..., ScriptedServer]
Reports = list[tuple[int, int, int]]


@pytest.fixture(autouse=True)
def _forget_openers() -> Iterator[None]:
    yield
    urlplug.urlcleanup()


def answer(head: bytes, body: bytes) -> Callable[[socket.socket, int], None]:
    def script(sock: socket.socket, number: int) -> None:
        read_request(sock)
        sock.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n" + head + b"\r\n" + body)

    return script


def retrieve(url: str, target: Path) -> Reports:
    reports: Reports = []
    urlplug.urlretrieve(url, target, lambda *report: reports.append(report))
    return reports


@pytest.mark.parametrize(
    "head",
    [b"Content-Length: 5, 5\r\n", b"Content-Length: 5\r\nContent-Length: 5\r\n"],
    ids=["one line", "two lines"],
)
def test_repeated_identical_content_length_is_one_length(
    scripted_server: Start, tmp_path: Path, head: bytes
) -> None:
    server = scripted_server(answer(head, b"hello"))
    reports = retrieve(server.url("/file"), tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"hello"
    assert reports == [(0, 65536, 5), (1, 65536, 5)]


def test_chunked_body_has_no_announced_size(scripted_server: Start, tmp_path: Path) -> None:
    server = scripted_server(answer(b"Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n\r\n"))
    reports = retrieve(server.url("/file"), tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"hello"
    assert {total for _, _, total in reports} == {-1}


def test_a_body_shorter_than_the_repeated_length_is_too_short(scripted_server: Start, tmp_path: Path) -> None:
    server = scripted_server(answer(b"Content-Length: 9, 9\r\n", b"hello"))
    with pytest.raises(urlplug.ContentTooShortError):
        retrieve(server.url("/file"), tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"hello"


class Announcing(BaseHandler):
    """Serves ``say:`` URLs as ``hello`` with the ``Content-Length`` values the test chose."""

    def __init__(self, *lengths: str) -> None:
        self.lengths = lengths

    def say_open(self, req: Request) -> Response:
        headers = make_headers([("Content-Length", length) for length in self.lengths])
        return Response(io.BytesIO(b"hello"), headers, req.full_url, 200)


@pytest.mark.parametrize(
    ("lengths", "total"),
    [
        (["5, 5"], 5),
        (["5", " 5 "], 5),
        (["5, 6"], -1),
        (["5", "6"], -1),
        (["five"], -1),
        (["²"], -1),
        (["-5"], -1),
        ([""], -1),
    ],
)
def test_another_handlers_content_length_is_read_carefully(
    tmp_path: Path, lengths: list[str], total: int
) -> None:
    urlplug.install_opener(urlplug.build_opener(Announcing(*lengths), plugins=()))
    reports = retrieve("say://x", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"hello"
    assert {report[2] for report in reports} == {total}
