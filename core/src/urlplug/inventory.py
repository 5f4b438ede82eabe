"""What the installed plugins provide: distributions, handlers, schemes, stages and order.

Used by ``urlplug plugins``; reading it loads the plugins (never done by ``import urlplug``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ._classic import adapt
from .discovery import HANDLERS_GROUP, NAMES_GROUP, PluginEntry, registry

_STAGES = {
    "urlplug_request": "request",
    "urlplug_open": "open",
    "urlplug_response": "response",
    "urlplug_http_error": "http_error",
    "urlplug_error": "error",
}


def _stages(handler: Any) -> dict[str, list[str]]:
    """Stage -> the schemes, codes or protocols this handler serves there (``*`` for all)."""
    stages: dict[str, list[str]] = defaultdict(list)
    for adapter in adapt(handler):
        key = "*" if adapter.key is None else str(adapter.key)
        stages[_STAGES[adapter.hook_name]].append(key)
    for hook, stage in _STAGES.items():
        if hasattr(getattr(handler, hook, None), "urlplug_impl"):
            stages[stage].extend(sorted(getattr(handler, "schemes", None) or ["*"]))
    return {stage: sorted(set(keys)) for stage, keys in sorted(stages.items())}


def _describe_handler(entry: PluginEntry) -> dict[str, Any]:
    found: dict[str, Any] = {"entry_point": entry.name, "object": entry.value}
    target = entry.load()
    if target is None:
        found["error"] = entry.error
        return found
    if callable(target) and not isinstance(target, type):
        # A factory: ask it what it would install right now.
        target = target()
        if target is None:
            found["active"] = False
            return found
    found["active"] = True
    found["class"] = target.__name__ if isinstance(target, type) else type(target).__name__
    found["order"] = getattr(target, "handler_order", 500)
    found["stages"] = _stages(target)
    return found


def inventory() -> list[dict[str, Any]]:
    """One record per distribution with urlplug entry points, sorted by name."""
    by_dist: dict[str, dict[str, Any]] = {}
    for entry in registry().entries:
        record = by_dist.setdefault(
            entry.dist,
            {"distribution": entry.dist, "version": entry.version, "handlers": [], "names": []},
        )
        if entry.group == HANDLERS_GROUP:
            record["handlers"].append(_describe_handler(entry))
        elif entry.group == NAMES_GROUP:
            record["names"].append(entry.name)
    for record in by_dist.values():
        # Registered to join every default opener; "active" when one would join it right now.
        record["auto_installed"] = bool(record["handlers"])
        record["active"] = any(h.get("active") for h in record["handlers"])
        record["names"].sort()
    return [by_dist[name] for name in sorted(by_dist)]
