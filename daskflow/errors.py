"""The exceptions daskflow raises, in one place for users to catch.

Config and definition errors are raised before anything runs; execution errors name
the failing solid and chain the user's original exception.
"""

from __future__ import annotations

from daskflow.config._errors import DaskflowConfigError, DaskflowInvalidDefinitionError

__all__ = [
    "DaskflowConfigError",
    "DaskflowExecutionError",
    "DaskflowInvalidDefinitionError",
    "DaskflowResourceError",
]


class DaskflowExecutionError(Exception):
    """A run failed; ``solid_name`` names the failing solid, ``__cause__`` is the user's error."""

    def __init__(self, message: str, solid_name: str | None = None, run_id: str | None = None):
        super().__init__(message)
        self.solid_name = solid_name
        self.run_id = run_id


class DaskflowResourceError(Exception):
    """A resource failed to initialise or tear down; the message names the resource key."""

    def __init__(self, message: str, resource_key: str):
        super().__init__(message)
        self.resource_key = resource_key
