"""Deferred exports for plugin packages: public names whose modules load on first use.

A plugin's package is imported when discovery loads its entry points, that is by every
``build_opener()``. Names that pull in heavy libraries (``http.client``, ``ftplib``) can wait until
a program uses them::

    __getattr__ = urlplug.lazy.exports(__name__, {"HTTPResponse": ".response"})
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def exports(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``names[name]`` (a module) on first access."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
