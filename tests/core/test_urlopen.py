"""urlopen, install_opener, urlretrieve and urlcleanup, and the stdlib helpers urlplug re-exports."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import urlplug
from urlplug import BaseHandler, ContentTooShortError, Request, Response
from urlplug.response import make_headers


class Blob(BaseHandler):
    """Serves ``blob://host/<n>`` as n bytes; ``announce`` makes it claim a larger Content-Length."""

    def __init__(self, announce: int = 0) -> None:
        self.announce = announce

    def blob_open(self, req: Request) -> Response:
        size = int(req.selector.strip("/"))
        headers = make_headers([("Content-Length", size + self.announce)])
        return Response(io.BytesIO(b"x" * size), headers, req.full_url, 200)


@pytest.fixture
def installed() -> Iterator[Any]:
    """Install an opener with ``Blob`` and restore the default afterwards."""

    def install(handler: BaseHandler) -> None:
        urlplug.install_opener(urlplug.build_opener(handler, plugins=()))

    yield install
    urlplug.urlcleanup()


def test_urlopen_uses_the_installed_opener(installed: Any) -> None:
    installed(Blob())
    with urlplug.urlopen("blob://h/5") as resp:
        assert resp.read() == b"xxxxx"


def test_install_opener_accepts_any_object_with_open() -> None:
    class Fake:
        def open(self, url: str, data: Any, timeout: Any) -> str:
            return f"opened {url} {data!r} {timeout}"

    urlplug.install_opener(Fake())
    try:
        assert urlplug.urlopen("anything://x", b"d", 3) == "opened anything://x b'd' 3"
    finally:
        urlplug.install_opener(None)


def test_default_opener_is_built_once_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    from urlplug import opener as opener_module

    built: list[int] = []
    real = opener_module.build_opener

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return real(Blob(), plugins=())

    monkeypatch.setattr(opener_module, "build_opener", counting)
    urlplug.install_opener(None)
    try:
        urlplug.urlopen("blob://h/1").read()
        urlplug.urlopen("blob://h/2").read()
    finally:
        urlplug.install_opener(None)
    assert built == [1]


def test_urlretrieve_writes_the_file_and_reports_progress(installed: Any, tmp_path: Path) -> None:
    installed(Blob())
    reports: list[tuple[int, int, int]] = []
    target = tmp_path / "out.bin"
    path, headers = urlplug.urlretrieve("blob://h/150000", target, lambda *r: reports.append(r))
    assert path == str(target)
    assert target.read_bytes() == b"x" * 150000
    assert headers["Content-Length"] == "150000"
    assert reports[0] == (0, 65536, 150000)
    assert [r[0] for r in reports] == [0, 1, 2, 3]


def test_urlretrieve_without_filename_uses_a_temporary_file_that_urlcleanup_removes(installed: Any) -> None:
    installed(Blob())
    path, _ = urlplug.urlretrieve("blob://h/10")
    assert Path(path).read_bytes() == b"x" * 10
    urlplug.urlcleanup()
    assert not os.path.exists(path)


def test_urlretrieve_raises_content_too_short_and_keeps_what_arrived(installed: Any, tmp_path: Path) -> None:
    installed(Blob(announce=5))
    target = tmp_path / "short.bin"
    with pytest.raises(ContentTooShortError, match="got only 10 out of 15 bytes") as caught:
        urlplug.urlretrieve("blob://h/10", target)
    assert caught.value.content[0] == str(target)
    assert target.read_bytes() == b"x" * 10


def test_urlretrieve_turns_a_truncated_read_into_content_too_short(installed: Any, tmp_path: Path) -> None:
    import http.client

    class Truncating(BaseHandler):
        def cut_open(self, req: Request) -> Response:
            class Body(io.BytesIO):
                def read(self, size: int | None = -1) -> bytes:
                    raise http.client.IncompleteRead(b"par", 10)

            return Response(Body(), make_headers([("Content-Length", 13)]), req.full_url, 200)

    installed(Truncating())
    with pytest.raises(ContentTooShortError, match="retrieval incomplete"):
        urlplug.urlretrieve("cut://h/", tmp_path / "cut.bin")


def test_stdlib_helpers_are_available() -> None:
    assert urlplug.parse_http_list('a, b="c, d", e') == ["a", 'b="c, d"', "e"]
    assert urlplug.parse_keqv_list(['realm="x"', "nonce=abc"]) == {"realm": "x", "nonce": "abc"}
    assert urlplug.url2pathname(urlplug.pathname2url("/tmp/a b")) == "/tmp/a b"
    assert isinstance(urlplug.getproxies(), dict)


def test_urlopen_with_a_context_reuses_one_opener_per_context(https_server: Any, client_tls: Any) -> None:
    from urlplug import opener as opener_module

    try:
        for _ in range(3):
            with urlplug.urlopen(https_server.url("/x"), context=client_tls, timeout=5) as resp:
                assert resp.read() == b"GET /x"
        assert https_server.connections == 1
        assert len(opener_module._tls_openers) == 1
    finally:
        urlplug.urlcleanup()
    assert len(opener_module._tls_openers) == 0


def test_urlopen_with_a_new_context_per_call_keeps_a_bounded_number_of_openers(
    https_server: Any, ca_file: Path
) -> None:
    import ssl

    from urlplug import opener as opener_module

    fds = len(os.listdir("/proc/self/fd"))
    try:
        for _ in range(40):
            context = ssl.create_default_context(cafile=str(ca_file))
            with urlplug.urlopen(https_server.url("/new"), context=context, timeout=5) as resp:
                assert resp.read() == b"GET /new"
        assert len(opener_module._tls_openers) == opener_module._TLS_OPENERS_KEPT
        # Each kept opener may hold one idle connection (and the server its end of it).
        assert len(os.listdir("/proc/self/fd")) - fds <= 2 * opener_module._TLS_OPENERS_KEPT + 2
    finally:
        urlplug.urlcleanup()


CAFILE = pytest.mark.skipif(
    sys.version_info >= (3, 13), reason="urlopen has no cafile/capath/cadefault from Python 3.13 on"
)


@CAFILE
def test_urlopen_with_cafile_trusts_it_and_warns(https_server: Any, ca_file: Path) -> None:
    try:
        with pytest.warns(DeprecationWarning, match="cafile, capath and cadefault are deprecated"):
            resp = urlplug.urlopen(https_server.url("/ca"), cafile=str(ca_file), timeout=5)
        with resp:
            assert resp.read() == b"GET /ca"
    finally:
        urlplug.urlcleanup()


@CAFILE
def test_urlopen_refuses_an_untrusted_certificate(https_server: Any, tmp_path: Path) -> None:
    import trustme

    other_ca = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    try:
        with (
            pytest.warns(DeprecationWarning),
            pytest.raises(urlplug.URLError, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            urlplug.urlopen(https_server.url("/"), cafile=str(other_ca), timeout=5)
    finally:
        urlplug.urlcleanup()


@CAFILE
def test_urlopen_cadefault_verifies_against_the_system_store(https_server: Any, client_tls: Any) -> None:
    # The installed opener trusts the test CA; cadefault asks for the system's CAs instead.
    urlplug.install_opener(urlplug.build_opener(urlplug.HTTPSHandler(context=client_tls)))
    try:
        with urlplug.urlopen(https_server.url("/"), timeout=5) as resp:
            assert resp.status == 200
        with (
            pytest.warns(DeprecationWarning),
            pytest.raises(urlplug.URLError, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            urlplug.urlopen(https_server.url("/"), cadefault=True, timeout=5)
    finally:
        urlplug.urlcleanup()


@CAFILE
def test_urlopen_refuses_context_together_with_cafile(client_tls: Any, ca_file: Path) -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="can't pass both context"):
        urlplug.urlopen("https://127.0.0.1:9/", context=client_tls, cafile=str(ca_file))


@pytest.mark.skipif(sys.version_info < (3, 13), reason="cafile is accepted before Python 3.13")
@pytest.mark.parametrize("name", ["cafile", "capath", "cadefault"])
def test_urlopen_has_the_running_pythons_signature(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        urlplug.urlopen("https://127.0.0.1:9/", **{name: "x"})
