"""Which ``responses`` mock is active: the one place that relies on how ``responses`` works inside.

``responses`` has no public way to ask whether a mock is running. A started ``RequestsMock``
patches its ``target`` (by default ``requests.adapters.HTTPAdapter.send``) with the function its
``unbound_on_send()`` returns, a closure over the mock; nested mocks stack their patches, and the
innermost one answers. ``tests/responses/test_active.py`` pins this behaviour, so that a release of
``responses`` that changes it fails there, loudly, rather than letting requests reach the network.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import responses

__all__ = ["active_mock"]


def active_mock() -> responses.RequestsMock | None:
    """The ``responses.RequestsMock`` that answers ``requests`` right now, or ``None``.

    Cheap when no mock runs: without ``responses`` imported none can, and otherwise it is one
    attribute lookup. Raises ``RuntimeError`` when ``responses`` has patched ``requests`` in a way
    this function does not know, rather than letting requests reach the network. Mocks started
    with a ``target`` other than ``requests``' ``HTTPAdapter.send`` do not mock ``requests``, and
    are not seen here either.
    """
    module = sys.modules.get("responses")
    if module is None:
        return None
    # Imported by responses; looked up rather than imported, which costs microseconds per request.
    adapters = sys.modules["requests.adapters"]
    send = adapters.HTTPAdapter.__dict__.get("send")
    for cell in getattr(send, "__closure__", None) or ():
        try:
            mock = cell.cell_contents
        except ValueError:  # an empty cell, in some other library's patch
            continue
        if isinstance(mock, module.RequestsMock):
            found: responses.RequestsMock = mock
            return found
    if getattr(send, "__module__", None) == module.__name__:
        # responses patched requests, but not as this function knows: never let requests through.
        raise RuntimeError(_unknown_release())
    return None


def _unknown_release() -> str:
    from importlib.metadata import version

    return (
        f"a responses mock is active, but urlplug-responses cannot find it in responses "
        f"{version('responses')}; install a release that urlplug-responses supports "
        f"(see its requirements) or a newer urlplug-responses"
    )
