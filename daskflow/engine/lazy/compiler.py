"""Compiling Dask DataFrame steps: the solid runs on the coordinator, its result joins the graph.

A step is *lazy* when one of its inputs or outputs has a Dask frame type (``DaskDataFrame``
or ``dataframe_type(..., dask=True)``). While the run's graph is built, the coordinator
calls the solid on lazy inputs (config loaders read only metadata; upstream outputs are
``dd.from_map`` reads of partitions not yet written) and turns what it returns into tasks:

- persisted output (``fs_io_manager``): the optimized collection's tasks, one
  ``<solid>_write`` task per partition, and the step's ``<solid>_commit`` task;
- persisted output that is an unmodified parquet read (``return lineitem`` for a
  ``parquet:`` input, or ``return dd.read_parquet(...)``): recorded by reference, not
  copied; ``<solid>_check`` tasks run the type's value rules per partition (none when it
  has only columns and dtypes, already checked from the metadata), the commit writes the
  manifest, and lazy consumers read the source directly;
- in-memory output (``mem_io_manager``): the collection is handed on to lazy consumers
  (its schema checked inside each partition's task); it is computed here only for pandas
  consumers or when nothing reads it (then the commit gathers it);
- any other value is stored by the commit task like an eager step's output.

What the solid cannot know while building (a partition failing) fails the step in its
commit task (``commit``); an error raised while building fails it at once. A step whose
upstream Dask DataFrame step already failed while building is skipped here, by the same
rule as every step (``step.outcome.blocked_reason``). Its inputs come from ``inputs``.
Build-time events (STEP_START, input checks, ``context.log``) are sent from the
coordinator, the rest from the commit.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import dask
import pandas as pd
from dask.base import is_dask_collection, tokenize
from dask.delayed import Delayed
from dask.task_spec import DataNode, GraphNode, List, Task, TaskRef

from daskflow.engine.lazy.build_events import BuildEmitter
from daskflow.engine.lazy.commit import CommitSpec, commit_step, start_step
from daskflow.engine.lazy.eager import EagerCall, refusing_eager_calls
from daskflow.engine.lazy.graph import (
    collection_tasks,
    dict_node,
    finalize_parts,
    gathered_frame,
)
from daskflow.engine.lazy.handed import hand_output
from daskflow.engine.lazy.inputs import LazyInputs, LazyValues
from daskflow.engine.lazy.partitions import (
    PartitionReader,
    check_only,
    has_value_rules,
    output_schema,
    series_frame,
    write_checked,
    write_partition,
)
from daskflow.engine.lazy.provenance import CheckedFrames
from daskflow.engine.lazy.values import (
    check_meta,
    inline_checked,
    is_dask_frame,
    is_lazy_step,
    read_only_lazily,
    wants_pandas,
)
from daskflow.engine.planning.plan import PARENT, UPSTREAM
from daskflow.engine.process.expr_locks import release_expression_locks
from daskflow.engine.step import step_io
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.invoke import run_compute_with_retries
from daskflow.engine.step.outcome import StepResult, blocked_reason, fail_step, skip_step
from daskflow.engine.step.scheduling import scheduler_kind
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType
from daskflow.io_managers import PartitionedIOManager, ReferenceIOManager, SourceReference

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import dask.dataframe as dd

    from daskflow.definitions.io_defs import OutputDefinition
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.engine.planning.plan import ExecutionStep
    from daskflow.types import DataFrameSchema

__all__ = ["LazyCompiler", "is_lazy_step"]


@dataclass
class _StepBuild:
    """One Dask DataFrame step being built: its run and its outputs' pieces of the graph."""

    run: StepRun
    parts: dict[str, list[TaskRef]] = field(default_factory=dict)  # partition tasks
    values: dict[str, GraphNode | TaskRef] = field(default_factory=dict)  # computed whole
    handed_on: dict[str, str] = field(default_factory=dict)  # lazy outputs without tasks
    references: dict[str, SourceReference] = field(default_factory=dict)


class LazyCompiler:
    """Adds lazy steps to a run's graph.

    ``lazy_values`` holds each lazy step's outputs as its consumers see them; ``handed_on``
    the in-memory ones that no task computes (the run's result returns them lazy).
    """

    def __init__(
        self,
        payload: RunPayload,
        payload_key: str,
        graph: dict[Any, GraphNode],
        step_task_keys: dict[str, str],
        inputs: LazyInputs | None = None,
    ):
        self.payload = payload
        self.payload_key = payload_key
        self.graph = graph
        self.step_task_keys = step_task_keys
        self.inputs = inputs or LazyInputs(payload, payload_key, step_task_keys, {})
        self.lazy_values: LazyValues = self.inputs.lazy_values
        self.handed_on: LazyValues = {}  # lazy outputs nothing computes
        # in a deferred step's task the body may compute (its inputs exist)
        self.eager_allowed = self.inputs.concrete
        self.deferred: set[str] = set()  # steps run by a task once their upstream has run
        self._handed: dict[tuple[str, str], GraphNode | TaskRef] = {}  # see handed_inputs
        self.held_keys: list[Any] = []  # partitions the coordinator holds (a cluster)
        self._on_cluster = scheduler_kind(payload.resolved.execution) == "distributed"
        self._fused: dict[str, list[str]] = {}  # step -> in-memory steps fused into it
        # what a deferred step returned: its persisted partitions (futures on a cluster)
        # must stay referenced until its graph has run
        self.returned: list[Any] = []
        self._partition_keys: dict[tuple[str, str], list[Any]] = {}  # computed partitions
        self._results: dict[str, StepResult] = {}  # steps that ended while being built
        self._checked = CheckedFrames()  # outputs whose value rules hold in every partition

    def task_key(self, step_key: str) -> str:
        return f"{step_key}_commit-{tokenize(self.payload.run_id, step_key)}"

    def add(self, step: ExecutionStep) -> str | None:
        """Build ``step`` into the graph: the key of its commit (or result) task, or None
        when it is deferred (it computes while building, or reads a deferred step)."""
        release_expression_locks()  # before building Dask expressions, maybe in threads
        key = self.task_key(step.key)
        if any(k in self.deferred for k in step.upstream_keys):
            self._defer(step)
            return None
        emitter = BuildEmitter(
            self.payload.run_id,
            self.payload.pipeline_name,
            step.key,
            self.payload.resolved.secrets,
            hold=not self.eager_allowed,
        )
        started = time.time()
        known = {k: self._results[k] for k in step.upstream_keys if k in self._results}
        blocked = blocked_reason(step.key, step.inputs, known)
        if blocked is not None:
            emitter.release()
            return self._constant(key, skip_step(step.key, emitter, blocked))
        try:
            build = self._attempt(step, emitter)
        except StepError as exc:
            emitter.release()
            return self._constant(key, fail_step(step.key, emitter, exc))
        if build is None:
            self._defer(step)
            return None
        emitter.flush()
        self._commit_task(key, step, emitter, build, started)
        return key

    def _attempt(self, step: ExecutionStep, emitter: BuildEmitter) -> _StepBuild | None:
        """Build the step; None when it made an eager call (what it added is dropped)."""
        graph_before, values_before = set(self.graph), set(self.lazy_values)
        reads_upstream = any(i.source in (UPSTREAM, PARENT) for i in step.inputs)
        refusing = refusing_eager_calls(reads_upstream)
        try:
            with contextlib.nullcontext() if self.eager_allowed else refusing:
                return self._build(step, emitter)
        except EagerCall:  # abandoned: its tasks and held events are dropped
            for dropped in set(self.graph) - graph_before:
                del self.graph[dropped]
            for dropped_value in set(self.lazy_values) - values_before:
                del self.lazy_values[dropped_value]
            return None

    def _commit_task(
        self,
        key: str,
        step: ExecutionStep,
        emitter: BuildEmitter,
        build: _StepBuild,
        started: float,
    ) -> None:
        spec = CommitSpec(
            emitter.sent,
            started,
            build.handed_on,
            emitter.deferred,
            build.references,
            build_seconds=time.time() - started,
            fused_from=self._fused_from(step),
            built_in_task=self.inputs.concrete,
        )
        upstream = List(*(TaskRef(self.step_task_keys[k]) for k in step.upstream_keys))
        self.graph[key] = Task(
            key,
            commit_step,
            TaskRef(self.payload_key),
            step.key,
            DataNode(None, spec),
            upstream,
            dict_node({n: List(*refs) for n, refs in build.parts.items()}),
            dict_node(build.values),
            self._start_task(step.key, emitter, upstream),
        )

    def _fused_from(self, step: ExecutionStep) -> list[str]:
        """The in-memory upstream steps (transitively) whose work runs in this step's tasks:
        their keys carry this solid's name, so time is attributed back through this list."""
        chain: list[str] = []
        for inp in step.inputs:
            for ref in inp.refs if inp.source == UPSTREAM else ():
                if (ref.node, ref.output) in self.handed_on and ref.node not in chain:
                    chain += [ref.node, *self._fused.get(ref.node, [])]
        self._fused[step.key] = list(dict.fromkeys(chain))
        return self._fused[step.key]

    def _start_task(
        self, step_key: str, emitter: BuildEmitter, upstream: List
    ) -> GraphNode | TaskRef:
        """``<solid>_start``: sends the held build events when the step's upstream is done.

        The step shows running from then, and its duration counts from then (the build,
        on the coordinator before anything ran, is reported apart as ``build_seconds``).
        """
        if not emitter.holding:  # a deferred step's own task: it started already
            return DataNode(None, None)
        key = f"{step_key}_start-{tokenize(self.payload.run_id, step_key)}"
        self.graph[key] = Task(
            key, start_step, self.payload.run_id, DataNode(None, emitter.take_held()), upstream
        )
        return TaskRef(key)

    def _defer(self, step: ExecutionStep) -> None:
        """Mark the step deferred: the caller adds the task that runs it (``deferred``)."""
        self.deferred.add(step.key)

    def handed_inputs(self, step: ExecutionStep) -> dict[tuple[str, str], GraphNode | TaskRef]:
        """For a deferred step: how it reads each in-memory collection no task computes
        (``lazy.handed``: the partitions; on a cluster their keys, held by the coordinator)."""
        held = self.held_keys if self._on_cluster else None
        wanted = {(r.node, r.output) for i in step.inputs if i.source == UPSTREAM for r in i.refs}
        for ref in wanted & self.handed_on.keys() - self._handed.keys():
            value, run_id = self.handed_on[ref], self.payload.run_id
            self._handed[ref] = hand_output(self.graph, *ref, run_id, value, held)
        return {ref: node for ref, node in self._handed.items() if ref in wanted}

    def _constant(self, key: str, result: StepResult) -> str:
        self._results[result.step_key] = result
        self.graph[key] = DataNode(key, result)
        return key

    # -- building ------------------------------------------------------------------------
    def _build(self, step: ExecutionStep, emitter: BuildEmitter) -> _StepBuild:
        run = StepRun.open(self.payload, step, emitter)
        emitter.emit(
            DaskflowEventType.STEP_START, f'Started building the Dask graph of step "{step.key}".'
        )
        outputs = run_compute_with_retries(run, self.inputs.load(run))
        build = _StepBuild(run)
        for name, output in outputs.items():
            try:
                self._output(build, name, output.value)
            except StepError:
                raise
            except Exception as exc:  # optimizing the collection can surface user errors
                raise StepError(
                    f'Building the Dask graph of output "{name}" of solid '
                    f'"{step.key}" failed: {type(exc).__name__}: {exc}',
                    exc,
                ) from exc
        return build

    def _output(self, build: _StepBuild, name: str, value: Any) -> None:
        run = build.run
        output_def = run.definition.output_def_named(name)
        if self.eager_allowed:
            self.returned.append(value)
        if is_dask_collection(value) and not is_dask_frame(value) and self.eager_allowed:
            value = value.compute()  # a Delayed or a lazy scalar: its value is the output
        if not is_dask_collection(value):
            build.values[name] = DataNode(None, value)
            self.lazy_values[(run.key, name)] = value
            return
        if not is_dask_frame(value) or wants_pandas(output_def.daskflow_type):
            gathered = build.values[name] = self._materialize(run.key, name, value)
            if is_dask_frame(value):  # Dask consumers read the gathered frame lazily
                self.lazy_values[(run.key, name)] = gathered_frame(run.key, value._meta, gathered)
            return
        check_meta(run, name, output_def.daskflow_type, value)
        manager = run.io_manager(output_def.io_manager_key)
        if manager.keeps_values_in_graph:
            self._in_memory(build, output_def, value)
        elif isinstance(manager, PartitionedIOManager):
            manager.begin_output(run.output_context(output_def))
            if isinstance(manager, ReferenceIOManager) and self._by_reference(
                build, output_def, value
            ):
                return
            self._persisted(build, output_def, manager, value)
        else:  # an IO manager without partition writes gets the computed pandas frame
            build.values[name] = self._materialize(run.key, name, value)

    def _in_memory(self, build: _StepBuild, output_def: OutputDefinition, value: Any) -> None:
        """An in-memory output: handed on to lazy readers, or gathered by the commit."""
        run, name = build.run, output_def.name
        checks = self._unproven_checks(output_def, value)
        lazy = self.lazy_values[(run.key, name)] = inline_checked(run.key, name, checks, value)
        self._checked.add(lazy, output_schema(output_def.daskflow_type))
        if not self.eager_allowed and read_only_lazily(self.payload, run.key, name):
            build.handed_on[name] = "in memory"
            self.handed_on[(run.key, name)] = lazy
            step_io.check_type(run, "output", name, output_def.daskflow_type, value)
            return
        build.parts[name] = self._partition_writes(run.key, name, value.optimize(), checks)

    def _persisted(
        self,
        build: _StepBuild,
        output_def: OutputDefinition,
        manager: PartitionedIOManager,
        value: dd.DataFrame,
    ) -> None:
        """An output written partition by partition. Lazy readers in this run take each
        partition from memory once it passed its value rules, if any (write-through: the
        write goes on beside them); re-executions and later runs read the parts."""
        run, name = build.run, output_def.name
        collection = value.optimize()
        checks = self._unproven_checks(output_def, value)
        gates: list[TaskRef | None]  # what each partition's readers wait for
        if has_value_rules(checks):  # <solid>_check per partition, then its <solid>_write
            checked = self._partition_writes(run.key, name, collection, checks, check_only, "check")
            writes = build.parts[name] = self._writes_after(run.key, name, checked)
            gates = list(checked)
        else:
            writes = build.parts[name] = self._partition_writes(run.key, name, collection, checks)
            gates = [None] * len(writes)
        context = run.output_context(output_def)
        urls = [manager.part_url(context, i) for i in range(len(writes))]
        self.lazy_values[(run.key, name)] = self._gated_read(
            run.key, output_def, collection, urls, gates
        )

    def _gated_read(
        self,
        step_key: str,
        output_def: OutputDefinition,
        collection: Any,
        urls: Sequence[str | None],
        gates: Sequence[TaskRef | None],
    ) -> Any:
        """What lazy readers in the run see: each computed partition once its gate (its
        check) passed, read as ``PartitionReader`` reads it; recorded as checked."""
        import dask.dataframe as dd

        name, meta = output_def.name, collection._meta
        read = dd.from_map(
            PartitionReader(step_key, name, output_def.io_manager_key),
            list(urls),
            list(gates),
            [TaskRef(self.payload_key)] * len(gates),
            [TaskRef(k) for k in self._partition_keys[(step_key, name)]],
            meta=series_frame(meta) if isinstance(meta, pd.Series) else meta,
            divisions=collection.divisions,
            label=f"{step_key}_load",
            enforce_metadata=False,
        )  # a Series is written as a one-column frame: read back as the Series
        self._checked.add(read, output_schema(output_def.daskflow_type))
        return read.iloc[:, 0] if isinstance(meta, pd.Series) else read

    def _by_reference(self, build: _StepBuild, output_def: OutputDefinition, value: Any) -> bool:
        """Record an unmodified parquet read by reference (True) instead of copying it."""
        reference = SourceReference.from_collection(value)
        if reference is None:
            return False
        run, name = build.run, output_def.name
        build.references[name] = reference
        build.parts[name] = []
        self.lazy_values[(run.key, name)] = value  # without value rules: read the source
        if has_value_rules(output_schema(output_def.daskflow_type)):  # read what was checked
            collection = value.optimize()
            checks = self._partition_writes(run.key, name, collection, None, check_only, "check")
            build.parts[name] = checks
            self.lazy_values[(run.key, name)] = self._gated_read(
                run.key, output_def, collection, [None] * len(checks), checks
            )
        return True

    def _unproven_checks(self, output_def: OutputDefinition, value: Any) -> DataFrameSchema | None:
        """The output's schema without the rules checked upstream outputs already prove."""
        schema = output_schema(output_def.daskflow_type)
        return None if schema is None else self._checked.unproven(value, schema)

    def _partition_writes(
        self,
        step_key: str,
        name: str,
        collection: dd.DataFrame,
        checks: DataFrameSchema | None,
        task: Callable[..., Any] = write_partition,
        kind: str = "write",
    ) -> list[TaskRef]:
        """One ``<solid>_<kind>`` task per partition, checking ``checks`` (None: the
        output's declared schema)."""
        run_id = self.payload.run_id
        tasks, keys = collection_tasks(collection, step_key, run_id, optimize=False)
        self.graph.update(tasks)
        self._partition_keys[(step_key, name)] = keys
        write_name = f"{step_key}_{kind}-{tokenize(run_id, step_key, name)}"
        refs = []
        for index, key in enumerate(keys):
            write_key = (write_name, index)
            self.graph[write_key] = Task(
                write_key,
                task,
                TaskRef(self.payload_key),
                step_key,
                name,
                index,
                TaskRef(key),
                DataNode(None, checks),
            )
            refs.append(TaskRef(write_key))
        return refs

    def _writes_after(self, step_key: str, name: str, checks: list[TaskRef]) -> list[TaskRef]:
        """``<solid>_write`` per partition, storing it once its check passed."""
        write_name = f"{step_key}_write-{tokenize(self.payload.run_id, step_key, name)}"
        keys, payload = self._partition_keys[(step_key, name)], TaskRef(self.payload_key)
        for index, (key, check) in enumerate(zip(keys, checks, strict=True)):
            at = (write_name, index)
            self.graph[at] = Task(at, write_checked, payload, step_key, TaskRef(key), check)
        return [TaskRef((write_name, index)) for index in range(len(keys))]

    def _materialize(self, step_key: str, name: str, value: Any) -> TaskRef:
        """A task computing the whole collection (for pandas-typed outputs and scalars)."""
        # a Delayed has no optimize(); dask-expr collections must use theirs (pitfall 1)
        collection = dask.optimize(value)[0] if isinstance(value, Delayed) else value.optimize()
        tasks, keys = collection_tasks(collection, step_key, self.payload.run_id, optimize=False)
        self.graph.update(tasks)
        finalize, extra = collection.__dask_postcompute__()
        key = f"{step_key}_gather-{tokenize(self.payload.run_id, step_key, name)}"
        self.graph[key] = Task(
            key,
            finalize_parts,
            DataNode(None, finalize),
            DataNode(None, tuple(extra)),
            List(*(TaskRef(k) for k in keys)),
        )
        return TaskRef(key)
