"""Reading entry points of installed distributions, cheaply.

``importlib.metadata`` costs about as much to import as all of ``urllib.request`` and parses every
distribution's metadata; discovery only needs the ``urlplug.*`` groups. This reader lists the
``*.dist-info`` / ``*.egg-info`` folders on ``sys.path`` (first one of a name wins, as with
``importlib.metadata``), opens ``entry_points.txt`` only where it mentions ``[urlplug``, and reads a
distribution's name and version only for those.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from importlib import import_module
from typing import Any, NamedTuple

_SUFFIXES = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    """One ``name = value`` line of a distribution's ``entry_points.txt``."""

    group: str
    name: str
    value: str

    def load(self) -> Any:
        """Import ``module`` and return ``module:attr.path`` (or the module itself)."""
        module_name, _, attrs = self.value.partition(":")
        target: Any = import_module(module_name.strip())
        for attr in filter(None, attrs.split("[")[0].strip().split(".")):
            target = getattr(target, attr)
        return target


class Distribution(NamedTuple):
    """An installed distribution that declares entry points in ``groups``."""

    name: str
    version: str
    entry_points: list[EntryPoint]


def normalize(name: str) -> str:
    """PEP 503 normalisation: ``Urlplug_HTTP`` and ``urlplug-http`` are the same distribution."""
    return name.lower().replace("_", "-").replace(".", "-")


def _metadata_folders() -> Iterator[tuple[str, str]]:
    """(normalized name, folder path) of every distribution on sys.path, first occurrence only."""
    seen: set[str] = set()
    for entry in sys.path:
        directory = entry or "."
        try:
            names = os.listdir(directory)
        except OSError:  # zip files and missing folders hold no metadata folders we read
            continue
        for name in names:
            if name.endswith(_SUFFIXES):
                key = normalize(name.rsplit(".", 1)[0].split("-", 1)[0])
                if key not in seen:
                    seen.add(key)
                    yield key, os.path.join(directory, name)


def _parse(text: str, groups: tuple[str, ...]) -> list[EntryPoint]:
    found = []
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            group = line[1:-1].strip()
        elif group in groups and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(group, name.strip(), value.strip()))
    return found


def _name_and_version(folder: str) -> tuple[str, str]:
    for metadata in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, metadata), encoding="utf-8") as file:
                fields: dict[str, str] = {}
                for line in file:
                    if not line.strip():
                        break
                    key, _, value = line.partition(":")
                    if key in ("Name", "Version"):
                        fields.setdefault(key, value.strip())
                return fields.get("Name", "?"), fields.get("Version", "?")
        except OSError:
            continue
    stem = os.path.basename(folder).rsplit(".", 1)[0].split("-")
    return stem[0], stem[1] if len(stem) > 1 else "?"


def _read(folder: str, groups: tuple[str, ...]) -> Distribution | None:
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as file:
            text = file.read()
    except OSError:
        return None
    if not any(f"[{group}]" in text for group in groups):
        return None
    name, version = _name_and_version(folder)
    return Distribution(name, version, _parse(text, groups))


def distributions(groups: tuple[str, ...]) -> list[Distribution]:
    """Every installed distribution with entry points in one of ``groups``."""
    found = (_read(folder, groups) for _, folder in _metadata_folders())
    return [dist for dist in found if dist is not None]


def distribution(name: str, groups: tuple[str, ...]) -> Distribution | None:
    """The installed distribution ``name`` with its entry points in ``groups``; ``None`` if absent.

    A distribution that is installed but declares none of ``groups`` has an empty list.
    """
    wanted = normalize(name)
    for key, folder in _metadata_folders():
        if key == wanted:
            dist = _read(folder, groups)
            return dist or Distribution(*_name_and_version(folder), [])
    return None
