"""The entry-point reader: the entry_points.txt format, folder kinds, and which copy wins."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from urlplug import entrypoints
from urlplug.entrypoints import EntryPoint

GROUPS = ("urlplug.handlers", "urlplug.names")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[list[Path]]:
    """Two fresh folders at the front of sys.path."""
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in reversed(folders):
        folder.mkdir()
        sys.path.insert(0, str(folder))
    yield folders
    for folder in folders:
        sys.path.remove(str(folder))


def _dist(folder: Path, dirname: str, entry_points: str, metadata: str | None = None) -> None:
    info = folder / dirname
    info.mkdir()
    (info / "entry_points.txt").write_text(entry_points)
    if metadata is not None:
        (info / ("PKG-INFO" if dirname.endswith(".egg-info") else "METADATA")).write_text(metadata)


def test_parses_only_the_asked_groups_and_skips_comments(site: list[Path]) -> None:
    _dist(
        site[0],
        "ep_one-1.2.dist-info",
        "# comment\n[console_scripts]\nx = y:z\n\n[urlplug.handlers]\n; also a comment\n"
        "one = ep_one.mod:Handler [extra]\nnative=ep_one.plugin\n",
        "Metadata-Version: 2.1\nName: EP-One\nVersion: 1.2\n\nlong description: Name: nope\n",
    )
    dist = entrypoints.distribution("ep-one", GROUPS)
    assert dist is not None
    assert (dist.name, dist.version) == ("EP-One", "1.2")
    assert dist.entry_points == [
        EntryPoint("urlplug.handlers", "one", "ep_one.mod:Handler [extra]"),
        EntryPoint("urlplug.handlers", "native", "ep_one.plugin"),
    ]


def test_name_lookup_is_normalized(site: list[Path]) -> None:
    _dist(
        site[0], "Ep_Two-3.0.dist-info", "[urlplug.names]\nX = json:dumps\n", "Name: Ep_Two\nVersion: 3.0\n"
    )
    for spelling in ("ep-two", "EP_TWO", "ep.two"):
        found = entrypoints.distribution(spelling, GROUPS)
        assert found is not None
        assert found.name == "Ep_Two"


def test_first_copy_on_sys_path_wins(site: list[Path]) -> None:
    _dist(
        site[0], "ep_dup-2.0.dist-info", "[urlplug.names]\nnew = json:dumps\n", "Name: ep-dup\nVersion: 2.0\n"
    )
    _dist(
        site[1], "ep_dup-1.0.dist-info", "[urlplug.names]\nold = json:loads\n", "Name: ep-dup\nVersion: 1.0\n"
    )
    found = [d for d in entrypoints.distributions(GROUPS) if d.name == "ep-dup"]
    assert [(d.version, d.entry_points[0].name) for d in found] == [("2.0", "new")]


def test_egg_info_folders_are_read(site: list[Path]) -> None:
    _dist(site[0], "ep_egg.egg-info", "[urlplug.handlers]\negg = json\n", "Name: ep-egg\nVersion: 0.9\n")
    dist = entrypoints.distribution("ep-egg", GROUPS)
    assert dist is not None
    assert (dist.name, dist.version, [e.name for e in dist.entry_points]) == ("ep-egg", "0.9", ["egg"])


def test_version_falls_back_to_the_folder_name(site: list[Path]) -> None:
    _dist(site[0], "ep_nometa-4.5.dist-info", "[urlplug.names]\nX = json:dumps\n")
    dist = entrypoints.distribution("ep-nometa", GROUPS)
    assert dist is not None
    assert (dist.name, dist.version) == ("ep_nometa", "4.5")


def test_distribution_without_urlplug_groups_is_installed_but_empty(site: list[Path]) -> None:
    _dist(site[0], "ep_other-1.0.dist-info", "[console_scripts]\nx = y:z\n", "Name: ep-other\nVersion: 1.0\n")
    dist = entrypoints.distribution("ep-other", GROUPS)
    assert dist is not None
    assert dist.entry_points == []
    assert "ep-other" not in [d.name for d in entrypoints.distributions(GROUPS)]
    assert entrypoints.distribution("not-installed-anywhere", GROUPS) is None


def test_load_imports_module_and_attribute_path() -> None:
    import json.decoder

    assert EntryPoint("g", "n", "json.decoder:JSONDecoder.decode").load() is json.decoder.JSONDecoder.decode
    assert EntryPoint("g", "n", "json").load() is sys.modules["json"]
    assert EntryPoint("g", "n", "json:dumps [extra]").load() is sys.modules["json"].dumps


def test_load_of_a_missing_module_raises_import_error() -> None:
    with pytest.raises(ImportError):
        EntryPoint("g", "n", "no_such_module_anywhere:X").load()
