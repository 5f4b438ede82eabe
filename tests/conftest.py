"""Fixtures shared by every test: certificates and the loopback servers of ``tests/servers``."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from hypothesis import settings

pytest_plugins = [
    "tests.servers.http",
    "tests.servers.ftp",
    "tests.servers.auth",
    "tests.servers.proxy",
]

# Property tests (hypothesis): the same examples on every run, few enough to keep the suite fast.
# HYPOTHESIS_PROFILE=fuzz runs them long, on fresh random examples each time (see the README).
settings.register_profile("suite", derandomize=True, max_examples=100, deadline=None, database=None)
settings.register_profile("fuzz", max_examples=5_000, deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A throwaway certificate authority."""
    return trustme.CA()


@pytest.fixture(scope="session")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    """A server certificate for localhost, 127.0.0.1 and ::1."""
    return ca.issue_cert("localhost", "127.0.0.1", "::1")


@pytest.fixture(scope="session")
def server_tls(server_cert: trustme.LeafCert) -> ssl.SSLContext:
    """The server side TLS context of the HTTPS and FTPS test servers."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    return context


@pytest.fixture(scope="session")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    """A client context that trusts ``ca`` (and nothing else)."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``ca``'s certificate as a PEM file, for ``cafile=``."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    yield path
