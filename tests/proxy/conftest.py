"""Every proxy test starts from an environment without proxy settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_proxy_environment(proxy_env: pytest.MonkeyPatch) -> None:
    """Use ``proxy_env`` (``tests/servers/proxy.py``) to set variables in a test."""
