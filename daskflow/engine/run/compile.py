"""Compiling an execution plan into ONE Dask graph.

One task per step, keyed ``<solid>-<token>`` so the Dask dashboard groups tasks by solid
(Dask's ``key_split`` keeps the first ``-`` word). Every step task depends on one data key
holding the run's payload, shipped once per worker, and on its upstream steps' tasks.
Dask DataFrame steps add their partition tasks (``<solid>-``, ``<solid>_write-``) and end
in a ``<solid>_commit-`` task (see ``engine.lazy``).

Their collections are built and optimized with the shuffle method (joins, groupbys with
``split_out``, ``set_index``, ``sort_values``) that works where the run executes
(``shuffle_method``): Dask's P2P shuffle finds its barrier task by name, which solid-named
keys change (distributed#7816), and its ``disk`` shuffle keeps partitions in files of one
machine.

>>> key = step_task_key("add_sugar_per_cup", "run1")
>>> from dask.utils import key_split
>>> key_split(key)
'add_sugar_per_cup'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dask
from dask.base import tokenize
from dask.task_spec import DataNode, GraphNode, Task, TaskRef

from daskflow.engine.lazy.compiler import LazyCompiler, is_lazy_step
from daskflow.engine.lazy.deferred import deferred_task
from daskflow.engine.step.scheduling import shuffle_method
from daskflow.engine.step.task import run_step

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload

__all__ = ["CompiledRun", "compile_run", "shuffle_method", "step_task_key"]


def step_task_key(step_key: str, run_id: str) -> str:
    return f"{step_key}-{tokenize(run_id, step_key)}"


class CompiledRun:
    """The graph, the key of each step's task, and the keys to compute.

    ``handed_on`` holds what Dask DataFrame steps handed on lazily without computing it;
    ``held_keys`` the partitions of those that deferred steps read on a cluster (computed
    and held by the coordinator for the run, not gathered).
    """

    def __init__(
        self,
        graph: dict[Any, GraphNode],
        step_keys: dict[str, str],
        handed_on: dict[tuple[str, str], Any] | None = None,
        shuffle_method: str | None = None,
        held_keys: list[Any] | None = None,
    ):
        self.graph = graph
        # what Dask DataFrame solids' shuffles were built with (None: the run has none)
        self.shuffle_method = shuffle_method
        self.handed_on = handed_on or {}
        # partitions a deferred step reads on a cluster: computed and held for the run
        self.held_keys = held_keys or []
        self.step_keys = step_keys  # step key -> Dask key
        self.dask_keys = list(step_keys.values())
        self._reverse = {v: k for k, v in step_keys.items()}

    def step_of(self, dask_key: str) -> str:
        return self._reverse[dask_key]


def compile_run(payload: RunPayload) -> CompiledRun:
    """The run's graph; Dask DataFrame solids run here, on lazy inputs."""
    shuffle = shuffle_method(payload.resolved.execution)
    with dask.config.set({"dataframe.shuffle.method": shuffle}):
        return _compile(payload, shuffle)


def _compile(payload: RunPayload, shuffle: str) -> CompiledRun:
    payload_key = f"daskflow_run-{tokenize(payload.run_id)}"
    graph: dict[Any, GraphNode] = {payload_key: DataNode(payload_key, payload)}
    keys: dict[str, str] = {}
    lazy = LazyCompiler(payload, payload_key, graph, keys)
    any_lazy = False
    for step in payload.plan.steps.values():
        if is_lazy_step(step):
            any_lazy = True
            built = lazy.add(step)
            if built is None:  # it computes while building: run by a task (lazy.deferred)
                built, task = deferred_task(
                    payload, payload_key, step, keys, lazy.handed_inputs(step), shuffle
                )
                graph[built] = task
            keys[step.key] = built
            continue
        key = step_task_key(step.key, payload.run_id)
        upstream = [TaskRef(keys[k]) for k in step.upstream_keys]
        graph[key] = Task(key, run_step, TaskRef(payload_key), step.key, *upstream)
        keys[step.key] = key
    return CompiledRun(graph, keys, lazy.handed_on, shuffle if any_lazy else None, lazy.held_keys)
