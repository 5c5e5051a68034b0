"""An in-memory output handed to a deferred step as its computed partitions.

A deferred Dask step (``lazy.deferred``) reading an in-memory output (``mem_io_manager``)
gets a Dask frame of the output's partitions as the run's graph computed them, not one
concatenated frame: what its body computes (an aggregate ending in ``.compute()``) runs
partition-parallel as in a hand-written query, and nothing is copied into one frame first.

- On the local schedulers a ``<solid>_hand`` task collects the partitions
  (:class:`HandedPartitions`); the deferred step's frame reads them from memory.
- On a cluster the partitions stay on the workers that computed them: the coordinator holds
  their keys for the run (``CompiledRun.held_keys``) and the deferred step's task gets only
  the keys (:class:`HandedKeys`), which its frame reads as futures of its worker client.

>>> import pandas as pd
>>> parts = [pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]})]
>>> handed = hand_partitions("load", parts[0].iloc[:0], (None, None, None), parts)
>>> frame = handed.collection()
>>> frame.npartitions, int(frame.x.sum().compute(scheduler="sync"))
(2, 6)
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dask.base import tokenize
from dask.task_spec import DataNode, GraphNode, List, Task, TaskRef

from daskflow.engine.lazy.graph import TaskFailure, collection_tasks, failure_in

__all__ = ["HandedOutput", "HandedKeys", "HandedPartitions", "hand_output", "hand_partitions"]


@dataclass(frozen=True)
class HandedOutput(ABC):
    """Step ``step_key``'s in-memory output as a deferred step receives it."""

    step_key: str
    meta: pd.DataFrame | pd.Series
    divisions: tuple[Any, ...]

    @abstractmethod
    def collection(self) -> Any:
        """A Dask collection of the output's partitions."""

    def _divisions(self, npartitions: int) -> tuple[Any, ...] | None:
        return self.divisions if len(self.divisions) == npartitions + 1 else None


@dataclass(frozen=True)
class HandedPartitions(HandedOutput):
    """The partitions themselves (the local schedulers: shared memory)."""

    parts: list[pd.DataFrame | pd.Series]

    def collection(self) -> Any:
        import dask.dataframe as dd

        return dd.from_map(
            _partition,
            range(len(self.parts)),
            args=[_Parts(self.parts)],
            meta=self.meta,
            divisions=self._divisions(len(self.parts)),
            label=f"{self.step_key}_load",
            enforce_metadata=False,
        )


@dataclass(frozen=True)
class HandedKeys(HandedOutput):
    """The partitions' keys on the cluster (held there by the coordinator for the run)."""

    keys: tuple[Any, ...]

    def collection(self) -> Any:
        import dask.dataframe as dd
        from distributed import Future, get_client

        client = get_client()  # the deferred step's worker client
        return dd.from_map(
            _partition_or_raise,
            [Future(key, client) for key in self.keys],
            meta=self.meta,
            divisions=self._divisions(len(self.keys)),
            label=f"{self.step_key}_load",
            enforce_metadata=False,
        )


def hand_output(  # noqa: PLR0913 (where the graph goes and what it hands on)
    graph: dict[Any, GraphNode],
    step_key: str,
    output_name: str,
    run_id: str,
    value: Any,
    held: list[Any] | None,
) -> GraphNode | TaskRef:
    """Add the tasks computing the handed-on collection ``value`` to ``graph``; the node a
    deferred step reads it from. With ``held`` (a cluster) the partitions' keys are added
    to it, for the coordinator to hold, and the node is those keys; otherwise it is a
    ``<solid>_hand`` task collecting the partitions."""
    collection = value.optimize()
    tasks, keys = collection_tasks(collection, step_key, run_id, optimize=False)
    graph.update(tasks)
    meta, divisions = collection._meta, tuple(collection.divisions)
    if held is not None:
        held.extend(keys)
        return DataNode(None, HandedKeys(step_key, meta, divisions, tuple(keys)))
    key = f"{step_key}_hand-{tokenize(run_id, step_key, output_name)}"
    graph[key] = Task(
        key,
        hand_partitions,
        step_key,
        DataNode(None, meta),
        DataNode(None, divisions),
        List(*(TaskRef(k) for k in keys)),
    )
    return TaskRef(key)


def hand_partitions(
    step_key: str,
    meta: pd.DataFrame | pd.Series,
    divisions: tuple[Any, ...],
    parts: list[Any],
) -> HandedPartitions | TaskFailure:
    """The ``<solid>_hand`` task: the partitions (or the first partition failure)."""
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


def _partition_or_raise(part: Any, columns: list[str] | None = None) -> Any:
    if isinstance(part, TaskFailure):
        raise part.as_error()
    return part if columns is None else part[columns]
