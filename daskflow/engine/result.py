"""What ``execute_pipeline`` returns: success, run id, events, and each solid's outputs.

Output values carried in the graph are returned as they are; values stored by an IO
manager are loaded through it, on demand, in the calling process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from daskflow.engine.process.resources import io_manager_of
from daskflow.engine.step.outcome import StepResult
from daskflow.engine.step.step_run import output_context
from daskflow.events import DaskflowEventType, EventRecord, StepStatus
from daskflow.io_managers import InputContext
from daskflow.resources import build_resources

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload

__all__ = ["PipelineExecutionResult", "SolidExecutionResult"]


class SolidExecutionResult:
    """One solid's outcome in a run."""

    def __init__(self, run_result: PipelineExecutionResult, solid_name: str):
        self._run = run_result
        self.solid_name = solid_name
        self.step_result = run_result.step_results.get(solid_name)

    @property
    def success(self) -> bool:
        return self.step_result is not None and self.step_result.success

    @property
    def skipped(self) -> bool:
        """Skipped, or not run because the run was canceled."""
        return self.step_result is not None and self.step_result.status in (
            StepStatus.SKIPPED,
            StepStatus.CANCELED,
        )

    @property
    def events(self) -> list[EventRecord]:
        return [e for e in self._run.events if e.step_key == self.solid_name]

    @property
    def materializations(self) -> list[EventRecord]:
        return [e for e in self.events if e.event_type == DaskflowEventType.ASSET_MATERIALIZATION]

    @property
    def failure_data(self) -> dict[str, Any] | None:
        for event in self.events:
            if event.event_type == DaskflowEventType.STEP_FAILURE:
                error: dict[str, Any] | None = event.data.get("error")
                return error
        return None

    def output_value(self, output_name: str = "result") -> Any:
        """The value of an output; loaded through its IO manager when it was stored."""
        result = self.step_result
        if result is None or not result.has_output(output_name):
            raise ValueError(
                f'solid "{self.solid_name}" produced no output "{output_name}" in '
                f"run {self._run.run_id} (status: "
                f"{result.status if result else 'not run'})"
            )
        if output_name in result.values:
            return result.values[output_name]
        return self._run.load_stored_output(self.solid_name, output_name)


class PipelineExecutionResult:
    """A run's outcome: ``success``, its events, and each solid's result and outputs."""

    def __init__(
        self,
        payload: RunPayload,
        success: bool,
        events: list[EventRecord],
        step_results: dict[str, StepResult],
    ):
        self._payload = payload
        self.pipeline = payload.pipeline
        self.run_id = payload.run_id
        self.success = success
        self.events = events
        self.step_results = step_results

    @property
    def secrets(self) -> frozenset[str]:
        """The values read through ``{env: ...}`` in this run (masked in what it reports)."""
        return self._payload.resolved.secrets

    @property
    def event_types(self) -> list[DaskflowEventType]:
        return [e.event_type for e in self.events]

    def result_for_solid(self, name: str) -> SolidExecutionResult:
        self.pipeline.solid_named(name)  # raises a clear KeyError for unknown names
        return SolidExecutionResult(self, name)

    def output_for_solid(self, name: str, output_name: str = "result") -> Any:
        return self.result_for_solid(name).output_value(output_name)

    @property
    def solid_result_list(self) -> list[SolidExecutionResult]:
        return [SolidExecutionResult(self, k) for k in self.step_results]

    def load_stored_output(self, solid_name: str, output_name: str) -> Any:
        """An output stored by its IO manager, loaded in this process."""
        payload = self._payload
        output_def = payload.pipeline.solid_named(solid_name).definition.output_def_named(
            output_name
        )
        key = output_def.io_manager_key
        with build_resources(
            payload.resource_defs,
            payload.resolved.resources,
            [key],
            payload.run_id,
            storage_dir=payload.storage_dir,
        ) as resources:
            up = output_context(payload, solid_name, output_def)
            context = InputContext(
                input_name=output_name,
                solid_name=solid_name,
                upstream_output=up,
                daskflow_type=output_def.daskflow_type,
                resource_config=up.resource_config,
            )
            return io_manager_of(resources, key).load_input(context)

    def __repr__(self) -> str:
        return f"<PipelineExecutionResult run={self.run_id} success={self.success}>"
