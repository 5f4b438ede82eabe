"""Forked children never share their parent's kept-alive connections.

A handler that keeps connections (the HTTP pool, the FTP cache) registers itself here; in the
child of every later fork, its ``forget_after_fork()`` runs and drops the child's copies of the
sockets without talking to the servers, while the parent goes on using them.
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol


class ForgetsAfterFork(Protocol):
    """Something that holds connections it must drop in a forked child."""

    def forget_after_fork(self) -> None: ...


_owners: weakref.WeakSet[ForgetsAfterFork] = weakref.WeakSet()


def forget_in_forked_children(owner: ForgetsAfterFork) -> None:
    """Call ``owner.forget_after_fork()`` in the child of every later fork, for as long as it lives."""
    _owners.add(owner)


def _after_fork_in_child() -> None:
    for owner in list(_owners):
        owner.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
