"""FileHandler on this machine: local files, their headers, the URL forms, and the faults."""

from __future__ import annotations

import errno
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest

import urlplug
from urlplug import OpenerDirector, URLError
from urlplug_file import DataHandler, FileHandler

BODY = b"first line\nsecond line\n"


@pytest.fixture
def opener() -> Iterator[OpenerDirector]:
    """The default chain limited to urlplug-file, so nothing here can reach the network."""
    with urlplug.build_opener(plugins=("urlplug-file",)) as opener:
        yield opener


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(BODY)
    return path


def file_url(path: Path | str, host: str = "") -> str:
    return f"file://{host}{quote(str(path))}"


def open_error(opener: OpenerDirector, url: str) -> URLError:
    with pytest.raises(URLError) as caught:
        opener.open(url, timeout=5).close()
    return caught.value


# --- reading -------------------------------------------------------------------------------------


def test_build_opener_includes_file_and_data_handlers(opener: OpenerDirector) -> None:
    kinds = {type(handler) for handler in opener.handlers}
    assert {FileHandler, DataHandler} <= kinds


def test_handlers_are_exported_as_urlplug_names() -> None:
    assert urlplug.FileHandler is FileHandler
    assert urlplug.DataHandler is DataHandler


def test_opener_reads_the_file(opener: OpenerDirector, text_file: Path) -> None:
    with opener.open(file_url(text_file), timeout=5) as response:
        assert response.read() == BODY


def test_urlopen_reads_the_file(text_file: Path) -> None:
    with urlplug.urlopen(file_url(text_file, "localhost"), timeout=5) as response:
        assert response.read() == BODY


def test_response_url_is_the_file_url_and_has_no_status(opener: OpenerDirector, text_file: Path) -> None:
    url = file_url(text_file)
    with opener.open(url, timeout=5) as response:
        assert response.geturl() == url
        assert response.getcode() is None


def test_lines_can_be_read_and_iterated(opener: OpenerDirector, text_file: Path) -> None:
    with opener.open(file_url(text_file), timeout=5) as response:
        assert response.readline() == b"first line\n"
        assert list(response) == [b"second line\n"]


def test_body_is_streamed_from_the_open_file(opener: OpenerDirector, text_file: Path) -> None:
    with opener.open(file_url(text_file), timeout=5) as response:
        with text_file.open("ab") as appended:
            appended.write(b"written after opening\n")
        assert response.read() == BODY + b"written after opening\n"


def test_closing_the_response_closes_the_file(opener: OpenerDirector, text_file: Path) -> None:
    with opener.open(file_url(text_file), timeout=5) as response:
        fd = response.fileno()
    assert response.closed
    with pytest.raises(OSError) as caught:
        os.fstat(fd)
    assert caught.value.errno == errno.EBADF


# --- headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("page.html", "text/html"), ("image.png", "image/png"), ("data.json", "application/json")],
)
def test_content_type_comes_from_mimetypes(
    opener: OpenerDirector, tmp_path: Path, name: str, content_type: str
) -> None:
    (tmp_path / name).write_bytes(b"x")
    with opener.open(file_url(tmp_path / name), timeout=5) as response:
        assert response.headers["Content-type"] == content_type


def test_unknown_extension_is_text_plain(opener: OpenerDirector, tmp_path: Path) -> None:
    (tmp_path / "blob.unknownext").write_bytes(b"x")
    with opener.open(file_url(tmp_path / "blob.unknownext"), timeout=5) as response:
        assert response.headers["Content-type"] == "text/plain"


def test_content_length_is_the_file_size(opener: OpenerDirector, tmp_path: Path) -> None:
    (tmp_path / "sized.bin").write_bytes(bytes(12345))
    with opener.open(file_url(tmp_path / "sized.bin"), timeout=5) as response:
        assert response.headers["Content-length"] == "12345"


def test_empty_file_has_content_length_zero(opener: OpenerDirector, tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    with opener.open(file_url(tmp_path / "empty"), timeout=5) as response:
        assert response.headers["Content-length"] == "0"
        assert response.read() == b""


def test_last_modified_is_the_mtime_in_rfc_1123(opener: OpenerDirector, text_file: Path) -> None:
    os.utime(text_file, (1_000_000_000, 1_000_000_000))
    with opener.open(file_url(text_file), timeout=5) as response:
        assert response.headers["Last-modified"] == "Sun, 09 Sep 2001 01:46:40 GMT"


# --- URL forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_url",
    [
        pytest.param(lambda p: f"file:{quote(p)}", id="file:/path"),
        pytest.param(lambda p: f"file://{quote(p)}", id="file:///path"),
        pytest.param(lambda p: f"file://localhost{quote(p)}", id="localhost"),
        pytest.param(lambda p: f"file://LocalHost{quote(p)}", id="localhost-any-case"),
        pytest.param(lambda p: f"file://localhost.{quote(p)}", id="localhost-trailing-dot"),
        pytest.param(lambda p: f"file://127.0.0.1{quote(p)}", id="ipv4-loopback"),
        pytest.param(lambda p: f"file://[::1]{quote(p)}", id="ipv6-loopback"),
        pytest.param(lambda p: f"file://{socket.gethostname()}{quote(p)}", id="own-host-name"),
        pytest.param(lambda p: f"FILE://{quote(p)}", id="scheme-any-case"),
        pytest.param(lambda p: f"file://{quote(p)}#section", id="fragment"),
    ],
)
def test_local_url_forms_open_the_file(
    opener: OpenerDirector, text_file: Path, make_url: Callable[[str], str]
) -> None:
    with opener.open(make_url(str(text_file)), timeout=5) as response:
        assert response.read() == BODY


def test_percent_escapes_in_the_path_are_decoded(opener: OpenerDirector, tmp_path: Path) -> None:
    path = tmp_path / "a b%c#d?e.txt"
    path.write_bytes(b"escaped")
    url = "file://" + quote(str(path), safe="/")
    assert "%20" in url and "%25" in url and "%23" in url and "%3F" in url
    with opener.open(url, timeout=5) as response:
        assert response.read() == b"escaped"


def test_utf8_escapes_name_a_unicode_file(opener: OpenerDirector, tmp_path: Path) -> None:
    path = tmp_path / "café.txt"
    path.write_bytes(b"unicode")
    with opener.open(file_url(path), timeout=5) as response:
        assert response.read() == b"unicode"


def test_escapes_that_are_not_utf8_name_the_exact_bytes(opener: OpenerDirector, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as created:
        created.write(b"latin-1 name")
    with opener.open("file://" + quote_from_bytes(raw), timeout=5) as response:
        assert response.read() == b"latin-1 name"


# --- faults --------------------------------------------------------------------------------------


def test_missing_file_gives_urlerror_with_file_not_found(opener: OpenerDirector, tmp_path: Path) -> None:
    error = open_error(opener, file_url(tmp_path / "absent.txt"))
    assert isinstance(error.reason, FileNotFoundError)
    assert error.reason.errno == errno.ENOENT


def test_directory_gives_urlerror_with_is_a_directory(opener: OpenerDirector, tmp_path: Path) -> None:
    error = open_error(opener, file_url(tmp_path))
    assert isinstance(error.reason, IsADirectoryError)
    assert error.reason.errno == errno.EISDIR


def test_path_through_a_file_gives_urlerror_with_not_a_directory(
    opener: OpenerDirector, text_file: Path
) -> None:
    error = open_error(opener, file_url(text_file / "inside.txt"))
    assert isinstance(error.reason, NotADirectoryError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; see the next test")
def test_unreadable_file_gives_urlerror_with_permission_error(
    opener: OpenerDirector, text_file: Path
) -> None:
    text_file.chmod(0)
    error = open_error(opener, file_url(text_file))
    assert isinstance(error.reason, PermissionError)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_unreadable_file_gives_permission_error_to_an_unprivileged_user(opener: OpenerDirector) -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        path = Path(folder) / "secret.txt"
        path.write_bytes(b"secret")
        path.chmod(0)
        outcome = _open_as_nobody(opener, file_url(path))
    assert outcome == f"PermissionError {errno.EACCES}"


def _open_as_nobody(opener: OpenerDirector, url: str) -> str:
    """Open ``url`` in a forked child running as ``nobody``; return what happened, as text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            try:
                opener.open(url, timeout=5).close()
                outcome = "opened"
            except URLError as exc:
                outcome = f"{type(exc.reason).__name__} {getattr(exc.reason, 'errno', None)}"
            os.write(write_end, outcome.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as child_output:
        outcome = child_output.read().decode()
    os.waitpid(pid, 0)
    return outcome


def test_nul_byte_in_the_path_gives_urlerror(opener: OpenerDirector, text_file: Path) -> None:
    error = open_error(opener, file_url(text_file) + "%00.txt")
    assert "NUL" in str(error.reason)


def test_fifo_opens_without_waiting_for_a_writer(opener: OpenerDirector, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with opener.open(file_url(fifo), timeout=5) as response:
        assert "Content-length" not in response.headers
        writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.write(writer, b"through the pipe")
        os.close(writer)
        assert response.read() == b"through the pipe"
