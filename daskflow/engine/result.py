"""What ``execute_pipeline`` returns: success, run id, events, and each solid's outputs.

The API is Dagster's: ``result_for_solid`` (a composite gives a composite result whose
outputs are its mapped outputs), ``result_for_handle("comp.inner")``, ``output_values``,
``materializations_during_compute``, ``event_list``, ``events_by_step_key`` ... A step's
key is its flat solid name (``comp.inner``), without Dagster's ``.compute`` suffix.

Output values carried in the graph are returned as they are; values stored by an IO
manager are loaded through it, on demand, in the calling process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import InputMappingHandle, OutputHandle
from daskflow.definitions.events import AssetMaterialization, ExpectationResult
from daskflow.definitions.graph import SolidNode
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.process.resources import io_manager_of
from daskflow.engine.step.outcome import StepResult
from daskflow.engine.step.step_run import output_context
from daskflow.events import DaskflowEventType, EventRecord
from daskflow.io_managers import InputContext
from daskflow.metadata import EventMetadataEntry
from daskflow.resources import build_resources

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload

__all__ = [
    "CompositeSolidExecutionResult",
    "ErrorInfo",
    "PipelineExecutionResult",
    "SolidExecutionResult",
    "StepFailureData",
]

E = DaskflowEventType


@dataclass(frozen=True)
class ErrorInfo:
    """A step's error as Dagster shows it: ``message`` ("Type: text"), ``stack``, ``cls_name``."""

    message: str
    stack: str
    cls_name: str


@dataclass(frozen=True)
class UserFailureData:
    """What a solid's ``raise Failure(...)`` said."""

    description: str | None
    metadata_entries: tuple[EventMetadataEntry, ...]


class StepFailureData(Mapping[str, Any]):
    """A STEP_FAILURE's error: the event's data (``type``, ``message``, ``traceback``,
    ``metadata_entries``) as a mapping, and Dagster's ``error`` / ``user_failure_data``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def error(self) -> ErrorInfo:
        cls_name = str(self._data.get("type", ""))
        message = f"{cls_name}: {self._data.get('message', '')}\n"
        return ErrorInfo(message, str(self._data.get("traceback", "")), cls_name)

    @property
    def user_failure_data(self) -> UserFailureData | None:
        """Set when the solid raised ``Failure``."""
        if self._data.get("type") != "Failure":
            return None
        entries = tuple(EventMetadataEntry.from_dict(e) for e in self._data["metadata_entries"])
        return UserFailureData(self._data.get("message"), entries)


def _entries(event: EventRecord) -> list[EventMetadataEntry]:
    return [EventMetadataEntry.from_dict(e) for e in event.data.get("metadata_entries", ())]


class SolidExecutionResult:
    """One solid's outcome in a run (``solid_name`` is its flat name, ``comp.inner``)."""

    def __init__(self, run_result: PipelineExecutionResult, solid_name: str):
        self._run = run_result
        self.solid_name = solid_name
        self.solid: SolidNode = run_result.pipeline.solid_named(solid_name)
        self.step_result = run_result.step_results.get(solid_name)

    @property
    def handle(self) -> str:
        return self.solid_name

    @property
    def events(self) -> list[EventRecord]:
        return [e for e in self._run.events if e.step_key == self.solid_name]

    step_events = events
    compute_step_events = events

    def _of_type(self, event_type: DaskflowEventType) -> list[EventRecord]:
        return [e for e in self.events if e.event_type == event_type]

    @property
    def success(self) -> bool:
        """The step's last outcome is a success (a coordinator may fail a step after its
        task succeeded, e.g. when its in-memory output could not be sent back)."""
        ends = (E.STEP_SUCCESS, E.STEP_FAILURE, E.STEP_SKIPPED)
        outcomes = [e.event_type for e in self.events if e.event_type in ends]
        return bool(outcomes) and outcomes[-1] == E.STEP_SUCCESS

    @property
    def skipped(self) -> bool:
        """Skipped, or not run because the run was canceled."""
        return bool(self._of_type(E.STEP_SKIPPED))

    @property
    def materializations(self) -> list[EventRecord]:
        return self._of_type(E.ASSET_MATERIALIZATION)

    materialization_events_during_compute = materializations

    @property
    def materializations_during_compute(self) -> list[AssetMaterialization]:
        return [
            AssetMaterialization(e.data["asset_key"], e.data.get("description"), _entries(e))
            for e in self.materializations
        ]

    @property
    def expectation_events_during_compute(self) -> list[EventRecord]:
        return self._of_type(E.STEP_EXPECTATION_RESULT)

    @property
    def expectation_results_during_compute(self) -> list[ExpectationResult]:
        return [
            ExpectationResult(
                e.data["success"],
                e.data.get("label"),
                e.data.get("description"),
                tuple(_entries(e)),
            )
            for e in self.expectation_events_during_compute
        ]

    @property
    def input_events_during_compute(self) -> list[EventRecord]:
        return self._of_type(E.STEP_INPUT)

    @property
    def compute_input_event_dict(self) -> dict[str, EventRecord]:
        return {e.data["input_name"]: e for e in self.input_events_during_compute}

    @property
    def output_events_during_compute(self) -> list[EventRecord]:
        return self._of_type(E.STEP_OUTPUT)

    @property
    def compute_step_failure_event(self) -> EventRecord | None:
        failures = self._of_type(E.STEP_FAILURE)
        return failures[0] if failures else None

    @property
    def failure_data(self) -> StepFailureData | None:
        event = self.compute_step_failure_event
        return None if event is None else StepFailureData(event.data.get("error") or {})

    @property
    def retry_attempts(self) -> int:
        return len(self._of_type(E.STEP_UP_FOR_RETRY))

    @property
    def output_values(self) -> dict[str, Any]:
        """Every output the solid produced, by name."""
        result = self.step_result
        if result is None:
            return {}
        names = [o.name for o in self.solid.definition.output_defs if result.has_output(o.name)]
        return {name: self.output_value(name) for name in names}

    def output_value(self, output_name: str = "result") -> Any:
        """The value of an output; loaded through its IO manager when it was stored."""
        result = self.step_result
        if not self.solid.definition.has_output(output_name):
            names = ", ".join(o.name for o in self.solid.definition.output_defs) or "none"
            raise KeyError(f'solid "{self.solid_name}" has no output "{output_name}" ({names})')
        if result is None or not result.has_output(output_name):
            return None
        if output_name in result.values:
            return result.values[output_name]
        return self._run.load_stored_output(self.solid_name, output_name)

    def __repr__(self) -> str:
        return f"<SolidExecutionResult {self.solid_name} success={self.success}>"


class CompositeSolidExecutionResult:
    """A composite's outcome: its inner solids' results and its mapped outputs."""

    def __init__(self, run_result: PipelineExecutionResult, handle: str):
        self._run = run_result
        self.handle = handle
        invocation = run_result.pipeline.invocation_at(handle)
        if invocation is None or not isinstance(invocation.definition, CompositeSolidDefinition):
            raise KeyError(f'pipeline "{run_result.pipeline.name}" has no composite "{handle}"')
        self.definition: CompositeSolidDefinition = invocation.definition
        self.solid_name = handle

    @property
    def solid_result_list(self) -> list[SolidExecutionResult | CompositeSolidExecutionResult]:
        return [self.result_for_solid(i.node_name) for i in self.definition.invocations]

    def result_for_solid(self, name: str) -> SolidExecutionResult | CompositeSolidExecutionResult:
        return self._run.result_for_handle(f"{self.handle}.{name}")

    def result_for_handle(
        self, handle: str
    ) -> SolidExecutionResult | CompositeSolidExecutionResult:
        return self._run.result_for_handle(f"{self.handle}.{handle}")

    def _flat_results(self) -> list[SolidExecutionResult]:
        prefix = f"{self.handle}."
        names = [n for n in self._run.pipeline.graph.node_names if n.startswith(prefix)]
        return [SolidExecutionResult(self._run, n) for n in names]

    @property
    def success(self) -> bool:
        return all(r.success for r in self._flat_results())

    @property
    def skipped(self) -> bool:
        return all(r.skipped for r in self._flat_results())

    @property
    def events(self) -> list[EventRecord]:
        prefix = f"{self.handle}."
        return [e for e in self._run.events if (e.step_key or "").startswith(prefix)]

    @property
    def output_values(self) -> dict[str, Any]:
        return {o.name: self.output_value(o.name) for o in self.definition.output_defs}

    def output_value(self, output_name: str = "result") -> Any:
        solid_name, inner_output = self._run.flat_output(self.handle, output_name)
        return self._run.result_for_handle(solid_name).output_value(inner_output)

    def __repr__(self) -> str:
        return f"<CompositeSolidExecutionResult {self.handle} success={self.success}>"


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
        self.pipeline: PipelineDefinition = payload.pipeline
        self.run_id: str = payload.run_id
        self.success = success
        self.events = events
        self.step_results = step_results

    @property
    def pipeline_def(self) -> PipelineDefinition:
        return self.pipeline

    @property
    def event_list(self) -> list[EventRecord]:
        return self.events

    @property
    def secrets(self) -> frozenset[str]:
        """The values read through ``{env: ...}`` in this run (masked in what it reports)."""
        return self._payload.resolved.secrets

    @property
    def event_types(self) -> list[DaskflowEventType]:
        return [e.event_type for e in self.events]

    @property
    def step_event_list(self) -> list[EventRecord]:
        return [e for e in self.events if e.step_key is not None]

    @property
    def events_by_step_key(self) -> dict[str, list[EventRecord]]:
        by_key: dict[str, list[EventRecord]] = {}
        for event in self.step_event_list:
            by_key.setdefault(event.step_key or "", []).append(event)
        return by_key

    def result_for_solid(self, name: str) -> SolidExecutionResult | CompositeSolidExecutionResult:
        """A solid's result by name (a flat ``comp.inner`` name works too); a composite's
        name gives a ``CompositeSolidExecutionResult``."""
        return self.result_for_handle(name)

    def result_for_handle(
        self, handle: str
    ) -> SolidExecutionResult | CompositeSolidExecutionResult:
        if self.pipeline.has_solid_named(handle):
            return SolidExecutionResult(self, handle)
        invocation = self.pipeline.invocation_at(handle)
        if invocation is not None and isinstance(invocation.definition, CompositeSolidDefinition):
            return CompositeSolidExecutionResult(self, handle)
        raise KeyError(
            f'pipeline "{self.pipeline.name}" has no solid "{handle}"; '
            f"solids: {', '.join(i.node_name for i in self.pipeline.invocations)}"
        )

    def output_for_solid(self, name: str, output_name: str = "result") -> Any:
        return self.result_for_handle(name).output_value(output_name)

    @property
    def solid_result_list(self) -> list[SolidExecutionResult | CompositeSolidExecutionResult]:
        """The results of the top-level solids (composites as composite results)."""
        return [self.result_for_handle(i.node_name) for i in self.pipeline.invocations]

    def flat_output(self, handle: str, output_name: str) -> tuple[str, str]:
        """The flat solid and output that the output ``output_name`` at ``handle`` (a
        composite's mapped output, through nested composites) comes from."""
        invocation = self.pipeline.invocation_at(handle)
        definition = None if invocation is None else invocation.definition
        if not isinstance(definition, CompositeSolidDefinition):
            return handle, output_name
        source = definition.output_mapping.get(output_name)
        if isinstance(source, OutputHandle):
            return self.flat_output(f"{handle}.{source.node_name}", source.output_name)
        if isinstance(source, InputMappingHandle):  # passed through from an input
            return self._flat_input(handle, source.input_name, f'output "{output_name}" of')
        raise KeyError(f'composite "{handle}" has no output "{output_name}"')

    def _flat_input(self, handle: str, input_name: str, what: str) -> tuple[str, str]:
        """The flat solid and output feeding the input ``input_name`` of the composite at
        ``handle`` (through enclosing composites' inputs)."""
        invocation = self.pipeline.invocation_at(handle)
        fed = None if invocation is None else invocation.inputs.get(input_name)
        parent = handle.rpartition(".")[0]
        if isinstance(fed, OutputHandle):
            return self.flat_output(
                ".".join(filter(None, (parent, fed.node_name))), fed.output_name
            )
        if isinstance(fed, InputMappingHandle) and parent:
            return self._flat_input(parent, fed.input_name, what)
        raise KeyError(
            f'{what} composite "{handle}" is its input "{input_name}", which no solid\'s output '
            "feeds (run config or a default sets it): no step produced it"
        )

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
