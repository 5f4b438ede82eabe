"""``urlplug.<Name>`` for names exported by plugins, and errors that say what to install."""

from __future__ import annotations

from typing import Any

from .catalog import NAME_PROVIDERS, install_hint
from .discovery import NAMES_GROUP, PluginEntry, entries_of_distribution, registry


class PluginNotInstalledError(AttributeError):
    """A name of the urlplug family was asked for, but the plugin exporting it is not installed."""


def resolve(name: str) -> Any:
    """The object a plugin exports as ``name``; ``AttributeError`` naming the plugin if missing.

    Names of the urlplug family are found in their own distribution even when ``URLPLUG_PLUGINS``
    keeps it out of discovery: asking for a name by hand is an explicit choice.
    """
    if name.startswith("__"):
        raise AttributeError(f"module 'urlplug' has no attribute {name!r}", name=name)
    entry = registry().name(name)
    dist = NAME_PROVIDERS.get(name)
    if entry is None and dist is not None:
        entries = entries_of_distribution(dist)
        if entries is None:
            raise PluginNotInstalledError(
                f"urlplug.{name} is provided by the {dist} plugin, which is not installed: "
                f"{install_hint(dist)}",
                name=name,
            )
        entry = next((e for e in entries if e.group == NAMES_GROUP and e.name == name), None)
    if entry is None:
        raise AttributeError(f"module 'urlplug' has no attribute {name!r}", name=name)
    return _load(entry, name)


def _load(entry: PluginEntry, name: str) -> Any:
    value = entry.load()
    if value is None:
        raise PluginNotInstalledError(
            f"urlplug.{name} comes from {entry.dist} {entry.version}, which failed to load: {entry.error}",
            name=name,
        )
    return value
