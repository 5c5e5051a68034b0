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

import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from daskflow.definitions.mode import ModeDefinition
from daskflow.engine.failure import for_user, raise_for_failure, user_stream
from daskflow.engine.result import (
    CompositeSolidExecutionResult,
    PipelineExecutionResult,
    SolidExecutionResult,
)
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.engine.run.launch import RunRequest, prepare_run
from daskflow.engine.run.loggers import logged_events
from daskflow.engine.run.reexecute import Reexecution, prepare_reexecution
from daskflow.engine.single_solid import pipeline_with_input_values, single_solid_pipeline
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.events import EventRecord, RunStatus

if TYPE_CHECKING:
    from daskflow.definitions.pipeline import PipelineDefinition
    from daskflow.definitions.solid import SolidDefinition
    from daskflow.instance import DaskflowInstance

__all__ = [
    "cancel_run",
    "execute_pipeline",
    "execute_pipeline_iterator",
    "execute_solid",
    "execute_solids_within_pipeline",
    "reexecute_pipeline",
    "reexecute_pipeline_iterator",
]


def _run(
    coordinator: RunCoordinator, instance: DaskflowInstance, owned: bool, raise_on_error: bool
) -> PipelineExecutionResult:
    events: list[EventRecord] = []
    failure: Exception | None = None
    try:
        for event in logged_events(coordinator):
            events.append(event)
    except Exception as exc:  # e.g. the executor could not start: recorded as failed
        failure = exc
    if failure is not None and (raise_on_error or coordinator.status != RunStatus.FAILURE):
        if owned:
            instance.dispose()
        raise for_user(failure, coordinator)  # outside the handler: no secret in __context__
    result = PipelineExecutionResult(
        coordinator.payload, coordinator.success, events, coordinator.step_results
    )
    if owned:  # an ephemeral instance lives as long as the result that may load outputs
        weakref.finalize(result, instance.dispose)
    if raise_on_error and not coordinator.success and coordinator.status != RunStatus.CANCELED:
        raise_for_failure(result)
    return result


# The entry points keep Dagster's signatures (their long keyword lists are the public API);
# each gathers its arguments into one request object at once.


def execute_pipeline(  # noqa: PLR0913 (Dagster's signature)
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: Mapping[str, str] | None = None,
    solid_selection: Sequence[str] | str | None = None,
    instance: DaskflowInstance | None = None,
    raise_on_error: bool = True,
) -> PipelineExecutionResult:
    """Run ``pipeline`` as one Dask graph and return its result.

    Config errors raise ``DaskflowConfigError`` before anything runs. A failed step
    re-raises the user's exception (see ``engine/failure.py``; a redacted copy if it holds
    a value read through ``{env: ...}``) unless ``raise_on_error`` is False. An executor
    that cannot start (a cluster class that cannot be imported, an unreachable scheduler) is
    recorded as a failed run and raises ``DaskflowConfigError``, unless ``raise_on_error``
    is False: then the failed result is returned.

    Without ``instance``, the run is recorded in ``$DASKFLOW_HOME`` when that is set, else
    in an ephemeral instance that lives as long as the result.
    """
    request = RunRequest(pipeline, run_config, mode, preset, solid_selection, dict(tags or {}))
    coordinator, instance, owned = prepare_run(request, instance)
    return _run(coordinator, instance, owned, raise_on_error)


def execute_pipeline_iterator(  # noqa: PLR0913 (Dagster's signature)
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: Mapping[str, str] | None = None,
    solid_selection: Sequence[str] | str | None = None,
    instance: DaskflowInstance | None = None,
) -> Iterator[EventRecord]:
    """Run ``pipeline``, yielding its events as they happen."""
    request = RunRequest(pipeline, run_config, mode, preset, solid_selection, dict(tags or {}))
    coordinator, instance, owned = prepare_run(request, instance)
    try:
        yield from user_stream(coordinator)
    finally:
        if owned:
            instance.dispose()


def reexecute_pipeline(  # noqa: PLR0913 (the keyword options of execute_pipeline)
    pipeline: PipelineDefinition,
    parent_run_id: str,
    instance: DaskflowInstance,
    from_failure: bool = True,
    step_selection: Sequence[str] | None = None,
    run_config: Mapping[str, Any] | None = None,
    raise_on_error: bool = True,
) -> PipelineExecutionResult:
    """Run again the failed (and skipped) steps of a run, or ``step_selection``, reusing
    the parent run's stored outputs instead of recomputing successful steps."""
    request = Reexecution(pipeline, parent_run_id, from_failure, step_selection, run_config)
    coordinator = prepare_reexecution(request, instance)
    return _run(coordinator, instance, False, raise_on_error)


def reexecute_pipeline_iterator(  # noqa: PLR0913 (the keyword options of execute_pipeline)
    pipeline: PipelineDefinition,
    parent_run_id: str,
    instance: DaskflowInstance,
    from_failure: bool = True,
    step_selection: Sequence[str] | None = None,
    run_config: Mapping[str, Any] | None = None,
) -> Iterator[EventRecord]:
    """``reexecute_pipeline``, yielding the new run's events as they happen.

    Nothing runs until the first event is asked for; errors found while preparing (an
    unknown parent run, no failed step to re-run, bad config) raise then.
    """
    request = Reexecution(pipeline, parent_run_id, from_failure, step_selection, run_config)
    coordinator = prepare_reexecution(request, instance)
    yield from user_stream(coordinator)


def cancel_run(instance: DaskflowInstance, run_id: str) -> bool:
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
    if mode_def is not None and not isinstance(mode_def, ModeDefinition):
        raise DaskflowInvalidDefinitionError(
            f"execute_solid: mode_def must be a ModeDefinition, got {type(mode_def).__name__} "
            "(Dagster's argument order: execute_solid(solid, mode_def, input_values); "
            "pass input values as input_values={...})"
        )
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
    instance: DaskflowInstance | None = None,
    raise_on_error: bool = True,
) -> dict[str, SolidExecutionResult | CompositeSolidExecutionResult]:
    """Run only ``solid_names`` (top-level solids) of the pipeline; inputs whose upstream
    solids are left out come from ``input_values`` (``{solid: {input: value}}``) or run
    config. Returns each solid's result by name."""
    names = list(solid_names)
    pipeline, added = pipeline_with_input_values(pipeline_def, input_values or {})
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
