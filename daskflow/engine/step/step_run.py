"""``StepRun``: one step being run (or built), the state its stages share.

Loading inputs, checking types, calling the solid and storing outputs all need the run's
payload, the step, its event emitter, its resources and its upstream steps' results; they
take one ``StepRun`` instead of long argument lists. This module also says which
resources a step needs and builds the ``OutputContext`` an IO manager receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING

from daskflow.engine.planning.plan import CONFIG, DEFAULT, MISSING, NOTHING
from daskflow.engine.process.resources import io_manager_of, run_resources
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.outcome import StepResult
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.io_managers import IOManager, OutputContext

if TYPE_CHECKING:
    from daskflow.definitions.graph import OutputRef
    from daskflow.definitions.io_defs import OutputDefinition
    from daskflow.definitions.solid import SolidDefinition
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.engine.planning.plan import ExecutionStep

__all__ = [
    "StepRun",
    "io_manager_keys",
    "output_context",
    "step_resources",
    "upstream_output_def",
]


@dataclass
class StepRun:
    """A step of a run with its emitter, resources and the results of its upstream steps."""

    payload: RunPayload
    step: ExecutionStep
    emitter: StepEmitter
    resources: SimpleNamespace
    upstream: Mapping[str, StepResult] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        payload: RunPayload,
        step: ExecutionStep,
        emitter: StepEmitter,
        upstream: Mapping[str, StepResult] | None = None,
        solid_resources: bool = True,
    ) -> StepRun:
        """The step with its resources initialised (a failure is the step's ``StepError``).

        Without ``solid_resources`` only its IO managers are (a commit calls no solid).
        """
        resources = step_resources(payload, step, solid_resources)
        return cls(payload, step, emitter, resources, upstream or {})

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def definition(self) -> SolidDefinition:
        return self.step.definition

    def io_manager(self, key: str) -> IOManager:
        """The IO manager under resource ``key``; a resource that is not one fails the step."""
        try:
            return io_manager_of(self.resources, key)
        except DaskflowInvalidDefinitionError as exc:
            raise StepError(f'Step "{self.key}": {exc}', exc) from exc

    def output_context(self, output_def: OutputDefinition) -> OutputContext:
        """The context of one of this step's own outputs in this run."""
        return output_context(self.payload, self.step.key, output_def)


def upstream_output_def(payload: RunPayload, ref: OutputRef) -> OutputDefinition:
    """The definition of the output ``ref`` points at."""
    return payload.pipeline.solid_named(ref.node).definition.output_def_named(ref.output)


def io_manager_keys(payload: RunPayload, step: ExecutionStep) -> set[str]:
    """The IO managers a step uses: its outputs' and those of the outputs it reads."""
    keys = {o.io_manager_key for o in step.definition.output_defs}
    for inp in step.inputs:
        if inp.source not in (NOTHING, CONFIG, DEFAULT, MISSING):
            keys |= {upstream_output_def(payload, ref).io_manager_key for ref in inp.refs}
    return keys


def step_resources(
    payload: RunPayload, step: ExecutionStep, solid_resources: bool = True
) -> SimpleNamespace:
    """The resources a step uses (its own and its IO managers'); a failure is a StepError."""
    keys = io_manager_keys(payload, step)
    if solid_resources:
        keys |= step.definition.required_resource_keys
    try:
        return run_resources(payload, sorted(keys))
    except Exception as exc:
        raise StepError(
            f'Step "{step.key}" could not initialise its resources: {exc}', exc
        ) from exc


def output_context(
    payload: RunPayload,
    solid_name: str,
    output_def: OutputDefinition,
    run_id: str | None = None,
) -> OutputContext:
    """What the IO manager receives for output ``output_def`` of ``solid_name``.

    ``run_id`` is the run that stored it, when that is a parent run (re-execution).
    """
    config = (payload.resolved.resources.get(output_def.io_manager_key) or {}).get("config")
    return OutputContext(
        run_id=run_id or payload.run_id,
        pipeline_name=payload.pipeline_name,
        solid_name=solid_name,
        output_name=output_def.name,
        step_key=solid_name,
        daskflow_type=output_def.daskflow_type,
        resource_config=config,
    )
