"""The standard library's own ``urllib.request``, for the small helpers urlplug takes from it.

A program that uses urlplug as a drop-in often aliases it: ``sys.modules["urllib.request"] = urlplug``.
Under that alias ``import urllib.request`` returns urlplug itself, so the helpers (``getproxies``,
``parse_http_list``, ``url2pathname``, …) are read from the standard module loaded from its own file.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import sys
import types


@functools.cache
def urllib_request() -> types.ModuleType:
    """The standard library's ``urllib.request`` module, whatever ``sys.modules`` maps that name to."""
    import urllib

    spec = importlib.machinery.PathFinder.find_spec("urllib.request", urllib.__path__)
    if spec is None or spec.loader is None:  # pragma: no cover - a Python without urllib.request
        raise ImportError("the standard library's urllib.request cannot be found")
    loaded = sys.modules.get("urllib.request")
    if loaded is not None and getattr(loaded.__spec__, "origin", None) == spec.origin:
        return loaded
    if loaded is None:
        import urllib.request

        return urllib.request
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
