"""Deferred Dask steps: built and run by one task once their upstream steps have run.

See ``lazy.eager`` for when a step is deferred. Its task, ``run_deferred``, skips it by
the one rule (``blocked_reason``) or builds it with a ``LazyCompiler`` whose inputs exist
(``ConcreteInputs``: an upstream Dask step's persisted output read lazily from its parts,
an in-memory Dask output as a Dask frame of its computed partitions (``lazy.handed``),
other in-memory outputs as the values their steps returned, a pandas value turned into a
one-partition Dask frame for a Dask-typed input), then computes the step's own graph on
the run's scheduler and returns its commit's ``StepResult``. The body runs once per
attempt of this task; eager calls in it go to the same scheduler.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from dask.base import tokenize
from dask.task_spec import DataNode, GraphNode, List, Task, TaskRef

from daskflow.engine.lazy.compiler import LazyCompiler
from daskflow.engine.lazy.graph import TaskFailure, dict_node
from daskflow.engine.lazy.handed import HandedOutput
from daskflow.engine.lazy.inputs import LazyInputs
from daskflow.engine.lazy.values import is_dask_frame_type
from daskflow.engine.process.cancel import is_canceled
from daskflow.engine.step import step_io
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.outcome import StepResult, blocked_reason, skip_step
from daskflow.engine.step.scheduling import scheduler_get, scheduler_kind
from daskflow.engine.step.step_run import upstream_output_def

if TYPE_CHECKING:
    from daskflow.definitions.graph import OutputRef
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.engine.planning.plan import ExecutionStep
    from daskflow.engine.step.step_run import StepRun

__all__ = ["ConcreteInputs", "deferred_task", "run_deferred"]

Handed = Mapping[tuple[str, str], Any]  # (step, output) -> an in-memory value, gathered


def deferred_task(  # noqa: PLR0913 (the task's graph inputs)
    payload: RunPayload,
    payload_key: str,
    step: ExecutionStep,
    step_task_keys: Mapping[str, str],
    handed: Mapping[tuple[str, str], GraphNode | TaskRef],
    shuffle: str,
) -> tuple[str, GraphNode]:
    """The key and task of deferred step ``step`` (named after its solid)."""
    key = f"{step.key}-{tokenize(payload.run_id, step.key, 'deferred')}"
    return key, Task(
        key,
        run_deferred,
        TaskRef(payload_key),
        step.key,
        scheduler_kind(payload.resolved.execution),
        shuffle,
        List(*(TaskRef(step_task_keys[k]) for k in step.upstream_keys)),
        dict_node(handed),
    )


def run_deferred(  # noqa: PLR0913 (the task's graph inputs)
    payload: RunPayload,
    step_key: str,
    scheduler: str,
    shuffle: str,
    upstream: list[StepResult],
    handed: Handed,
) -> StepResult:
    """The task of a deferred Dask step: build it on existing inputs, run its graph here."""
    step = payload.plan.steps[step_key]
    by_key = {r.step_key: r for r in upstream}
    blocked = blocked_reason(step_key, step.inputs, by_key, is_canceled(payload.run_id))
    if blocked is not None:
        emitter = StepEmitter(
            payload.run_id, payload.pipeline_name, step_key, payload.resolved.secrets
        )
        return skip_step(step_key, emitter, blocked)
    with scheduler_get(scheduler, shuffle) as get:
        graph, key, compiler = _step_graph(payload, step, by_key, handed)
        node = graph[key]
        if isinstance(node, DataNode):  # ended while being built (failed)
            result: StepResult = node.value
            return result
        computed: StepResult = get(graph, [key])[0]
        del compiler  # what the body returned (persisted futures) was held until now
        return computed


def _step_graph(
    payload: RunPayload, step: ExecutionStep, upstream: dict[str, StepResult], handed: Handed
) -> tuple[dict[Any, GraphNode], str, LazyCompiler]:
    """The step's own graph (its upstream results as data), the key of its result and the
    compiler that built it (holding what the body returned)."""
    payload_key = f"daskflow_run-{tokenize(payload.run_id, step.key, time.time())}"
    graph: dict[Any, GraphNode] = {payload_key: DataNode(payload_key, payload)}
    keys = {}
    for up_key, result in upstream.items():
        keys[up_key] = f"{up_key}_result-{tokenize(payload_key, up_key)}"
        graph[keys[up_key]] = DataNode(keys[up_key], result)
    inputs = ConcreteInputs(payload, payload_key, keys, {}, upstream, handed)
    compiler = LazyCompiler(payload, payload_key, graph, keys, inputs)
    key = compiler.add(step)
    if key is None:
        raise RuntimeError(f'step "{step.key}" was deferred inside its own deferred task')
    return graph, key, compiler


class ConcreteInputs(LazyInputs):
    """The inputs of a deferred step: its upstream outputs exist."""

    concrete = True

    def __init__(  # noqa: PLR0913 (the compiler's inputs plus what the task received)
        self,
        payload: RunPayload,
        payload_key: str,
        step_task_keys: dict[str, str],
        lazy_values: dict[tuple[str, str], Any],
        upstream: Mapping[str, StepResult],
        handed: Handed,
    ):
        super().__init__(payload, payload_key, step_task_keys, lazy_values)
        self.upstream = upstream
        self.handed = handed

    def _upstream_value(self, run: StepRun, input_name: str, ref: OutputRef, parent: str) -> Any:
        if parent:
            return super()._upstream_value(run, input_name, ref, parent)
        if (ref.node, ref.output) in self.handed:
            handed = self.handed[(ref.node, ref.output)]
            if isinstance(handed, TaskFailure):  # a partition of it failed
                raise StepError(
                    f'Input "{input_name}" of solid "{run.key}": upstream output "{ref}" '
                    f"failed in {handed.where}: {handed.describe()}",
                    handed.as_error(),
                )
            return handed.collection() if isinstance(handed, HandedOutput) else handed
        result = self.upstream[ref.node]
        if ref.output in result.values:
            return result.values[ref.output]
        if is_dask_frame_type(upstream_output_def(self.payload, ref).daskflow_type):
            return self._parent_output(run, input_name, ref, self.payload.run_id)  # its parts
        return step_io.load_ref(replace(run, upstream=self.upstream), input_name, ref)
