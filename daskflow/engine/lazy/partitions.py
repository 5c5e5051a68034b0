"""The worker side of a Dask DataFrame step: check and write each partition, then commit.

Per partition, ``<solid>_write`` runs the output's column schema on the partition (inside
the graph: never a ``compute`` of the whole frame) and, if it passes, hands the partition
to the IO manager's ``write_part`` (atomic, any worker) or keeps it in memory for an
in-memory IO manager. One ``<solid>_commit`` task then merges the partitions' checks into
the step's STEP_OUTPUT event and commits the output (the marker that makes it readable),
or fails the step without committing. Downstream steps read partitions with
``PartitionReader``: each read depends only on its own write, and Dask pushes column
projections into it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from daskflow.definitions.graph import OutputRef
from daskflow.engine.lazy.graph import TaskFailure
from daskflow.engine.process.cancel import is_canceled
from daskflow.engine.process.resources import io_manager_of, run_resources
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.outcome import StepResult
from daskflow.engine.step.step_io import load_ref
from daskflow.engine.step.step_run import StepRun, output_context
from daskflow.events import DaskflowEventType
from daskflow.io_managers import IOManager, OutputContext, PartitionedIOManager, StoredPart
from daskflow.types import (
    ColumnFailure,
    DaskflowType,
    DataFrameSchema,
    DataFrameSchemaType,
    check_dataframe_partition,
)

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload

__all__ = [
    "series_frame",
    "PartResult",
    "PartitionReader",
    "TaskOutputReader",
    "UpstreamPartitionMissing",
    "check_only",
    "check_partition",
    "has_value_rules",
    "output_schema",
    "write_checked",
    "write_partition",
]


class UpstreamPartitionMissing(Exception):
    """A partition a step reads was never written (its step failed or was canceled)."""


@dataclass
class PartResult:
    """What one partition's write task returns (small: the frame only for memory outputs)."""

    output_name: str
    index: int
    rows: int = 0
    nbytes: int = 0
    part: StoredPart | None = None  # what the IO manager wrote
    frame: pd.DataFrame | pd.Series | None = None  # the partition, for in-memory outputs
    failures: list[ColumnFailure] = field(default_factory=list)
    error: TaskFailure | None = None
    canceled: bool = False
    check_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures and not self.canceled


def output_schema(daskflow_type: DaskflowType) -> DataFrameSchema | None:
    """The column schema of a ``dataframe_type``, or None for types without one."""
    return daskflow_type.schema if isinstance(daskflow_type, DataFrameSchemaType) else None


def check_partition(
    step_key: str, output_name: str, index: int | str, schema: DataFrameSchema, frame: pd.DataFrame
) -> list[ColumnFailure]:
    """The schema's failures for one partition (a raising user check becomes an error)."""
    try:
        return check_dataframe_partition(schema, frame)
    except Exception as exc:
        raise RuntimeError(
            f'A check of output "{output_name}" of solid "{step_key}" raised '
            f"in partition {index}: {type(exc).__name__}: {exc}"
        ) from exc


def has_value_rules(schema: DataFrameSchema | None) -> bool:
    """Whether a schema has rules only the data can answer (not just columns and dtypes)."""
    if schema is None:
        return False
    return bool(schema.checks) or any(
        not c.nullable
        or c.unique
        or c.min_value is not None
        or c.max_value is not None
        or c.allowed_values is not None
        for c in schema.columns.values()
    )


def check_only(  # noqa: PLR0913 (the task's graph inputs)
    payload: RunPayload,
    step_key: str,
    output_name: str,
    index: int,
    partition: Any,
    checks: DataFrameSchema | None = None,
) -> PartResult:
    """``<solid>_check``: a partition of an output recorded by reference, checked, not kept."""
    return write_partition(payload, step_key, output_name, index, partition, checks, store=False)


def write_partition(  # noqa: PLR0913 (the task's graph inputs)
    payload: RunPayload,
    step_key: str,
    output_name: str,
    index: int,
    partition: Any,
    checks: DataFrameSchema | None = None,
    store: bool = True,
) -> PartResult:
    """Check one partition against ``checks`` (None: the output's declared schema; the
    compiler leaves out rules upstream checks prove) and write it (or keep it, for
    in-memory IO managers)."""
    result = PartResult(output_name, index)
    if isinstance(partition, TaskFailure):
        result.error = partition
        return result
    if is_canceled(payload.run_id):
        result.canceled = True
        return result
    try:
        frame = _as_frame(partition)
        result.rows = len(frame)
        output_def = payload.plan.steps[step_key].definition.output_def_named(output_name)
        schema = checks if checks is not None else output_schema(output_def.daskflow_type)
        if schema is not None:
            start = time.perf_counter()
            result.failures = check_partition(step_key, output_name, index, schema, frame)
            result.check_seconds = time.perf_counter() - start
            if result.failures:
                return result  # a failing partition is never written
        if store:
            _store(payload, output_context(payload, step_key, output_def), frame, result)
            if result.frame is not None:  # kept in memory as it is (a Series stays one)
                result.frame = partition
    except Exception as exc:
        result.error = TaskFailure(step_key, exc, f'partition {index} of output "{output_name}"')
    return result


def write_checked(
    payload: RunPayload, step_key: str, partition: Any, checked: PartResult
) -> PartResult:
    """``<solid>_write`` after ``<solid>_check``: store a partition that passed its check."""
    if not checked.ok:
        return checked  # a failing partition is never written
    result = replace(checked, failures=list(checked.failures))
    name = checked.output_name
    try:
        output_def = payload.plan.steps[step_key].definition.output_def_named(name)
        context = output_context(payload, step_key, output_def)
        _store(payload, context, _as_frame(partition), result)
    except Exception as exc:
        where = f'partition {checked.index} of output "{name}"'
        result.error = TaskFailure(step_key, exc, where)
    return result


def _as_frame(partition: Any) -> pd.DataFrame:
    if isinstance(partition, pd.Series):
        return series_frame(partition)
    if not isinstance(partition, pd.DataFrame):
        raise TypeError(f"a partition is a {type(partition).__name__}, not a pandas DataFrame")
    return partition


def series_frame(series: pd.Series) -> pd.DataFrame:
    """A Series as the one-column frame it is written as (an unnamed one's column: "0")."""
    return series.to_frame(name="0" if series.name is None else series.name)


def _store(
    payload: RunPayload, context: OutputContext, frame: pd.DataFrame, result: PartResult
) -> None:
    """Keep the partition (in-memory IO manager) or write it as part ``result.index``."""
    key = _io_manager_key(payload, context)
    manager = _io_manager(payload, key)
    start = time.perf_counter()
    if manager.keeps_values_in_graph:
        result.frame = frame
    else:
        result.part = partitioned(manager, key).write_part(context, result.index, frame)
        result.nbytes = result.part.nbytes
    result.write_seconds = time.perf_counter() - start


def _io_manager_key(payload: RunPayload, context: OutputContext) -> str:
    definition = payload.plan.steps[context.step_key].definition
    return definition.output_def_named(context.output_name).io_manager_key


def _io_manager(payload: RunPayload, key: str) -> IOManager:
    return io_manager_of(run_resources(payload, [key]), key)


def partitioned(manager: IOManager, key: str) -> PartitionedIOManager:
    """``manager`` as an IO manager that writes and reads partitions, or an error naming it."""
    if not isinstance(manager, PartitionedIOManager):
        raise TypeError(
            f'IO manager "{key}" ({type(manager).__name__}) does not store partitions: '
            "it is not a PartitionedIOManager"
        )
    return manager


class PartitionReader:
    """Partition ``i`` of a persisted output, once its write task has finished.

    Used with ``dd.from_map(reader, urls, writes, payloads[, partitions])``: ``columns`` in
    the signature lets Dask push column projections into the read. Given the computed
    ``partition`` (write-through, in the run that wrote it), it is used instead of reading
    the written part back.
    """

    def __init__(self, step_key: str, output_name: str, io_manager_key: str):
        self.step_key = step_key
        self.output_name = output_name
        self.io_manager_key = io_manager_key

    def __call__(  # noqa: PLR0913 (from_map's iterables, then Dask's projection)
        self,
        url: str,
        written: PartResult | None,
        payload: RunPayload,
        partition: pd.DataFrame | pd.Series | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        if written is not None and not written.ok:
            raise UpstreamPartitionMissing(
                f'partition {written.index} of output "{self.output_name}" of solid '
                f'"{self.step_key}" was not written (that step failed)'
            )
        if partition is not None:
            frame = series_frame(partition) if isinstance(partition, pd.Series) else partition
            return frame if columns is None else frame[columns]
        key = self.io_manager_key
        return partitioned(_io_manager(payload, key), key).read_part(url, columns=columns)


class TaskOutputReader:
    """The whole output of a pandas (task) step as one partition of a Dask solid's input.

    ``meta`` comes from the output's declared schema; the frame is cast to it so the
    partition matches what the Dask solid was built against.
    """

    def __init__(self, step_key: str, output_name: str, meta: pd.DataFrame):
        self.step_key = step_key
        self.output_name = output_name
        self.meta = meta

    def __call__(
        self,
        output_name: str,
        upstream: StepResult,
        payload: RunPayload,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        if not upstream.success:
            raise UpstreamPartitionMissing(
                f'output "{output_name}" of solid "{self.step_key}" '
                "was not produced (that step did not succeed)"
            )
        step = payload.plan.steps[self.step_key]
        keys = [step.definition.output_def_named(output_name).io_manager_key]
        emitter = _SilentEmitter(payload.run_id, payload.pipeline_name, self.step_key)
        run = StepRun(payload, step, emitter, run_resources(payload, keys), {step.key: upstream})
        frame = load_ref(run, output_name, OutputRef(self.step_key, output_name))
        frame = frame.astype(self.meta.dtypes.to_dict())[list(self.meta.columns)]
        return frame if columns is None else frame[columns]


class _SilentEmitter(StepEmitter):
    """Events of a hand-off read are not the reading step's to report."""

    def emit(
        self,
        event_type: DaskflowEventType,
        message: str = "",
        level: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        return None


def failed_partitions(parts: list[PartResult]) -> list[PartResult]:
    return [p for p in parts if p.failures]


def describe_partition_failures(
    step_key: str, output_name: str, parts: list[PartResult], total: int
) -> str:
    """``Type check failed for output "x" of solid "s" in partition 3 of 16: ...``."""
    bad = failed_partitions(parts)
    shown = "; ".join(
        f"partition {p.index}: " + ", ".join(f.message for f in p.failures) for p in bad[:5]
    )
    more = f" (and {len(bad) - 5} more partitions)" if len(bad) > 5 else ""
    where = "partition" if len(bad) == 1 else "partitions"
    return (
        f'Type check failed for output "{output_name}" of solid "{step_key}" in '
        f"{len(bad)} {where} of {total}: {shown}{more}"
    )
