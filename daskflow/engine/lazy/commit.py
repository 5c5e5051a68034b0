"""``<solid>_commit``: the task that finishes a Dask DataFrame step.

It waits for the step's partition writes (and its upstream steps' commits), merges the
partitions' type checks into one STEP_OUTPUT event per output, commits persisted outputs
(their marker makes them readable; an output recorded by reference gets a manifest naming
its source files), gathers in-memory outputs, stores the step's plain outputs, and returns
the step's ``StepResult``. A failed check, a failed partition or a
failed upstream step means nothing of this step is committed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from daskflow.definitions.events import Output
from daskflow.engine.lazy.graph import TaskFailure, failure_in
from daskflow.engine.lazy.partitions import PartResult, describe_partition_failures
from daskflow.engine.process.resources import run_resources
from daskflow.engine.step import step_io
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.task import CANCELED, FAILURE, SKIPPED, SUCCESS, StepResult
from daskflow.events import DaskflowEventType
from daskflow.metadata import EventMetadataEntry
from daskflow.types import failures_type_check, merge_column_failures

__all__ = ["CommitSpec", "commit_step"]


@dataclass
class CommitSpec:
    """What the coordinator knew when it compiled the step."""

    compile_events: int  # events already sent for this step by the coordinator
    started_at: float  # time.time() when the coordinator started the step
    handed_on: dict[str, str] = field(default_factory=dict)  # lazy outputs without tasks
    deferred: list[tuple[Any, str, dict[str, Any]]] = field(default_factory=list)
    references: dict[str, Any] = field(default_factory=dict)  # output -> SourceReference
    build_seconds: float = 0.0  # calling the solid and compiling its graph, on the coordinator


def commit_step(
    payload: Any,
    step_key: str,
    spec: CommitSpec,
    upstream: list[StepResult],
    parts: dict[str, list[PartResult]],
    values: dict[str, Any],
) -> StepResult:
    emitter = StepEmitter(payload.run_id, payload.pipeline_name, step_key, payload.resolved.secrets)
    result = StepResult(step_key, SUCCESS, 0)
    try:
        _commit(payload, step_key, spec, upstream, parts, values, emitter, result)
    except _Blocked as blocked:
        emitter.emit(
            DaskflowEventType.STEP_SKIPPED,
            blocked.message,
            level=logging.WARNING if blocked.status == CANCELED else logging.INFO,
        )
        result = StepResult(step_key, blocked.status, 0)
    except StepError as exc:
        emitter.failure(exc.message, _error_data(exc))
        result = StepResult(step_key, FAILURE, 0, error=RuntimeError(exc.message))
    result.duration = time.time() - spec.started_at
    result.events_sent = spec.compile_events + emitter.sent
    return result


class _Blocked(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _commit(
    payload: Any,
    step_key: str,
    spec: CommitSpec,
    upstream: list[StepResult],
    parts: dict[str, list[PartResult]],
    values: dict[str, Any],
    emitter: StepEmitter,
    result: StepResult,
) -> None:
    _check_upstream(step_key, upstream, parts)
    step = payload.plan.steps[step_key]
    stats = _stats(parts)
    for name, output_parts in parts.items():
        _emit_output_check(step, name, output_parts, emitter, spec.references.get(name))
    keys = sorted(step_io.io_manager_keys(payload, step))
    resources = run_resources(payload, keys)
    for name, output_parts in parts.items():
        _store_parts(
            payload, step, name, output_parts, resources, emitter, result, spec.references.get(name)
        )
    plain = {}
    for name, value in values.items():
        failure = failure_in(value)
        if failure is not None:
            raise StepError(
                f'Computing output "{name}" of solid "{step_key}" failed: {failure.describe()}',
                _Remote(failure),
            )
        plain[name] = Output(value, name)
    step_io.handle_outputs(payload, step, plain, resources, emitter, result)
    for name, where in spec.handed_on.items():
        emitter.emit(
            DaskflowEventType.HANDLED_OUTPUT,
            f'Handed output "{name}" on lazily ({where}); it is computed by the '
            "steps that read it.",
            data={"output_name": name, "lazy": True},
        )
    for event_type, message, data in spec.deferred:
        emitter.emit(event_type, message, data=data)
    duration = time.time() - spec.started_at
    emitter.emit(
        DaskflowEventType.STEP_SUCCESS,
        f'Finished step "{step_key}" in {duration * 1000:.1f} ms.',
        data={"duration_ms": duration * 1000, "build_seconds": spec.build_seconds, **stats},
    )


def _check_upstream(
    step_key: str, upstream: list[StepResult], parts: dict[str, list[PartResult]]
) -> None:
    not_done = [r for r in upstream if not r.success]
    if any(r.status == CANCELED for r in not_done) or any(
        p.canceled for ps in parts.values() for p in ps
    ):
        raise _Blocked(CANCELED, f'Skipped step "{step_key}": the run was canceled.')
    if not_done:
        raise _Blocked(
            SKIPPED,
            f'Skipped step "{step_key}": upstream step(s) '
            f"{', '.join(r.step_key for r in not_done)} did not succeed.",
        )
    for name, output_parts in parts.items():
        for part in output_parts:
            if part.error is not None:
                raise StepError(
                    f'Solid "{step_key}" failed computing partition {part.index} of output '
                    f'"{name}" ({part.error.where}): {part.error.describe()}',
                    _Remote(part.error),
                )


def _emit_output_check(
    step: Any, name: str, parts: list[PartResult], emitter: StepEmitter, reference: Any = None
) -> None:
    output_def = step.definition.output_def_named(name)
    daskflow_type = output_def.daskflow_type
    by_reference = {} if reference is None else {"reference": reference.source}
    if reference is not None and not parts:  # columns and dtypes checked from the metadata
        emitter.emit(
            DaskflowEventType.STEP_OUTPUT,
            f'Yielded output "{name}" of type "{daskflow_type.display_name}", '
            f"recorded by reference to {reference.source}. (Type check passed on "
            "its columns; the type has no value rules).",
            level=logging.DEBUG,
            data={
                "output_name": name,
                **by_reference,
                "type_check": {"success": True, "description": None, "metadata_entries": []},
            },
        )
        return
    merged = merge_column_failures(p.failures for p in parts)
    rows = sum(p.rows for p in parts)
    check = failures_type_check(
        daskflow_type.display_name,
        merged,
        rows,
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
    emitter.emit(
        DaskflowEventType.STEP_OUTPUT,
        f'Yielded output "{name}" of type "{daskflow_type.display_name}" in '
        f"{len(parts)} partitions{where}. "
        f"(Type check {'passed' if not bad else 'failed'}).",
        level=logging.DEBUG if not bad else logging.ERROR,
        data={"output_name": name, **by_reference, "type_check": data},
    )
    if bad:
        raise StepError(
            describe_partition_failures(step.key, name, parts, len(parts)),
            metadata_entries=tuple(check.metadata_entries),
        )


def _store_parts(
    payload: Any,
    step: Any,
    name: str,
    parts: list[PartResult],
    resources: Any,
    emitter: StepEmitter,
    result: StepResult,
    reference: Any = None,
) -> None:
    output_def = step.definition.output_def_named(name)
    key = output_def.io_manager_key
    manager = getattr(resources, key)
    ordered = sorted(parts, key=lambda p: p.index)
    if getattr(manager, "keeps_values_in_graph", False):
        frames = [p.frame for p in ordered]
        result.values[name] = pd.concat(frames) if len(frames) != 1 else frames[0]
        return
    context = step_io.output_context(payload, step.key, output_def)
    try:
        if reference is not None:
            entries = list(manager.commit_reference(context, reference, ordered) or ())
        else:
            entries = list(manager.commit_output(context, [p.part for p in ordered]) or ())
    except Exception as exc:
        raise StepError(
            f'IO manager "{key}" failed to commit output "{name}" of solid "{step.key}": {exc}', exc
        ) from exc
    result.stored[name] = key
    how = (
        f"{len(ordered)} partitions"
        if reference is None
        else f"recorded by reference to {reference.source}, {len(reference.files)} files, "
        "nothing copied"
    )
    extra = (
        {}
        if reference is None
        else {"reference": {"source": reference.source, "files": len(reference.files)}}
    )
    emitter.emit(
        DaskflowEventType.HANDLED_OUTPUT,
        f'Handled output "{name}" using IO manager "{key}" ({how}).',
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


class _Remote(Exception):
    """A worker-side failure seen by the commit: keeps the original traceback text."""

    def __init__(self, failure: TaskFailure):
        super().__init__(f"{failure.error_type}: {failure.message}")
        self.failure = failure


def _error_data(exc: StepError) -> dict[str, Any]:
    from daskflow.engine.step.errors import error_data

    data = error_data(exc.user_error or exc)
    if isinstance(exc.user_error, _Remote):
        failure = exc.user_error.failure
        data.update(type=failure.error_type, message=failure.message, traceback=failure.traceback)
    if exc.metadata_entries:
        data["metadata_entries"] = [e.to_dict() for e in exc.metadata_entries]
    return data
