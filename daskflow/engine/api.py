"""The entry points that run pipelines: ``execute_pipeline``, ``execute_pipeline_iterator``,
``reexecute_pipeline``, ``reexecute_pipeline_iterator``, ``execute_solid``,
``execute_solids_within_pipeline`` and ``cancel_run``.

The iterators yield each event as it happens and never raise for a failed step (the last
event says how the run ended). ``KeyboardInterrupt`` while iterating (Ctrl-C) cancels the
run: no new steps start and it is recorded as ``CANCELED``. The loggers that run config
turns on (``loggers: {console: {config: {log_level: INFO}}}``) receive every event in
this process.

>>> from daskflow import pipeline, solid
>>> @solid
... def one(_) -> int:
...     return 1
>>> @pipeline
... def tiny():
...     one()
>>> execute_pipeline(tiny, {"execution": {"in_process": {}}}).output_for_solid("one")
1
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from daskflow.definitions.composition import Invocation, OutputHandle
from daskflow.definitions.events import Output
from daskflow.definitions.io_defs import OutputDefinition
from daskflow.definitions.logger import build_loggers
from daskflow.definitions.mode import ModeDefinition
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.solid import SolidDefinition
from daskflow.engine.result import (
    CompositeSolidExecutionResult,
    PipelineExecutionResult,
    SolidExecutionResult,
)
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.engine.run.launch import prepare_run
from daskflow.engine.run.reexecute import prepare_reexecution
from daskflow.engine.single_solid import single_solid_pipeline
from daskflow.engine.step.errors import StepError
from daskflow.errors import DaskflowExecutionError, DaskflowTypeCheckDidNotPass
from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.metadata import EventMetadataEntry

__all__ = [
    "cancel_run",
    "execute_pipeline",
    "execute_pipeline_iterator",
    "execute_solid",
    "execute_solids_within_pipeline",
    "reexecute_pipeline",
    "reexecute_pipeline_iterator",
]


def _logged(coordinator: RunCoordinator) -> Iterator[EventRecord]:
    """The run's events, each also sent to the loggers its run config turns on.

    What the consumer throws in (Ctrl-C) or closing goes on to the coordinator's stream,
    which cancels or fails the run.
    """
    payload = coordinator.payload
    mode = payload.pipeline.get_mode(payload.mode)
    loggers = build_loggers(
        mode.logger_defs,
        payload.resolved.loggers,
        payload.resolved.raw.get("loggers") or {},
        payload.run_id,
        payload.pipeline_name,
    )
    events = coordinator.events()
    if not loggers:
        yield from events  # throw() and close() reach the coordinator's stream
        return
    if not isinstance(events, Generator):
        for event in events:
            _log_event(loggers, event)
            yield event
        return
    try:
        event = next(events)
        while True:
            _log_event(loggers, event)
            try:
                yield event
            except GeneratorExit:
                events.close()
                raise
            except BaseException as exc:  # noqa: BLE001 (handed to the run's stream)
                event = events.throw(exc)
                continue
            event = next(events)
    except StopIteration:
        return


def _log_event(loggers: list[logging.Logger], event: EventRecord) -> None:
    step = event.step_key or "-"
    for logger in loggers:
        logger.log(
            event.level,
            f"{event.pipeline_name} - {event.run_id} - {step} - "
            f"{event.event_type.value} - {event.message}",
            extra={"run_id": event.run_id, "step_key": event.step_key},
        )


def _run(
    coordinator: RunCoordinator, instance: Any, owned: bool, raise_on_error: bool
) -> PipelineExecutionResult:
    events = list(_logged(coordinator))
    result = PipelineExecutionResult(
        coordinator.payload, coordinator.success, events, coordinator.step_results
    )
    if owned:  # an ephemeral instance lives as long as the result that may load outputs
        weakref.finalize(result, instance.dispose)
    if raise_on_error and not coordinator.success and coordinator.status != RunStatus.CANCELED:
        raise_for_failure(result)
    return result


def raise_for_failure(result: PipelineExecutionResult) -> None:
    """Raise for a failed run: the user's own exception from the first failed solid
    (with a note naming the solid, run and pipeline), ``DaskflowTypeCheckDidNotPass`` for
    a failed type check, else ``DaskflowExecutionError``."""
    failure = next((e for e in result.events if e.is_step_failure), None)
    if failure is None or failure.step_key is None:
        raise DaskflowExecutionError(
            f'Run {result.run_id} of pipeline "{result.pipeline.name}" did not succeed.',
            run_id=result.run_id,
        )
    name = failure.step_key
    where = f'solid "{name}" in run {result.run_id} of pipeline "{result.pipeline.name}"'
    type_failure = _type_check_failure(result, name)
    if type_failure is not None:
        type_failure.add_note(f"daskflow: the type check failed in {where}")
        raise type_failure
    step = result.step_results.get(name)
    error = None if step is None else step.error
    if isinstance(error, Exception) and not isinstance(error, StepError):
        error.add_note(f"daskflow: raised by {where}")
        raise error
    raise DaskflowExecutionError(
        f"{failure.message} ({where})", solid_name=name, run_id=result.run_id
    ) from error


def _type_check_failure(
    result: PipelineExecutionResult, name: str
) -> DaskflowTypeCheckDidNotPass | None:
    """The failed type check of the solid's input or output, if that failed the step."""
    definition = result.pipeline.solid_named(name).definition
    for event in result.events:
        check = event.data.get("type_check") if event.step_key == name else None
        if check is None or check.get("success", True):
            continue
        if event.event_type == DaskflowEventType.STEP_INPUT:
            daskflow_type = definition.input_def_named(event.data["input_name"]).daskflow_type
        else:
            daskflow_type = definition.output_def_named(event.data["output_name"]).daskflow_type
        entries = [EventMetadataEntry.from_dict(e) for e in check.get("metadata_entries", ())]
        return DaskflowTypeCheckDidNotPass(check.get("description"), entries, daskflow_type)
    return None


def execute_pipeline(  # noqa: PLR0913 (Dagster's signature)
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: Mapping[str, str] | None = None,
    solid_selection: Sequence[str] | str | None = None,
    instance: Any = None,
    raise_on_error: bool = True,
) -> PipelineExecutionResult:
    """Run ``pipeline`` as one Dask graph and return its result.

    Config errors raise ``DaskflowConfigError`` before anything runs. A failed step
    re-raises the user's exception (see ``raise_for_failure``) unless ``raise_on_error``
    is False. Without ``instance``, an ephemeral one is used.
    """
    coordinator, instance, owned = prepare_run(
        pipeline, run_config, mode, preset, solid_selection, instance, tags
    )
    return _run(coordinator, instance, owned, raise_on_error)


def execute_pipeline_iterator(  # noqa: PLR0913 (Dagster's signature)
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: Mapping[str, str] | None = None,
    solid_selection: Sequence[str] | str | None = None,
    instance: Any = None,
) -> Iterator[EventRecord]:
    """Run ``pipeline``, yielding its events as they happen."""
    coordinator, instance, owned = prepare_run(
        pipeline, run_config, mode, preset, solid_selection, instance, tags
    )
    try:
        yield from _logged(coordinator)
    finally:
        if owned:
            instance.dispose()


def reexecute_pipeline(  # noqa: PLR0913 (the keyword options of execute_pipeline)
    pipeline: PipelineDefinition,
    parent_run_id: str,
    instance: Any,
    from_failure: bool = True,
    step_selection: Sequence[str] | None = None,
    run_config: Mapping[str, Any] | None = None,
    raise_on_error: bool = True,
) -> PipelineExecutionResult:
    """Run again the failed (and skipped) steps of a run, or ``step_selection``, reusing
    the parent run's stored outputs instead of recomputing successful steps."""
    coordinator = prepare_reexecution(
        pipeline, parent_run_id, instance, from_failure, step_selection, run_config
    )
    return _run(coordinator, instance, False, raise_on_error)


def reexecute_pipeline_iterator(  # noqa: PLR0913 (the keyword options of execute_pipeline)
    pipeline: PipelineDefinition,
    parent_run_id: str,
    instance: Any,
    from_failure: bool = True,
    step_selection: Sequence[str] | None = None,
    run_config: Mapping[str, Any] | None = None,
) -> Iterator[EventRecord]:
    """``reexecute_pipeline``, yielding the new run's events as they happen.

    Nothing runs until the first event is asked for; errors found while preparing (an
    unknown parent run, no failed step to re-run, bad config) raise then.
    """
    coordinator = prepare_reexecution(
        pipeline, parent_run_id, instance, from_failure, step_selection, run_config
    )
    yield from _logged(coordinator)


def cancel_run(instance: Any, run_id: str) -> bool:
    """Ask the run's coordinator (in any process) to stop; False if it already finished."""
    return bool(instance.run_storage.request_cancel(run_id))


def execute_solid(  # noqa: PLR0913 (Dagster's signature, positional order included)
    solid_def: SolidDefinition,
    mode_def: ModeDefinition | None = None,
    input_values: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    run_config: Mapping[str, Any] | None = None,
    raise_on_error: bool = True,
) -> SolidExecutionResult | CompositeSolidExecutionResult:
    """Run one solid with given input values (and the resources of ``mode_def``)."""
    pipeline, config = single_solid_pipeline(solid_def, input_values or {}, run_config, mode_def)
    result = execute_pipeline(pipeline, config, tags=tags, raise_on_error=raise_on_error)
    return result.result_for_solid(solid_def.name)


def execute_solids_within_pipeline(  # noqa: PLR0913 (Dagster's signature)
    pipeline_def: PipelineDefinition,
    solid_names: Iterable[str],
    input_values: Mapping[str, Mapping[str, Any]] | None = None,
    tags: Mapping[str, str] | None = None,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    preset: str | None = None,
    instance: Any = None,
    raise_on_error: bool = True,
) -> dict[str, SolidExecutionResult | CompositeSolidExecutionResult]:
    """Run only ``solid_names`` (top-level solids) of the pipeline; inputs whose upstream
    solids are left out come from ``input_values`` (``{solid: {input: value}}``) or run
    config. Returns each solid's result by name."""
    names = list(solid_names)
    pipeline, added = _with_input_values(pipeline_def, input_values or {})
    result = execute_pipeline(
        pipeline,
        run_config,
        mode,
        preset,
        tags,
        solid_selection=[*names, *added],
        instance=instance,
        raise_on_error=raise_on_error,
    )
    return {name: result.result_for_solid(name) for name in names}


def _with_input_values(
    pipeline: PipelineDefinition, input_values: Mapping[str, Mapping[str, Any]]
) -> tuple[PipelineDefinition, list[str]]:
    """The pipeline with a value-giving solid feeding each input of ``input_values``."""
    if not input_values:
        return pipeline, []
    invocations: list[Invocation] = []
    added: list[str] = []
    for inv in pipeline.invocations:
        given = input_values.get(inv.node_name, {})
        inputs = dict(inv.inputs)
        for input_name, value in given.items():
            value_solid = _value_solid(f"{inv.node_name}_input_{input_name}_value", value)
            invocations.append(Invocation(value_solid.name, value_solid))
            inputs[input_name] = OutputHandle(value_solid.name, "result")
            added.append(value_solid.name)
        invocations.append(replace(inv, inputs=inputs))
    subset = PipelineDefinition(
        name=pipeline.name,
        description=pipeline.description,
        mode_defs=pipeline.mode_defs,
        preset_defs=pipeline.preset_defs,
        tags=pipeline.tags,
        invocations=invocations,
    )
    return subset, added


def _value_solid(name: str, value: Any) -> SolidDefinition:
    def give(_context: Any, _inputs: Any) -> Any:
        yield Output(value)

    return SolidDefinition(name, [], give, [OutputDefinition()])
