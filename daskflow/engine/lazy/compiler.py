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
commit task; an error raised while building fails it at once. Build-time events (STEP_START,
input checks, ``context.log``) are sent from the coordinator, the rest from the commit.
"""

from __future__ import annotations

import time
from typing import Any

from dask._task_spec import DataNode, Dict, List, Task, TaskRef
from dask.base import tokenize

from daskflow.engine.lazy.commit import CommitSpec, commit_step
from daskflow.engine.lazy.graph import collection_tasks, failure_in
from daskflow.engine.lazy.partitions import (
    PartitionReader,
    TaskOutputReader,
    check_only,
    has_value_rules,
    output_schema,
    write_partition,
)
from daskflow.engine.lazy.values import (
    check_meta,
    inline_checked,
    is_dask_collection,
    is_dask_frame,
    is_lazy_step,
    schema_meta,
    wants_pandas,
)
from daskflow.engine.planning.plan import NOTHING, PARENT, UPSTREAM
from daskflow.engine.step import step_io
from daskflow.engine.step.context import SolidExecutionContext
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError, error_data, picklable
from daskflow.engine.step.invoke import run_compute_with_retries
from daskflow.engine.step.task import CANCELED, FAILURE, SKIPPED, StepResult
from daskflow.events import DaskflowEventType

__all__ = ["LazyCompiler", "is_lazy_step"]

_DEFERRED = frozenset(
    {DaskflowEventType.ASSET_MATERIALIZATION, DaskflowEventType.STEP_EXPECTATION_RESULT}
)


class _BuildEmitter(StepEmitter):
    """Sends build-time events now; holds back assets and expectations for the commit."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.deferred: list[tuple[Any, str, dict[str, Any]]] = []

    def emit(
        self,
        event_type: DaskflowEventType,
        message: str = "",
        level: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        if event_type in _DEFERRED:
            self.deferred.append((event_type, message, data or {}))
            return None
        return super().emit(event_type, message, level, data)


class LazyCompiler:
    """Adds lazy steps to a run's graph.

    ``lazy_values`` holds each lazy step's outputs as its consumers see them; ``handed_on``
    the in-memory ones that no task computes (the run's result returns them lazy).
    """

    def __init__(
        self, payload: Any, payload_key: str, graph: dict[Any, Any], step_task_keys: dict[str, str]
    ):
        self.payload = payload
        self.payload_key = payload_key
        self.graph = graph
        self.step_task_keys = step_task_keys
        self.lazy_values: dict[tuple[str, str], Any] = {}
        self.handed_on: dict[tuple[str, str], Any] = {}  # lazy outputs nothing computes
        self._status: dict[str, str] = {}
        self._references: dict[str, Any] = {}  # the step being built: outputs by reference

    def task_key(self, step_key: str) -> str:
        return f"{step_key}_commit-{tokenize(self.payload.run_id, step_key)}"

    def add(self, step: Any) -> str:
        key = self.task_key(step.key)
        payload = self.payload
        emitter = _BuildEmitter(
            payload.run_id, payload.pipeline_name, step.key, payload.resolved.secrets
        )
        started = time.time()
        blocked = self._blocked(step)
        if blocked is not None:
            status, message = blocked
            emitter.emit(DaskflowEventType.STEP_SKIPPED, message)
            return self._constant(key, StepResult(step.key, status, emitter.sent))
        self._references = {}
        try:
            parts, values, handed_on = self._build(step, emitter)
        except StepError as exc:
            emitter.failure(exc.message, error_data(exc.user_error or exc))
            self._status[step.key] = FAILURE
            return self._constant(
                key,
                StepResult(step.key, FAILURE, emitter.sent, error=picklable(exc.user_error or exc)),
            )
        spec = CommitSpec(
            emitter.sent,
            started,
            handed_on,
            emitter.deferred,
            self._references,
            build_seconds=time.time() - started,
        )
        upstream = [TaskRef(self.step_task_keys[k]) for k in step.upstream_keys]
        self.graph[key] = Task(
            key,
            commit_step,
            TaskRef(self.payload_key),
            step.key,
            DataNode(None, spec),
            List(*upstream),
            Dict({n: List(*refs) for n, refs in parts.items()}),
            Dict(values),
        )
        return key

    def _constant(self, key: str, result: StepResult) -> str:
        self._status.setdefault(result.step_key, result.status)
        self.graph[key] = DataNode(key, result)
        return key

    def _blocked(self, step: Any) -> tuple[str, str] | None:
        failed = [k for k in step.upstream_keys if self._status.get(k) in (FAILURE, SKIPPED)]
        if failed:
            return SKIPPED, (
                f'Skipped step "{step.key}": upstream step(s) {", ".join(failed)} did not succeed.'
            )
        if any(self._status.get(k) == CANCELED for k in step.upstream_keys):
            return CANCELED, f'Skipped step "{step.key}": the run was canceled.'
        return None

    # -- building ------------------------------------------------------------------------
    def _build(self, step: Any, emitter: _BuildEmitter) -> tuple[dict, dict, dict]:
        payload = self.payload
        definition = step.definition
        resources = step_io.step_resources(payload, step)
        emitter.emit(
            DaskflowEventType.STEP_START, f'Started building the Dask graph of step "{step.key}".'
        )
        inputs = self._inputs(step, resources, emitter)
        solid_resources = step_io.only_resources(resources, definition.required_resource_keys)
        context = SolidExecutionContext(
            payload.run_id,
            payload.pipeline_name,
            step.key,
            definition,
            payload.resolved.solid_config(step.key),
            solid_resources,
            emitter,
            payload.mode,
        )
        outputs = run_compute_with_retries(context, step, inputs, emitter)
        parts: dict[str, list[TaskRef]] = {}
        values: dict[str, Any] = {}
        handed_on: dict[str, str] = {}
        for name, output in outputs.items():
            try:
                self._output(step, name, output.value, resources, emitter, parts, values, handed_on)
            except StepError:
                raise
            except Exception as exc:  # optimizing the collection can surface user errors
                raise StepError(
                    f'Building the Dask graph of output "{name}" of solid '
                    f'"{step.key}" failed: {type(exc).__name__}: {exc}',
                    exc,
                ) from exc
        return parts, values, handed_on

    def _inputs(self, step: Any, resources: Any, emitter: StepEmitter) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for inp in step.inputs:
            if inp.source == NOTHING:
                continue
            input_def = step.definition.input_def_named(inp.name)
            if inp.source in (UPSTREAM, PARENT):
                parents = inp.parent_runs or ("",) * len(inp.refs)
                loaded = [
                    self._upstream_value(step, inp.name, ref, parent, resources, emitter)
                    for ref, parent in zip(inp.refs, parents, strict=True)
                ]
                value = loaded if inp.fan_in else loaded[0]
            else:
                value = step_io.load_input_value(
                    self.payload, step, inp, input_def, {}, resources, emitter
                )
            step_io.check_type(
                step, "input", inp.name, input_def.daskflow_type, value, resources, emitter
            )
            values[inp.name] = value
        return values

    def _upstream_value(
        self,
        step: Any,
        input_name: str,
        ref: Any,
        parent_run: str,
        resources: Any,
        emitter: StepEmitter,
    ) -> Any:
        if parent_run:
            return self._parent_output(step, input_name, ref, parent_run, resources, emitter)
        if (ref.node, ref.output) in self.lazy_values:
            return self.lazy_values[(ref.node, ref.output)]
        if is_lazy_step(self.payload.plan.steps[ref.node]):
            raise StepError(
                f'Input "{input_name}" of solid "{step.key}": upstream output '
                f'"{ref}" was not produced'
            )
        return self._task_output(step, input_name, ref)

    def _task_output(self, step: Any, input_name: str, ref: Any) -> Any:
        """A pandas step's output as a one-partition Dask frame (schema from its type)."""
        import dask.dataframe as dd

        output_def = step_io.upstream_output_def(self.payload, ref)
        meta = schema_meta(output_def.daskflow_type)
        if meta is None:
            raise StepError(
                f'Input "{input_name}" of Dask DataFrame solid "{step.key}" comes from solid '
                f'"{ref.node}", a pandas solid whose output type does not declare its '
                "columns' dtypes. The Dask solid builds its graph before that solid runs, so "
                "declare the output with dataframe_type(name, {column: dtype, ...})."
            )
        reader = TaskOutputReader(ref.node, ref.output, meta)
        return dd.from_map(
            reader,
            [ref.output],
            [TaskRef(self.step_task_keys[ref.node])],
            [TaskRef(self.payload_key)],
            meta=meta,
            label=f"{ref.node}_load",
            enforce_metadata=False,
        )

    def _parent_output(
        self,
        step: Any,
        input_name: str,
        ref: Any,
        parent_run: str,
        resources: Any,
        emitter: StepEmitter,
    ) -> Any:
        """A parent run's stored output (re-execution): read lazily, partition by partition."""
        import dask.dataframe as dd

        output_def = step_io.upstream_output_def(self.payload, ref)
        manager = getattr(resources, output_def.io_manager_key)
        context = step_io.output_context(self.payload, ref.node, output_def, parent_run)
        if not hasattr(manager, "part_urls"):
            return step_io.load_ref(
                self.payload, step, input_name, ref, parent_run, {}, resources, emitter
            )
        try:  # an output recorded by reference is read from its (unchanged) source
            by_reference = manager.read_lazy(context) if hasattr(manager, "read_lazy") else None
        except Exception as exc:
            raise StepError(
                f'Could not load input "{input_name}" of solid "{step.key}" from '
                f'output "{ref}" of run {parent_run}: {exc}',
                exc,
            ) from exc
        if by_reference is not None:
            return by_reference
        urls = manager.part_urls(context)
        meta = manager.read_part(urls[0]).iloc[:0]
        reader = PartitionReader(ref.node, ref.output, output_def.io_manager_key)
        return dd.from_map(
            reader,
            urls,
            [None] * len(urls),
            [TaskRef(self.payload_key)] * len(urls),
            meta=meta,
            label=f"{ref.node}_load",
            enforce_metadata=False,
        )

    def _output(
        self,
        step: Any,
        name: str,
        value: Any,
        resources: Any,
        emitter: StepEmitter,
        parts: dict,
        values: dict,
        handed_on: dict,
    ) -> None:
        output_def = step.definition.output_def_named(name)
        if not is_dask_collection(value):
            values[name] = DataNode(None, value)
            self.lazy_values[(step.key, name)] = value
            return
        if not is_dask_frame(value) or wants_pandas(output_def.daskflow_type):
            values[name] = self._materialize(step, name, value)
            if is_dask_frame(value):  # Dask consumers read the gathered frame lazily
                self.lazy_values[(step.key, name)] = _gathered(step.key, value._meta, values[name])
            return
        check_meta(step, name, output_def.daskflow_type, value, resources, emitter)
        manager = getattr(resources, output_def.io_manager_key)
        if getattr(manager, "keeps_values_in_graph", False):
            self.lazy_values[(step.key, name)] = inline_checked(step.key, name, output_def, value)
            if self._read_only_lazily(step.key, name):
                handed_on[name] = "in memory"
                self.handed_on[(step.key, name)] = self.lazy_values[(step.key, name)]
                step_io.check_type(
                    step, "output", name, output_def.daskflow_type, value, resources, emitter
                )
                return
            parts[name] = self._partition_writes(step, name, value.optimize())
        elif hasattr(manager, "write_part"):
            context = step_io.output_context(self.payload, step.key, output_def)
            manager.begin_output(context)
            if self._by_reference(step, name, output_def, manager, value, parts):
                return
            collection = value.optimize()
            parts[name] = self._partition_writes(step, name, collection)
            self.lazy_values[(step.key, name)] = self._reader(
                step, name, output_def, manager, collection, parts[name]
            )
        else:  # an IO manager without partition writes gets the computed pandas frame
            values[name] = self._materialize(step, name, value)

    def _by_reference(
        self, step: Any, name: str, output_def: Any, manager: Any, value: Any, parts: dict
    ) -> bool:
        """Record an unmodified parquet read by reference (True) instead of copying it."""
        if not hasattr(manager, "commit_reference"):
            return False
        from daskflow.io_managers._reference import SourceReference

        reference = SourceReference.from_collection(value)
        if reference is None:
            return False
        self._references[name] = reference
        parts[name] = []
        if has_value_rules(output_schema(output_def.daskflow_type)):
            parts[name] = self._partition_writes(step, name, value.optimize(), check_only, "check")
        self.lazy_values[(step.key, name)] = value  # consumers read the source directly
        return True

    def _read_only_lazily(self, step_key: str, output_name: str) -> bool:
        """True when only lazy steps read the output (so nothing computes it here)."""
        consumers = [
            s
            for s in self.payload.plan.steps.values()
            for inp in s.inputs
            if inp.source == UPSTREAM
            for ref in inp.refs
            if (ref.node, ref.output) == (step_key, output_name)
        ]
        return bool(consumers) and all(is_lazy_step(s) for s in consumers)

    def _partition_writes(
        self,
        step: Any,
        name: str,
        collection: Any,
        task: Any = write_partition,
        kind: str = "write",
    ) -> list[TaskRef]:
        run_id = self.payload.run_id
        tasks, keys = collection_tasks(collection, step.key, run_id, optimize=False)
        self.graph.update(tasks)
        write_name = f"{step.key}_{kind}-{tokenize(run_id, step.key, name)}"
        refs = []
        for index, key in enumerate(keys):
            write_key = (write_name, index)
            self.graph[write_key] = Task(
                write_key, task, TaskRef(self.payload_key), step.key, name, index, TaskRef(key)
            )
            refs.append(TaskRef(write_key))
        return refs

    def _reader(
        self,
        step: Any,
        name: str,
        output_def: Any,
        manager: Any,
        collection: Any,
        writes: list[TaskRef],
    ) -> Any:
        import dask.dataframe as dd

        context = step_io.output_context(self.payload, step.key, output_def)
        urls = [manager.part_url(context, i) for i in range(len(writes))]
        reader = PartitionReader(step.key, name, output_def.io_manager_key)
        return dd.from_map(
            reader,
            urls,
            writes,
            [TaskRef(self.payload_key)] * len(urls),
            meta=collection._meta,
            divisions=collection.divisions,
            label=f"{step.key}_load",
            enforce_metadata=False,
        )

    def _materialize(self, step: Any, name: str, value: Any) -> TaskRef:
        """A task computing the whole collection (for pandas-typed outputs and scalars)."""
        collection = value.optimize()
        tasks, keys = collection_tasks(collection, step.key, self.payload.run_id, optimize=False)
        self.graph.update(tasks)
        finalize, extra = collection.__dask_postcompute__()
        key = f"{step.key}_gather-{tokenize(self.payload.run_id, step.key, name)}"
        self.graph[key] = Task(
            key,
            _finalize,
            DataNode(None, finalize),
            DataNode(None, tuple(extra)),
            List(*(TaskRef(k) for k in keys)),
        )
        return TaskRef(key)


def _gathered(step_key: str, meta: Any, gather: TaskRef) -> Any:
    import dask.dataframe as dd

    return dd.from_map(
        _pass_frame, [gather], meta=meta, label=f"{step_key}_load", enforce_metadata=False
    )


def _pass_frame(frame: Any, columns: list[str] | None = None) -> Any:
    return frame if columns is None else frame[columns]


def _finalize(finalize: Any, extra: tuple, parts: list[Any]) -> Any:
    failure = failure_in(parts)
    return failure if failure is not None else finalize(parts, *extra)
