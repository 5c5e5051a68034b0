"""The entry points that run pipelines and solids: ``execute_pipeline``, ``execute_solid``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["execute_pipeline", "execute_solid"]


def execute_pipeline(pipeline: Any, run_config: Mapping[str, Any] | None = None,
                     mode: str | None = None, preset: str | None = None,
                     solid_selection: Sequence[str] | None = None, instance: Any = None,
                     raise_on_error: bool = True) -> Any:
    """Run ``pipeline`` and return its result (the engine lands with the next milestone)."""
    raise NotImplementedError("the daskflow engine is not built yet (see the Engine issue)")


def execute_solid(solid_def: Any, input_values: Mapping[str, Any] | None = None,
                  run_config: Mapping[str, Any] | None = None, mode_def: Any = None) -> Any:
    """Run one solid with given inputs (the engine lands with the next milestone)."""
    raise NotImplementedError("the daskflow engine is not built yet (see the Engine issue)")
