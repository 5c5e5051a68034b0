"""``<solid>_commit``: the task that finishes a Dask DataFrame step.

It waits for the step's partition writes (and its upstream steps' commits), merges the
partitions' type checks into one STEP_OUTPUT event per output, commits persisted outputs
(their marker makes them readable; an output recorded by reference gets a manifest naming
its source files), gathers in-memory outputs, stores the step's plain outputs, and returns
the step's ``StepResult``. A blocked step (``step.outcome.blocked_reason``: the run was
canceled, an upstream step did not succeed), a failed check or a failed partition means
nothing of this step is committed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from daskflow.definitions.events import Output
from daskflow.engine.lazy.graph import failure_in
from daskflow.engine.lazy.partitions import PartResult, describe_partition_failures
from daskflow.engine.process.cancel import is_canceled
from daskflow.engine.process.transport import send_events
from daskflow.engine.step import step_io
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.outcome import StepResult, blocked_reason, fail_step, skip_step
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType, StepStatus
from daskflow.io_managers import PartitionedIOManager, ReferenceIOManager
from daskflow.metadata import EventMetadataEntry
from daskflow.types import failures_type_check, merge_column_failures

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.io_managers import IOManager, OutputContext, SourceReference

__all__ = ["CommitSpec", "DeferredEvent", "commit_step", "start_step"]

DeferredEvent = tuple[DaskflowEventType, str, dict[str, Any]]


@dataclass
class CommitSpec:
    """What the coordinator knew when it compiled the step."""

    compile_events: int  # events already sent for this step by the coordinator
    started_at: float  # time.time() when the coordinator started the step
    handed_on: dict[str, str] = field(default_factory=dict)  # lazy outputs without tasks
    deferred: list[DeferredEvent] = field(default_factory=list)
    references: dict[str, SourceReference] = field(default_factory=dict)
    build_seconds: float = 0.0  # calling the solid and compiling its graph, on the coordinator
    # in-memory upstream steps whose collections run fused inside this step's tasks
    fused_from: list[str] = field(default_factory=list)
    # a deferred step, built (its body run, eager computes included) inside its own task:
    # its build_seconds are task time, not coordinator time before the graph ran
    built_in_task: bool = False


def start_step(run_id: str, records: list[dict[str, Any]], _upstream: list[StepResult]) -> float:
    """``<solid>_start``: once the upstream steps ran, send the build's held events (the
    step shows running from now) and return the time its duration counts from."""
    now = time.time()
    send_events(run_id, [{**record, "timestamp": now} for record in records])
    return now


def commit_step(  # noqa: PLR0913 (the task's graph inputs)
    payload: RunPayload,
    step_key: str,
    spec: CommitSpec,
    upstream: list[StepResult],
    parts: dict[str, list[PartResult]],
    values: dict[str, Any],
    started: float | None = None,
) -> StepResult:
    """Finish the step: skip it, fail it, or commit its outputs (see the module docstring).

    ``started`` is when its start task ran (None: it started with ``spec.started_at``).
    """
    if started is not None:
        spec = replace(spec, started_at=started)
    step = payload.plan.steps[step_key]
    emitter = StepEmitter(payload.run_id, payload.pipeline_name, step_key, payload.resolved.secrets)
    by_key = {r.step_key: r for r in upstream}
    canceled = is_canceled(payload.run_id) or any(p.canceled for ps in parts.values() for p in ps)
    blocked = blocked_reason(step_key, step.inputs, by_key, canceled)
    if blocked is not None:
        result = skip_step(step_key, emitter, blocked)
    else:
        try:
            run = StepRun.open(payload, step, emitter, by_key, solid_resources=False)
            result = _commit(run, spec, parts, values)
        except StepError as exc:
            result = fail_step(step_key, emitter, exc)
    result.duration = time.time() - spec.started_at
    result.events_sent = spec.compile_events + emitter.sent
    return result


def _commit(
    run: StepRun, spec: CommitSpec, parts: dict[str, list[PartResult]], values: dict[str, Any]
) -> StepResult:
    _raise_partition_errors(run.key, parts)
    result = StepResult(run.key, StepStatus.SUCCESS, 0)
    for name, output_parts in parts.items():
        _emit_output_check(run, name, output_parts, spec.references.get(name))
    for name, output_parts in parts.items():
        _store_parts(run, name, output_parts, result, spec.references.get(name))
    step_io.handle_outputs(run, _plain_outputs(run.key, values), result)
    for name, where in spec.handed_on.items():
        result.handed_on.add(name)
        run.emitter.emit(
            DaskflowEventType.HANDLED_OUTPUT,
            f'Handed output "{name}" on lazily ({where}); it is computed by the '
            "steps that read it.",
            data={"output_name": name, "lazy": True},
        )
    for event_type, message, data in spec.deferred:
        run.emitter.emit(event_type, message, data=data)
    duration = time.time() - spec.started_at
    run.emitter.emit(
        DaskflowEventType.STEP_SUCCESS,
        f'Finished step "{run.key}" in {duration * 1000:.1f} ms.',
        data={
            "duration_ms": duration * 1000,
            "build_seconds": spec.build_seconds,
            "fused_from": spec.fused_from,
            "built_in_task": spec.built_in_task,
            **_stats(parts),
        },
    )
    return result


def _raise_partition_errors(step_key: str, parts: dict[str, list[PartResult]]) -> None:
    for name, output_parts in parts.items():
        for part in output_parts:
            if part.error is not None:
                raise StepError(
                    f'Solid "{step_key}" failed computing partition {part.index} of output '
                    f'"{name}" ({part.error.where}): {part.error.describe()}',
                    part.error.as_error(),
                )


def _plain_outputs(step_key: str, values: dict[str, Any]) -> dict[str, Output]:
    """The step's outputs computed whole (not partition by partition), failures raised."""
    plain = {}
    for name, value in values.items():
        failure = failure_in(value)
        if failure is not None:
            raise StepError(
                f'Computing output "{name}" of solid "{step_key}" failed: {failure.describe()}',
                failure.as_error(),
            )
        plain[name] = Output(value, name)
    return plain


def _emit_output_check(
    run: StepRun, name: str, parts: list[PartResult], reference: SourceReference | None
) -> None:
    """One STEP_OUTPUT event for the partitions' checks; fail the step if any failed."""
    daskflow_type = run.definition.output_def_named(name).daskflow_type
    if reference is not None and not parts:  # columns and dtypes checked from the metadata
        _emit_reference_check(run, name, reference)
        return
    by_reference = {} if reference is None else {"reference": reference.source}
    merged = merge_column_failures(p.failures for p in parts)
    check = failures_type_check(
        daskflow_type.display_name,
        merged,
        sum(p.rows for p in parts),
        [EventMetadataEntry.int(len(parts), label="npartitions")],
    )
    data = check.to_dict()
    bad = [
        {"partition": p.index, "failures": [f.to_dict() for f in p.failures]}
        for p in parts
        if p.failures
    ]
    if bad:
        data["failed_partitions"] = bad
    where = "" if reference is None else f", recorded by reference to {reference.source}"
    run.emitter.emit(
        DaskflowEventType.STEP_OUTPUT,
        f'Yielded output "{name}" of type "{daskflow_type.display_name}" in '
        f"{len(parts)} partitions{where}. "
        f"(Type check {'passed' if not bad else 'failed'}).",
        level=logging.DEBUG if not bad else logging.ERROR,
        data={"output_name": name, **by_reference, "type_check": data},
    )
    if bad:
        raise StepError(
            describe_partition_failures(run.key, name, parts, len(parts)),
            metadata_entries=tuple(check.metadata_entries),
        )


def _emit_reference_check(run: StepRun, name: str, reference: SourceReference) -> None:
    display_name = run.definition.output_def_named(name).daskflow_type.display_name
    run.emitter.emit(
        DaskflowEventType.STEP_OUTPUT,
        f'Yielded output "{name}" of type "{display_name}", '
        f"recorded by reference to {reference.source}. (Type check passed on "
        "its columns; the type has no value rules).",
        level=logging.DEBUG,
        data={
            "output_name": name,
            "reference": reference.source,
            "type_check": {"success": True, "description": None, "metadata_entries": []},
        },
    )


def _store_parts(
    run: StepRun,
    name: str,
    parts: list[PartResult],
    result: StepResult,
    reference: SourceReference | None,
) -> None:
    """Gather an in-memory output, or commit a persisted one (parts or reference)."""
    key = run.definition.output_def_named(name).io_manager_key
    manager = run.io_manager(key)
    ordered = sorted(parts, key=lambda p: p.index)
    if manager.keeps_values_in_graph:
        frames = [p.frame for p in ordered if p.frame is not None]
        result.values[name] = pd.concat(frames) if len(frames) != 1 else frames[0]
        return
    context = run.output_context(run.definition.output_def_named(name))
    try:
        entries = _commit_output(manager, context, ordered, reference)
    except Exception as exc:
        raise StepError(
            f'IO manager "{key}" failed to commit output "{name}" of solid "{run.key}": {exc}', exc
        ) from exc
    result.stored[name] = key
    _emit_handled(run, name, key, entries, len(ordered), reference)


def _commit_output(
    manager: IOManager,
    context: OutputContext,
    parts: list[PartResult],
    reference: SourceReference | None,
) -> list[EventMetadataEntry]:
    if reference is not None:
        if not isinstance(manager, ReferenceIOManager):
            raise TypeError(f"{type(manager).__name__} is not a ReferenceIOManager")
        return list(manager.commit_reference(context, reference, parts) or ())
    if not isinstance(manager, PartitionedIOManager):
        raise TypeError(f"{type(manager).__name__} is not a PartitionedIOManager")
    return list(manager.commit_output(context, [p.part for p in parts if p.part]) or ())


def _emit_handled(
    run: StepRun,
    name: str,
    key: str,
    entries: list[EventMetadataEntry],
    count: int,
    reference: SourceReference | None,
) -> None:
    if reference is None:
        said, extra = f"{count} partitions", {}
    else:
        said = (
            f"recorded by reference to {reference.source}, {len(reference.files)} files, "
            "nothing copied"
        )
        extra = {"reference": {"source": reference.source, "files": len(reference.files)}}
    run.emitter.emit(
        DaskflowEventType.HANDLED_OUTPUT,
        f'Handled output "{name}" using IO manager "{key}" ({said}).',
        data={
            "output_name": name,
            "io_manager_key": key,
            **extra,
            "metadata_entries": [e.to_dict() for e in entries],
        },
    )


def _stats(parts: dict[str, list[PartResult]]) -> dict[str, Any]:
    every = [p for ps in parts.values() for p in ps]
    return {
        "partitions": len(every),
        "rows": sum(p.rows for p in every),
        "bytes_written": sum(p.nbytes for p in every),
        "check_seconds": sum(p.check_seconds for p in every),
        "write_seconds": sum(p.write_seconds for p in every),
    }
