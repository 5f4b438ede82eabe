"""Deferred exports: a plugin package's heavy names load on first use."""

from __future__ import annotations

import sys
import types

import pytest

from urlplug import lazy


def test_exports_import_on_first_access_and_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("lazy_pkg")
    package.__path__ = []  # a package, so relative names resolve against it
    monkeypatch.setitem(sys.modules, "lazy_pkg", package)
    heavy = types.ModuleType("lazy_pkg.heavy")
    heavy.Thing = object()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazy_pkg.heavy", heavy)
    getter = lazy.exports("lazy_pkg", {"Thing": ".heavy"})
    assert getter("Thing") is heavy.Thing  # type: ignore[attr-defined]
    assert package.Thing is heavy.Thing  # type: ignore[attr-defined]


def test_unknown_names_are_attribute_errors() -> None:
    getter = lazy.exports("lazy_pkg", {})
    with pytest.raises(AttributeError, match="'lazy_pkg' has no attribute 'Missing'"):
        getter("Missing")


def test_plugins_export_their_heavy_names_lazily() -> None:
    import urlplug_ftp
    import urlplug_http

    assert urlplug_http.HTTPResponse.__name__ == "HTTPResponse"
    assert urlplug_ftp.FTPConnection.__name__ == "FTPConnection"
    assert urlplug_ftp.TransferBody.__name__ == "TransferBody"
