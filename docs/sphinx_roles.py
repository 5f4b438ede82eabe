"""A griffe extension for the documentation site: Sphinx roles in docstrings become cross-references.

urlplug's docstrings name other objects with Sphinx roles (:class:`~urlplug.Request`, :meth:`add_header`),
which read well in ``help()`` and editors; mkdocstrings renders Markdown. Each role becomes an autorefs
link to the object it names, resolved from the class or module the docstring belongs to, as Sphinx
would. ``mkdocs build --strict`` then fails on a role naming an object the site does not document.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["SphinxRoles"]

_ROLE = re.compile(r":(?:func|class|meth|attr|mod|exc|data|obj):`(?P<short>~?)(?P<name>\.?[\w.]+)`")


def _qualified(obj: griffe.Object, name: str) -> str:
    """The full path of ``name`` as seen from ``obj``: its own members first, then outwards."""
    if name.startswith("."):
        return obj.package.path + name
    first = name.split(".", 1)[0]
    scope: griffe.Object | None = obj if (obj.is_class or obj.is_module) else obj.parent
    while scope is not None:
        if first in scope.members:
            return f"{scope.path}.{name}"
        scope = scope.parent
    return name


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`target``` in every docstring as ``[`title`][full.path]``."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        docstring = obj.docstring
        if docstring is None or ":`" not in docstring.value:
            return

        def link(match: re.Match[str]) -> str:
            name = match["name"]
            title = name.rsplit(".", 1)[-1] if match["short"] else name.lstrip(".")
            return f"[`{title}`][{_qualified(obj, name)}]"

        docstring.value = _ROLE.sub(link, docstring.value)
