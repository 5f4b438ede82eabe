"""The CPython urllib tests urlplug does not pass on purpose, each with the README difference it shows.

Every key of :data:`EXCLUDED` is ``<module>.<Class>.<test>``; its value quotes the heading of the
difference in the README's "Differences on purpose" list. ``tests/conformance/test_cpython.py`` checks
that the two lists agree and that no exclusion is stale.
"""

from __future__ import annotations

from typing import Any

from urlplug_proxy.handler import _parse_proxy

EXCLUDED: dict[str, str] = {
    "test_urllib2.TrivialTests.test___all__": "Names live in urlplug's modules",
    "test_urllib2.HandlerTests.test_http_body_file": "Seekable file bodies are sent with Content-Length",
    "test_urllib2.HandlerTests.test_http_body_fileobj": "Seekable file bodies are sent with Content-Length",
    "test_urllib2.HandlerTests.test_ftp": "FTP guesses the Content-type with ;type=",
    "test_urllib2.HandlerTests.test_osx_proxy_bypass": "No macOS or Windows system proxy settings",
    "test_urllib2.HandlerTests.test_winreg_proxy_bypass": "No macOS or Windows system proxy settings",
}

# Excluded tests that CPython added in a later version: not stale on the versions before it.
SINCE: dict[str, tuple[int, int]] = {"test_urllib2.HandlerTests.test_winreg_proxy_bypass": (3, 13)}


def _no_system_proxy_settings(*args: Any) -> bool:
    raise NotImplementedError("urlplug reads no macOS or Windows system proxy configuration")


# Private names of urllib.request that the CPython modules import at module level: urlplug's own
# equivalent where it has one.
SHIMS: dict[str, Any] = {
    "_parse_proxy": _parse_proxy,
    "_proxy_bypass_macosx_sysconf": _no_system_proxy_settings,
    "_proxy_bypass_winreg_override": _no_system_proxy_settings,  # imported from Python 3.13 on
}
