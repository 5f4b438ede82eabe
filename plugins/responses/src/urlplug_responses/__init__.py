"""urlplug-responses: urlplug's HTTP(S) requests answered by the active ``responses`` mock.

Installed, :class:`ResponsesHandler` joins every opener and stays inert until a ``responses``
mock is started; then that mock answers every HTTP(S) request of every opener, and nothing goes
to the network but what it passes through. The pytest fixture ``urlplug_responses``
(:mod:`urlplug_responses.pytest_plugin`) yields a started ``responses.RequestsMock``.
"""

from __future__ import annotations

from .handler import ResponsesHandler

__all__ = ["ResponsesHandler"]
