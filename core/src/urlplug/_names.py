"""``urlplug.<Name>`` for names exported by plugins, and errors that say what to install."""

from __future__ import annotations

from typing import Any

from .catalog import NAME_PROVIDERS, install_hint
from .discovery import registry


class PluginNotInstalledError(AttributeError):
    """A name of the urlplug family was asked for, but the plugin exporting it is not installed."""


def resolve(name: str) -> Any:
    """The object a plugin exports as ``name``; ``AttributeError`` naming the plugin if missing."""
    if not name.startswith("__"):
        entry = registry().name(name)
        if entry is not None:
            value = entry.load()
            if value is not None:
                return value
            raise PluginNotInstalledError(
                f"urlplug.{name} comes from {entry.dist} {entry.version}, which failed to load: {entry.error}",
                name=name,
            )
        dist = NAME_PROVIDERS.get(name)
        if dist is not None:
            raise PluginNotInstalledError(
                f"urlplug.{name} is provided by the {dist} plugin, which is not installed: {install_hint(dist)}",
                name=name,
            )
    raise AttributeError(f"module 'urlplug' has no attribute {name!r}", name=name)
