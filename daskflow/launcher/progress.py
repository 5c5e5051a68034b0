"""Live progress of a run's Dask tasks, per task prefix (``<solid>``, ``<solid>_write``,
``<solid>_commit``): how many are done out of how many the scheduler knows.

Read from the scheduler's task groups once a second by the ``ClusterWatcher`` and kept in
``<home>/progress/<run_id>.json`` (replaced atomically) while the run goes: no database
event per partition. Groups that started computing before the run started are left out,
so a shared cluster's earlier work does not count (other runs at the same time on a
shared cluster would).

>>> class Group:
...     def __init__(self, states, start): self.states, self.start = states, start
>>> class Scheduler:
...     task_groups = {"tick-ab": Group({"memory": 1, "processing": 0}, 0.0),
...                    "x_write-1f": Group({"released": 3, "processing": 1}, 12.5)}
>>> scheduler_progress(Scheduler())
{'tick-ab': [1, 1, 0.0], 'x_write-1f': [3, 4, 12.5]}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dask.utils import key_split
from distributed import Client

from daskflow.instance import DaskflowInstance

__all__ = ["ProgressWriter", "load_progress", "progress_path", "scheduler_progress"]

_DONE = ("memory", "released", "forgotten", "erred")


def scheduler_progress(dask_scheduler: Any) -> dict[str, list[float]]:
    """``{group name: [done, total, start]}`` of every task group (runs on the scheduler;
    ``start`` is when its first task started computing, 0 before)."""
    progress = {}
    for name, group in dask_scheduler.task_groups.items():
        states = group.states
        done = sum(states.get(state, 0) for state in _DONE)
        progress[str(name)] = [int(done), int(sum(states.values())), float(group.start)]
    return progress


def progress_path(instance: DaskflowInstance, run_id: str) -> Path:
    return Path(instance.home) / "progress" / f"{run_id}.json"


def load_progress(instance: DaskflowInstance, run_id: str) -> dict[str, list[int]]:
    """``{task prefix: [done, total]}`` of a running run, or {}."""
    try:
        progress = json.loads(progress_path(instance, run_id).read_text())
    except (OSError, ValueError):
        return {}
    return progress if isinstance(progress, dict) else {}


class ProgressWriter:
    """Writes the progress of the groups of a run that started at ``run_start``."""

    def __init__(self, instance: DaskflowInstance, run_id: str, run_start: float) -> None:
        self.path = progress_path(instance, run_id)
        self.run_start = run_start

    def update(self, client: Client) -> None:
        groups = client.run_on_scheduler(scheduler_progress)
        by_prefix: dict[str, list[int]] = {}
        for name, (done, total, started) in groups.items():
            if 0 < started < self.run_start:
                continue
            counts = by_prefix.setdefault(key_split(name), [0, 0])
            counts[0] += int(done)
            counts[1] += int(total)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(by_prefix))
        os.replace(partial, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
