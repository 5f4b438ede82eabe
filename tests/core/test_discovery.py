"""Discovery end to end: throwaway plugin distributions on disk that importlib.metadata finds."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import urlplug
from urlplug import discovery
from urlplug.discovery import PluginConflictWarning, PluginLoadWarning

CLASSIC_PLUGIN = """
import io
import urlplug
from urlplug.response import Response, make_headers

class FakeHandler(urlplug.BaseHandler):
    def fake_open(self, req):
        return Response(io.BytesIO(b"classic " + req.selector.encode()), make_headers(()), req.full_url, 200)
"""

NATIVE_PLUGIN = """
import io
import urlplug
from urlplug.response import Response, make_headers

schemes = {"native"}

@urlplug.hookimpl
def urlplug_open(request):
    body = io.BytesIO(b"native " + request.selector.encode())
    return Response(body, make_headers(()), request.full_url, 200)
"""

MakeDist = Callable[..., Path]


@pytest.fixture
def make_dist(tmp_path: Path) -> Iterator[MakeDist]:
    """Create installed-looking distributions in a fresh folder on sys.path; undone afterwards."""
    site = tmp_path / "site"
    site.mkdir()
    sys.path.insert(0, str(site))
    modules: list[str] = []

    def make(name: str, entry_points: str, modules_source: dict[str, str], version: str = "1.0") -> Path:
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
        for module, source in modules_source.items():
            (site / f"{module}.py").write_text(source)
            modules.append(module)
        importlib.invalidate_caches()
        discovery.rescan()
        return info

    yield make
    sys.path.remove(str(site))
    for module in modules:
        sys.modules.pop(module, None)
    for name in ("FakeHandler", "ExportedThing"):
        urlplug.__dict__.pop(name, None)
    importlib.invalidate_caches()
    discovery.rescan()


def _classic_dist(make_dist: MakeDist, name: str = "fakeplug", module: str = "fakeplug_mod") -> None:
    make_dist(
        name,
        f"""
        [urlplug.handlers]
        fake = {module}:FakeHandler
        [urlplug.names]
        FakeHandler = {module}:FakeHandler
        """,
        {module: CLASSIC_PLUGIN},
    )


def test_build_opener_installs_a_discovered_classic_handler(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    assert urlplug.build_opener().open("fake://host/thing").read() == b"classic /thing"


def test_build_opener_registers_a_discovered_native_plugin_module(make_dist: MakeDist) -> None:
    make_dist(
        "nativeplug", "[urlplug.handlers]\nnative = nativeplug_mod\n", {"nativeplug_mod": NATIVE_PLUGIN}
    )
    opener = urlplug.build_opener()
    assert opener.open("native://h/x").read() == b"native /x"
    with pytest.raises(urlplug.URLError, match="unknown url type: 'zzz'"):
        opener.open("zzz://h/x")


def test_plugins_argument_turns_discovery_off(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    opener = urlplug.build_opener(plugins=())
    assert [type(h).__name__ for h in opener.handlers] == ["UnknownHandler"]
    with pytest.raises(urlplug.URLError, match="unknown url type: 'fake'"):
        opener.open("fake://h/")


def test_plugins_argument_restricts_to_named_distributions(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    make_dist(
        "nativeplug", "[urlplug.handlers]\nnative = nativeplug_mod\n", {"nativeplug_mod": NATIVE_PLUGIN}
    )
    opener = urlplug.build_opener(plugins=["nativeplug"])
    assert opener.open("native://h/x").read() == b"native /x"
    with pytest.raises(urlplug.URLError, match="unknown url type: 'fake'"):
        opener.open("fake://h/")


def test_environment_variable_restricts_discovery(
    make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    _classic_dist(make_dist)
    make_dist(
        "nativeplug", "[urlplug.handlers]\nnative = nativeplug_mod\n", {"nativeplug_mod": NATIVE_PLUGIN}
    )
    monkeypatch.setenv("URLPLUG_PLUGINS", "fakeplug")
    discovery.rescan()
    assert {e.dist for e in discovery.registry().entries} == {"fakeplug"}
    opener = urlplug.build_opener()
    assert opener.open("fake://h/y").read() == b"classic /y"
    with pytest.raises(urlplug.URLError, match="unknown url type: 'native'"):
        opener.open("native://h/")


def test_empty_environment_variable_turns_discovery_off(
    make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    _classic_dist(make_dist)
    monkeypatch.setenv("URLPLUG_PLUGINS", "")
    discovery.rescan()
    assert discovery.registry().entries == []
    assert [type(h).__name__ for h in urlplug.build_opener().handlers] == ["UnknownHandler"]


def test_environment_variable_naming_a_missing_distribution_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("URLPLUG_PLUGINS", "no-such-plugin-dist")
    try:
        with pytest.warns(PluginLoadWarning, match="no-such-plugin-dist"):
            discovery.rescan()
    finally:
        monkeypatch.delenv("URLPLUG_PLUGINS")
        discovery.rescan()


def test_plugin_whose_import_raises_is_reported_by_name_and_left_out(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    make_dist(
        "brokenplug",
        "[urlplug.handlers]\nbroken = brokenplug_mod:Handler\n",
        {"brokenplug_mod": "raise RuntimeError('this plugin is broken')\n"},
        version="2.5",
    )
    with pytest.warns(
        PluginLoadWarning, match=r"'broken'.*brokenplug 2\.5.*RuntimeError: this plugin is broken"
    ):
        opener = urlplug.build_opener()
    assert opener.open("fake://h/still-works").read() == b"classic /still-works"


def test_plugin_whose_factory_raises_is_reported_and_left_out(make_dist: MakeDist) -> None:
    make_dist(
        "factoryplug",
        "[urlplug.handlers]\nbad = factoryplug_mod:make\n",
        {"factoryplug_mod": "def make():\n    raise ValueError('cannot build')\n"},
    )
    with pytest.warns(PluginLoadWarning, match="factoryplug.*ValueError: cannot build"):
        opener = urlplug.build_opener()
    assert "UnknownHandler" in [type(h).__name__ for h in opener.handlers]


def test_factory_returning_none_stays_out(make_dist: MakeDist) -> None:
    make_dist(
        "optionalplug",
        "[urlplug.handlers]\nmaybe = optionalplug_mod:make\n",
        {"optionalplug_mod": "def make():\n    return None\n"},
    )
    opener = urlplug.build_opener(plugins=["optionalplug"])
    assert [type(h).__name__ for h in opener.handlers] == ["UnknownHandler"]


def test_native_plugin_with_misspelled_hook_is_reported_and_left_out(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    make_dist(
        "typoplug",
        "[urlplug.handlers]\ntypo = typoplug_mod\n",
        {"typoplug_mod": "import urlplug\n@urlplug.hookimpl\ndef urlplug_opne(request):\n    return None\n"},
    )
    with pytest.warns(PluginLoadWarning, match="typoplug.*urlplug_opne"):
        opener = urlplug.build_opener()
    assert opener.open("fake://h/z").read() == b"classic /z"


def test_scheme_claimed_by_two_distributions_is_reported(make_dist: MakeDist) -> None:
    _classic_dist(make_dist, "fakeplug", "fakeplug_mod")
    _classic_dist(make_dist, "otherfake", "otherfake_mod")
    with pytest.warns(
        PluginConflictWarning, match=r"'fake' is claimed by fakeplug \(FakeHandler\) and otherfake"
    ):
        opener = urlplug.build_opener()
    assert opener.open("fake://h/both").read() == b"classic /both"


def test_a_handler_passed_in_replaces_the_discovered_default_of_its_class(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    fake_handler = urlplug.FakeHandler  # type: ignore[attr-defined]

    class Custom(fake_handler):  # type: ignore[misc, valid-type]
        def fake_open(self, req: urlplug.Request) -> object:
            return super().fake_open(urlplug.Request("fake://custom/"))

    for passed in (Custom, Custom(), fake_handler()):
        opener = urlplug.build_opener(passed)
        fakes = [h for h in opener.handlers if isinstance(h, fake_handler)]
        assert len(fakes) == 1
        assert fakes[0] is passed or type(fakes[0]) is passed


def test_names_exported_by_a_plugin_resolve_lazily(make_dist: MakeDist) -> None:
    _classic_dist(make_dist)
    assert "fakeplug_mod" not in sys.modules
    handler_class = urlplug.FakeHandler  # type: ignore[attr-defined]
    assert handler_class.__module__ == "fakeplug_mod"
    assert "FakeHandler" in dir(urlplug)


def test_a_broken_exported_name_says_which_plugin_failed(make_dist: MakeDist) -> None:
    make_dist(
        "brokennames",
        "[urlplug.names]\nExportedThing = brokennames_mod:Thing\n",
        {"brokennames_mod": "raise ImportError('missing dependency')\n"},
    )
    with (
        pytest.warns(PluginLoadWarning),
        pytest.raises(AttributeError, match=r"brokennames 1\.0, which failed"),
    ):
        urlplug.ExportedThing  # type: ignore[attr-defined]  # noqa: B018


def test_unknown_names_are_plain_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchThing'"):
        urlplug.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(urlplug, "NoSuchThing")


def test_family_name_of_a_missing_distribution_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from urlplug import catalog

    monkeypatch.setitem(catalog.NAME_PROVIDERS, "TelnetHandler", "urlplug-telnet")
    with pytest.raises(
        AttributeError,
        match="provided by the urlplug-telnet plugin, which is not installed: install urlplug-telnet",
    ):
        urlplug.TelnetHandler  # type: ignore[attr-defined]  # noqa: B018


def test_discovery_scans_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[int] = []
    real_scan = discovery._scan

    def counting_scan() -> discovery.Registry:
        scans.append(1)
        return real_scan()

    monkeypatch.setattr(discovery, "_scan", counting_scan)
    monkeypatch.setattr(discovery, "_registry", None)
    urlplug.build_opener()
    urlplug.build_opener()
    discovery.registry()
    assert scans == [1]


def _fresh_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def test_import_urlplug_imports_no_plugin_and_scans_nothing() -> None:
    out = _fresh_python(
        "import sys, urlplug, urlplug.discovery as d; "
        "print(sorted(m for m in sys.modules if m.startswith('urlplug_')), d._registry)"
    )
    assert out == "[] None"


def test_build_opener_imports_only_the_auto_installed_plugins() -> None:
    # urlplug-auth joins with its light URL-credentials processor only, not its auth handlers.
    out = _fresh_python(
        "import sys, urlplug; urlplug.build_opener(); "
        "print(sorted(m for m in sys.modules if m in ('urlplug_auth.basic', 'urlplug_auth.digest', "
        "'urlplug_auth.passwords', 'urlplug_cookies')))"
    )
    assert out == "[]"


def test_build_opener_defers_the_protocol_libraries_until_a_request_needs_them() -> None:
    heavy = ("http.client", "ssl", "ftplib", "email.utils", "mimetypes")
    code = "import sys, urlplug; urlplug.build_opener(); "
    out = _fresh_python(code + f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    assert out == "[]"
