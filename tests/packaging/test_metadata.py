"""The seven distributions' metadata agree: license, authors, addresses, classifiers, versions, core range.

Read from each ``pyproject.toml`` (what a build turns into metadata); ``scripts/build-check`` checks the
built artefacts themselves.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import urlplug

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
PLUGINS = sorted(path.parent for path in ROOT.glob("plugins/*/pyproject.toml"))
DISTRIBUTIONS = [CORE, *PLUGINS]

REQUIRED_CLASSIFIERS = {
    "Operating System :: OS Independent",
    "Programming Language :: Python :: 3 :: Only",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
    "Topic :: Internet :: WWW/HTTP",
    "Typing :: Typed",
}


def project(folder: Path) -> dict[str, Any]:
    """The ``[project]`` table of a distribution's ``pyproject.toml``."""
    table: dict[str, Any] = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    return table


def folder_id(folder: Path) -> str:
    return folder.relative_to(ROOT).as_posix()


def test_every_plugin_folder_is_a_distribution() -> None:
    assert [project(folder)["name"] for folder in PLUGINS] == [f"urlplug-{folder.name}" for folder in PLUGINS]
    assert len(PLUGINS) >= 6


@pytest.mark.parametrize("folder", DISTRIBUTIONS, ids=folder_id)
def test_license_file_is_the_root_license(folder: Path) -> None:
    meta = project(folder)
    assert meta["license"] == "MIT"
    assert meta["license-files"] == ["LICENSE"]
    assert (folder / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes(), (
        f"{folder_id(folder)}/LICENSE differs from the root LICENSE: copy it over"
    )
    # PEP 639: the license expression replaces the License :: classifiers, which are deprecated.
    assert not [c for c in meta["classifiers"] if c.startswith("License ::")]


@pytest.mark.parametrize("folder", DISTRIBUTIONS, ids=folder_id)
def test_metadata_is_complete(folder: Path) -> None:
    meta = project(folder)
    assert meta["readme"] == "README.md"
    readme = (folder / "README.md").read_text()
    assert readme.startswith(f"# {meta['name']}\n")
    assert "https://urlplug.readthedocs.io" in readme
    assert not re.search(r"\]\((?!https?://|#)", readme), "links in a README must be absolute"
    assert meta["description"]
    assert meta["keywords"]
    assert set(meta["classifiers"]) >= REQUIRED_CLASSIFIERS
    assert any(c.startswith("Development Status ::") for c in meta["classifiers"])


@pytest.mark.parametrize("field", ["authors", "urls", "requires-python"])
def test_shared_fields_agree(field: str) -> None:
    values = {folder_id(folder): project(folder)[field] for folder in DISTRIBUTIONS}
    assert all(value == values["core"] for value in values.values()), values
    if field == "urls":
        assert set(values["core"]) == {"Homepage", "Documentation", "Repository", "Issues", "Changelog"}


def test_core_version_comes_from_dunder_version() -> None:
    pyproject = tomllib.loads((CORE / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    source = CORE / pyproject["tool"]["hatch"]["version"]["path"]
    assert source == Path(urlplug.__file__)
    assert re.search(r'^__version__ = "([^"]+)"$', source.read_text(), re.M)
    installed = importlib.metadata.version("urlplug")
    assert installed == urlplug.__version__, "metadata is stale: reinstall core/ (pip install -e core)"


@pytest.mark.parametrize("folder", PLUGINS, ids=folder_id)
def test_plugin_declares_the_core_range(folder: Path) -> None:
    core = Version(urlplug.__version__)
    requirements = [Requirement(r) for r in project(folder)["dependencies"]]
    (on_core,) = [r for r in requirements if r.name == "urlplug"]
    bounds = {spec.operator: Version(spec.version) for spec in on_core.specifier}
    assert set(bounds) == {">=", "<"}, f"{on_core}: want urlplug>=X.Y,<X+1"
    assert bounds["<"] == Version(str(bounds[">="].major + 1))
    assert core in on_core.specifier, f"{on_core} excludes the core's own version {core}"


def test_all_extra_installs_every_plugin() -> None:
    extra = [Requirement(r).name for r in project(CORE)["optional-dependencies"]["all"]]
    names = {project(folder)["name"] for folder in PLUGINS}
    assert sorted(extra) == sorted(names), "add every plugins/* distribution to urlplug[all] in core/"
    assert set(urlplug.BUILTIN_PLUGINS) <= names


def test_changelog_describes_the_current_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{urlplug.__version__}]" in changelog


@pytest.mark.parametrize("folder", PLUGINS, ids=folder_id)
def test_plugin_has_a_documentation_page(folder: Path) -> None:
    page = ROOT / "docs" / "plugins" / f"{folder.name}.md"
    assert page.is_file(), f"add {page.relative_to(ROOT)} including {folder_id(folder)}/README.md"
    assert f'--8<-- "{folder_id(folder)}/README.md"' in page.read_text()
    assert f"plugins/{folder.name}.md" in (ROOT / "mkdocs.yml").read_text(), (
        "add the page to mkdocs.yml's nav"
    )
