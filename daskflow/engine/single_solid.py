"""``execute_solid`` support: wrap one solid in a pipeline whose inputs are given values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from daskflow.definitions.composition import Invocation, OutputHandle
from daskflow.definitions.events import Output
from daskflow.definitions.io_defs import OutputDefinition
from daskflow.definitions.mode import ModeDefinition, deep_merge
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.solid import SolidDefinition
from daskflow.io_managers import mem_io_manager

__all__ = ["single_solid_pipeline"]


def _value_solid(name: str, value: Any) -> SolidDefinition:
    def give(_: Any) -> Any:
        yield Output(value)

    return SolidDefinition(f"{name}_value", give, output_defs=[OutputDefinition()])


def single_solid_pipeline(
    solid_def: SolidDefinition,
    input_values: Mapping[str, Any],
    run_config: Mapping[str, Any] | None,
    mode_def: ModeDefinition | None,
) -> tuple[PipelineDefinition, dict[str, Any]]:
    """A pipeline of ``solid_def`` fed by one solid per given input value, and its config
    (in-process execution unless ``run_config`` says otherwise)."""
    invocations = []
    inputs = {}
    for name, value in input_values.items():
        value_def = _value_solid(f"{solid_def.name}_input_{name}", value)
        invocations.append(Invocation(value_def.name, value_def))
        inputs[name] = OutputHandle(value_def.name, "result")
    invocations.append(Invocation(solid_def.name, solid_def, inputs))
    mode_def = mode_def or ModeDefinition()
    resources = dict(mode_def.resource_defs)
    if mode_def.uses_default_io_manager:  # values stay in memory unless the user chose
        resources["io_manager"] = mem_io_manager
    mode = ModeDefinition(mode_def.name, resources, mode_def.description)
    pipeline = PipelineDefinition(
        f"{solid_def.name}_solid_pipeline", mode_defs=[mode], invocations=invocations
    )
    defaults: dict[str, Any] = {"execution": {"in_process": {}}}
    return pipeline, deep_merge(defaults, dict(run_config or {}))
