"""An in-memory output handed to a deferred step as its computed partitions.

A deferred Dask step (``lazy.deferred``) reading an in-memory output (``mem_io_manager``)
gets the output's partitions, computed by the run's graph, not one concatenated frame:
its body sees a Dask frame with the same partitions, so what it computes (an aggregate
ending in ``.compute()``) runs partition-parallel as in a hand-written query, without
copying the whole output into one frame first. On a cluster the partitions are scattered
to the workers from the deferred step's task (``worker_client``) instead of travelling
inside the graph its body submits.

>>> import pandas as pd
>>> parts = [pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]})]
>>> handed = hand_partitions("load", parts[0].iloc[:0], (None, None, None), parts)
>>> frame = handed.collection("threads")
>>> frame.npartitions, int(frame.x.sum().compute(scheduler="sync"))
(2, 6)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dask.base import tokenize
from dask.task_spec import DataNode, GraphNode, List, Task, TaskRef

from daskflow.engine.lazy.graph import TaskFailure, collection_tasks, failure_in

__all__ = ["HandedPartitions", "add_hand_task", "hand_partitions"]


@dataclass(frozen=True)
class HandedPartitions:
    """The computed partitions of step ``step_key``'s in-memory output, with its metadata."""

    step_key: str
    meta: pd.DataFrame | pd.Series
    divisions: tuple[Any, ...]
    parts: list[pd.DataFrame | pd.Series]

    def collection(self, scheduler: str) -> Any:
        """A Dask collection of the partitions, as the deferred step's scheduler reads it."""
        import dask.dataframe as dd

        divisions = self.divisions if len(self.divisions) == len(self.parts) + 1 else None
        if scheduler == "distributed":
            from distributed import get_client

            futures = get_client().scatter(self.parts, hash=False)
            return dd.from_delayed(
                futures, meta=self.meta, divisions=divisions, prefix=f"{self.step_key}_load"
            )
        return dd.from_map(
            _partition,
            range(len(self.parts)),
            args=[_Parts(self.parts)],
            meta=self.meta,
            divisions=divisions,
            label=f"{self.step_key}_load",
            enforce_metadata=False,
        )


def add_hand_task(
    graph: dict[Any, GraphNode], step_key: str, output_name: str, run_id: str, value: Any
) -> TaskRef:
    """Add ``<solid>_hand`` (and the collection's own tasks) to ``graph``: its value is the
    handed-on collection ``value``'s computed partitions."""
    collection = value.optimize()
    tasks, keys = collection_tasks(collection, step_key, run_id, optimize=False)
    graph.update(tasks)
    key = f"{step_key}_hand-{tokenize(run_id, step_key, output_name)}"
    graph[key] = Task(
        key,
        hand_partitions,
        step_key,
        DataNode(None, collection._meta),
        DataNode(None, tuple(collection.divisions)),
        List(*(TaskRef(k) for k in keys)),
    )
    return TaskRef(key)


def hand_partitions(
    step_key: str,
    meta: pd.DataFrame | pd.Series,
    divisions: tuple[Any, ...],
    parts: list[Any],
) -> HandedPartitions | TaskFailure:
    """The task gathering a handed-on output's partitions (or the first partition failure)."""
    failure = failure_in(parts)
    if failure is not None:
        return failure
    return HandedPartitions(step_key, meta, tuple(divisions), list(parts))


class _Parts:
    """The partitions, tokenized by identity: hashing their data would cost a pass over it."""

    def __init__(self, parts: list[Any]):
        self.parts = parts
        self._token = uuid.uuid4().hex

    def __dask_tokenize__(self) -> str:
        return self._token


def _partition(index: int, parts: _Parts, columns: list[str] | None = None) -> Any:
    part = parts.parts[index]
    return part if columns is None else part[columns]
