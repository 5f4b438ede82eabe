"""HTTPSHandler: verification by default, urlopen's cafile/context, SNI and host name checks."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import pytest
import trustme

import urlplug
from tests.servers.http import LoopbackHTTPServer
from urlplug_http import HTTPSHandler, https_handler

TIMEOUT = 5


@pytest.fixture
def wrong_host_server() -> Iterator[LoopbackHTTPServer]:
    """An HTTPS server on 127.0.0.1 whose certificate is for another name only."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("elsewhere.example").configure_cert(context)
    server = LoopbackHTTPServer(tls=context).start()
    server.ca = ca  # type: ignore[attr-defined]
    yield server
    server.stop()


def test_https_with_context(tls_opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer) -> None:
    with tls_opener.open(https_server.url("/secure"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /secure"
        assert response.geturl() == https_server.url("/secure")


def test_urlopen_with_context(client_tls: ssl.SSLContext, https_server: LoopbackHTTPServer) -> None:
    with urlplug.urlopen(https_server.url("/c"), timeout=TIMEOUT, context=client_tls) as response:
        assert response.read() == b"GET /c"


def test_untrusted_ca_is_refused(opener: urlplug.OpenerDirector, https_server: LoopbackHTTPServer) -> None:
    with pytest.raises(urlplug.URLError) as caught:
        opener.open(https_server.url("/"), timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert https_server.seen == []


def test_wrong_host_certificate_is_refused(
    make_opener: Callable[..., urlplug.OpenerDirector], wrong_host_server: LoopbackHTTPServer
) -> None:
    context = ssl.create_default_context()
    wrong_host_server.ca.configure_trust(context)  # type: ignore[attr-defined]
    with pytest.raises(urlplug.URLError) as caught:
        make_opener(context=context).open(wrong_host_server.url("/"), timeout=TIMEOUT)
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert "match" in str(caught.value.reason) or "mismatch" in str(caught.value.reason)


def test_check_hostname_false_accepts_wrong_host(
    make_opener: Callable[..., urlplug.OpenerDirector], wrong_host_server: LoopbackHTTPServer
) -> None:
    context = ssl.create_default_context()
    wrong_host_server.ca.configure_trust(context)  # type: ignore[attr-defined]
    handler = HTTPSHandler(context=context, check_hostname=False)
    with make_opener(handler).open(wrong_host_server.url("/ok"), timeout=TIMEOUT) as response:
        assert response.read() == b"GET /ok"


def test_sni_names_the_host(
    make_opener: Callable[..., urlplug.OpenerDirector],
    server_cert: trustme.LeafCert,
    client_tls: ssl.SSLContext,
) -> None:
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)

    def remember(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        names.append(name)

    context.sni_callback = remember
    server = LoopbackHTTPServer(tls=context).start()
    try:
        with make_opener(context=client_tls).open(server.url("/", host="localhost"), timeout=TIMEOUT) as r:
            r.read()
    finally:
        server.stop()
    assert names == ["localhost"]


def test_default_context_verifies_against_the_system_store() -> None:
    handler = HTTPSHandler()
    context = handler.context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert handler.context is context


def test_https_handler_factory_passes_the_context(client_tls: ssl.SSLContext) -> None:
    handler = https_handler(context=client_tls)
    assert isinstance(handler, HTTPSHandler)
    assert handler.context is client_tls


def test_https_handler_factory_without_ssl(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ssl", None)
    assert https_handler() is None
