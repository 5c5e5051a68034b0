"""Turning a solid's dask collection into tasks of the run's graph, named after the solid.

A Dask DataFrame solid returns a lazy collection. ``collection_tasks`` optimizes it (Dask's
``compute`` would not fuse it, research pitfall 1), renames every task to
``<solid>-<token>`` so the dashboard's progress bars and task stream read as the pipeline,
and wraps each task in ``guarded``: an exception inside a partition becomes a
``TaskFailure`` value that flows downstream instead of aborting the whole run (Dask's
local schedulers stop everything on the first error), so independent branches finish and
the failing step reports which partition broke and why.

>>> import pandas as pd, dask, dask.dataframe as dd
>>> frame = dd.from_pandas(pd.DataFrame({"x": [1, 2, 3, 4]}), npartitions=2)
>>> divided = frame.x.map(lambda v: 10 // (v - 2), meta=("x", int))
>>> graph, keys = collection_tasks(divided, "divide", "run1")
>>> from dask.utils import key_split
>>> sorted({key_split(k) for k in graph})
['divide']
>>> parts = dask.get(graph, keys)
>>> parts[0]
TaskFailure('divide', 'ZeroDivisionError: integer division or modulo by zero')
>>> parts[1].tolist()
[10, 5]
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from typing import Any

# dask.task_spec does not export convert_legacy_graph, and optimized collections still hold
# tasks in the legacy tuple form (shuffles, reductions): the one private name used.
from dask._task_spec import convert_legacy_graph
from dask.base import tokenize
from dask.task_spec import DataNode, GraphNode, List, Task, TaskRef

from daskflow.engine.step.errors import RemoteError

__all__ = [
    "TaskFailure",
    "collection_tasks",
    "dict_node",
    "failure_in",
    "finalize_parts",
    "gathered_frame",
    "guarded",
    "solid_key",
]


class TaskFailure:
    """What a guarded task returns instead of raising: the error and where it happened."""

    def __init__(self, step_key: str, error: BaseException, where: str):
        self.step_key = step_key
        self.where = where
        self.error_type = type(error).__name__
        self.message = str(error)
        self.traceback = "".join(traceback.format_exception(error))

    def describe(self) -> str:
        return f"{self.error_type}: {self.message}"

    def as_error(self) -> RemoteError:
        """The failure as an exception for the step that reports it (traceback kept)."""
        return RemoteError(self.error_type, self.message, self.traceback)

    def __repr__(self) -> str:
        return f"TaskFailure({self.step_key!r}, {self.describe()!r})"


def failure_in(values: Any) -> TaskFailure | None:
    """The first ``TaskFailure`` among ``values`` (a mapping, a sequence or one value)."""
    if isinstance(values, TaskFailure):
        return values
    if isinstance(values, Mapping):
        values = values.values()
    elif not isinstance(values, list | tuple):
        return None
    return next((v for v in values if isinstance(v, TaskFailure)), None)


def dict_node(mapping: Mapping[Any, Any]) -> GraphNode:
    """A node computing ``{name: value}`` from a mapping of names to graph nodes or values.

    ``dask.task_spec`` has no public ``Dict`` node; a task zipping names and values is one.
    """
    return Task(None, _zip_dict, tuple(mapping), List(*mapping.values()))


def _zip_dict(names: tuple[Any, ...], values: list[Any]) -> dict[Any, Any]:
    return dict(zip(names, values, strict=True))


def guarded(step_key: str, node: GraphNode, dependencies: dict[Any, Any]) -> Any:
    """Run one task of a collection; an upstream failure or an error becomes a value."""
    upstream = failure_in(dependencies)
    if upstream is not None:
        return upstream
    try:
        return node(dependencies)
    except Exception as exc:
        return TaskFailure(step_key, exc, f"task {node.key!r}")


def solid_key(key: Any, solid: str, run_id: str) -> Any:
    """The task key ``key`` gets in the run's graph: prefixed by the solid's name."""
    if isinstance(key, tuple):
        return (f"{solid}-{tokenize(run_id, key[0])}", *key[1:])
    return f"{solid}-{tokenize(run_id, key)}"


def collection_tasks(
    collection: Any, step_key: str, run_id: str, optimize: bool = True
) -> tuple[dict[Any, GraphNode], list[Any]]:
    """The optimized collection's tasks (renamed, guarded) and its output keys in order.

    Dependencies outside the collection (tasks of other steps, such as the writes a
    partition read waits for) keep their names.
    """
    if optimize:
        collection = collection.optimize()
    graph = convert_legacy_graph(dict(collection.__dask_graph__()))
    renamed = {key: solid_key(key, step_key, run_id) for key in graph}
    tasks: dict[Any, GraphNode] = {}
    for key, node in graph.items():
        new_key = renamed[key]
        if isinstance(node, DataNode):  # data (a persisted partition's future): as it is
            tasks[new_key] = DataNode(new_key, node.value)
            continue
        dependencies = {dep: TaskRef(renamed.get(dep, dep)) for dep in node.dependencies}
        tasks[new_key] = Task(
            new_key, guarded, step_key, DataNode(None, node), dict_node(dependencies)
        )
    keys = [renamed[key] for key in _flatten(collection.__dask_keys__())]
    return tasks, keys


def _flatten(keys: Any) -> list[Any]:
    if isinstance(keys, list):
        return [k for item in keys for k in _flatten(item)]
    return [keys]


def gathered_frame(step_key: str, meta: Any, gather: TaskRef) -> Any:
    """A one-partition Dask frame reading the value of the task ``gather`` (a whole output
    computed by a task), for Dask consumers of a gathered output."""
    import dask.dataframe as dd

    return dd.from_map(
        _pass_frame, [gather], meta=meta, label=f"{step_key}_load", enforce_metadata=False
    )


def _pass_frame(frame: Any, columns: list[str] | None = None) -> Any:
    return frame if columns is None else frame[columns]


def finalize_parts(finalize: Callable[..., Any], extra: tuple[Any, ...], parts: list[Any]) -> Any:
    """A collection's computed value from its partitions (or the first partition failure)."""
    failure = failure_in(parts)
    return failure if failure is not None else finalize(parts, *extra)
