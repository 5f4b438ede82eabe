"""Finding installed plugins through entry points: once per process, lazily, with clear reports.

Two entry-point groups:

``urlplug.handlers``
    Handlers that join every opener ``build_opener()`` makes. The object is either callable (a
    handler class or a factory, called with no arguments; a factory may return ``None`` to stay
    out, as ``urlplug-proxy`` does when no proxy is configured) or a native plugin object or module
    used as it is.
``urlplug.names``
    Public names: each entry ``Name = module:attr`` makes ``urlplug.Name`` resolve to that object.

``URLPLUG_PLUGINS`` restricts discovery to a comma-separated list of distributions (without
scanning the environment); set to an empty string it turns discovery off.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import TYPE_CHECKING, Any

from . import entrypoints

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .entrypoints import EntryPoint

HANDLERS_GROUP = "urlplug.handlers"
NAMES_GROUP = "urlplug.names"
ENV_PLUGINS = "URLPLUG_PLUGINS"
_GROUPS = (HANDLERS_GROUP, NAMES_GROUP)


class PluginWarning(UserWarning):
    """Something is wrong with an installed plugin; the program goes on without that part."""


class PluginLoadWarning(PluginWarning):
    """An installed plugin failed to load and was left out."""


class PluginConflictWarning(PluginWarning):
    """Two installed plugins claim the same URL scheme at the same ``handler_order``."""


class PluginEntry:
    """One entry point of an installed urlplug plugin: ``group``, ``name``, ``value``, ``dist``, ``version``.

    ``error`` holds why it failed to load, if it did.
    """

    __slots__ = ("_loaded", "dist", "entry_point", "error", "group", "name", "value", "version")

    def __init__(self, group: str, name: str, value: str, dist: str, version: str, entry_point: EntryPoint):
        self.group = group
        self.name = name
        self.value = value
        self.dist = dist
        self.version = version
        self.entry_point = entry_point
        self._loaded: Any = None
        self.error: str | None = None

    def __repr__(self) -> str:
        return f"<PluginEntry {self.group} {self.name}={self.value} from {self.dist} {self.version}>"

    def load(self) -> Any:
        """Import and return the object; ``None`` (with a ``PluginLoadWarning``) if that fails."""
        if self._loaded is None and self.error is None:
            try:
                self._loaded = self.entry_point.load()
            except Exception as exc:  # a broken plugin must not take the program down
                self.fail(exc)
        return self._loaded

    def fail(self, exc: BaseException) -> None:
        """Record that this plugin failed and warn, naming it and its distribution."""
        self.error = f"{type(exc).__name__}: {exc}"
        warnings.warn(
            f"urlplug plugin {self.name!r} ({self.value}) from {self.dist} {self.version} "
            f"failed to load and was left out: {self.error}",
            PluginLoadWarning,
            stacklevel=3,
        )


class Registry:
    """The urlplug entry points of the installed (or allowed) distributions."""

    def __init__(self, entries: list[PluginEntry]) -> None:
        self.entries = entries
        self._names = {e.name: e for e in entries if e.group == NAMES_GROUP}

    def handlers(self, plugins: Iterable[str] | None = None) -> list[PluginEntry]:
        """Entries of ``urlplug.handlers``, from the distributions named in ``plugins`` if given."""
        allowed = None if plugins is None else {_normalize(p) for p in plugins}
        return [
            e
            for e in self.entries
            if e.group == HANDLERS_GROUP and (allowed is None or _normalize(e.dist) in allowed)
        ]

    def name(self, attr: str) -> PluginEntry | None:
        """The ``urlplug.names`` entry exporting ``attr``, if an installed plugin has one."""
        return self._names.get(attr)


_normalize = entrypoints.normalize


def _entries_of(dist: entrypoints.Distribution) -> list[PluginEntry]:
    return [PluginEntry(ep.group, ep.name, ep.value, dist.name, dist.version, ep) for ep in dist.entry_points]


def entries_of_distribution(name: str) -> list[PluginEntry] | None:
    """The urlplug entry points of one installed distribution (``None`` if it is not installed)."""
    dist = entrypoints.distribution(name, _GROUPS)
    return None if dist is None else _entries_of(dist)


def _scan() -> Registry:
    allowlist = os.environ.get(ENV_PLUGINS)
    entries: list[PluginEntry] = []
    if allowlist is None:
        for dist in entrypoints.distributions(_GROUPS):
            entries.extend(_entries_of(dist))
    else:
        for wanted in filter(None, (p.strip() for p in allowlist.split(","))):
            found = entries_of_distribution(wanted)
            if found is None:
                warnings.warn(
                    f"{ENV_PLUGINS} names {wanted!r}, which is not installed", PluginLoadWarning, stacklevel=2
                )
            else:
                entries.extend(found)
    entries.sort(key=lambda e: (e.group, _normalize(e.dist), e.name))
    return Registry(entries)


_registry: Registry | None = None
_registry_lock = threading.Lock()


def registry() -> Registry:
    """The process-wide registry, scanned on first use and kept."""
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = _scan()
    return _registry


def rescan() -> Registry:
    """Forget what was discovered and scan again (after installing a plugin at run time)."""
    global _registry
    with _registry_lock:
        _registry = _scan()
    return _registry
