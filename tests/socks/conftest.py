"""SOCKS proxies for the tests (``tests/servers/socks.py``), and a clean proxy environment."""

from __future__ import annotations

import pytest

from ..servers.socks import (  # noqa: F401 (fixtures)
    microsocks,
    microsocks_auth,
    microsocks_factory,
    socks4_server,
)


@pytest.fixture(autouse=True)
def _clean_proxy_environment(proxy_env: pytest.MonkeyPatch) -> None:
    """Use ``proxy_env`` (``tests/servers/proxy.py``) to set variables in a test."""
