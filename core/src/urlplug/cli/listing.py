"""``urlplug plugins`` (what is installed, handler by handler) and ``urlplug --version``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

__all__ = ["plugins_command", "version_command"]


def version_command() -> int:
    """Print urlplug's version, Python's, and each installed plugin distribution with its version."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__
    from ..discovery import registry

    print(f"urlplug {__version__} (Python {sys.version.split()[0]})")
    plugins = sorted({(entry.dist, entry.version) for entry in registry().entries})
    print("plugins: " + (", ".join(f"{dist} {ver}" for dist, ver in plugins) or "none"))
    try:
        print(f"progress bar: tqdm {version('tqdm')}")
    except PackageNotFoundError:
        print("progress bar: none (pip install 'urlplug[cli]')")
    return 0


def _format_stages(stages: dict[str, list[str]]) -> str:
    return "; ".join(f"{stage} {','.join(keys)}" for stage, keys in stages.items())


def plugins_command(argv: Sequence[str]) -> int:
    """``urlplug plugins [--json]``: every installed plugin, its handlers, schemes, stages and order."""
    parser = argparse.ArgumentParser(prog="urlplug plugins", description="List installed urlplug plugins.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    from ..inventory import inventory

    records = inventory()
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if not records:
        print("no urlplug plugins installed")
    for record in records:
        if not record["auto_installed"]:
            auto = "names only"
        else:
            auto = "auto-installed" if record["active"] else "auto-installed when configured, inactive here"
        print(f"{record['distribution']} {record['version']} ({auto})")
        for handler in record["handlers"]:
            if "error" in handler:
                print(f"  {handler['entry_point']}: FAILED TO LOAD: {handler['error']}")
            elif not handler["active"]:
                print(f"  {handler['entry_point']}: inactive here ({handler['object']})")
            else:
                stages = _format_stages(handler["stages"])
                print(f"  {handler['class']:<26} order {handler['order']:<4} {stages}")
        if record["names"]:
            print(f"  exports: {', '.join(record['names'])}")
    return 0
