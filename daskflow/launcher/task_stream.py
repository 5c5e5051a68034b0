"""Keeping a run's Dask task stream: which task ran on which worker thread, when.

A cluster a run starts dies with it, and with it the dashboard's task stream; the web UI
draws the stream under the steps' Gantt after the run. ``TaskStreamRecorder.fetch`` reads
the scheduler's task stream (``Client.get_task_stream``) while the cluster is up (the
``ClusterWatcher`` calls it), ``save`` writes the compute intervals to
``<home>/task_streams/<run_id>.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dask.utils import key_split
from distributed import Client

from daskflow.engine.task_names import step_of_task_name
from daskflow.instance import DaskflowInstance

__all__ = ["TaskStreamRecorder", "load_task_stream", "task_stream_path"]

MAX_TASKS = 100_000  # what the scheduler's task-stream plugin keeps, too


def task_stream_path(instance: DaskflowInstance, run_id: str) -> Path:
    return Path(instance.home) / "task_streams" / f"{run_id}.json"


def load_task_stream(instance: DaskflowInstance, run_id: str) -> list[dict[str, Any]]:
    """The saved compute intervals of a run (``key, worker, thread, start, stop``), or []."""
    path = task_stream_path(instance, run_id)
    try:
        tasks = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return tasks if isinstance(tasks, list) else []


class TaskStreamRecorder:
    """Collects compute intervals since ``since`` (epoch seconds), without duplicates."""

    def __init__(self, since: float) -> None:
        self.since = since
        self.tasks: dict[tuple[str, str, float], dict[str, Any]] = {}

    def fetch(self, client: Client) -> None:
        for record in client.get_task_stream(start=self.since):
            for interval in record.get("startstops", ()):
                if interval.get("action") != "compute" or len(self.tasks) >= MAX_TASKS:
                    continue
                key = str(record.get("key"))
                worker = str(record.get("worker", ""))
                start, stop = float(interval["start"]), float(interval["stop"])
                self.tasks[(key, worker, start)] = {
                    "key": key,
                    "worker": worker,
                    "thread": record.get("thread"),
                    "start": start,
                    "stop": stop,
                }

    def has_step(self, step_key: str) -> bool:
        """Whether a task of ``step_key`` (``<solid>-…``, ``<solid>_commit-…``, …) is here."""
        return any(
            step_of_task_name(key_split(task["key"])) == step_key for task in self.tasks.values()
        )

    def save(self, instance: DaskflowInstance, run_id: str) -> Path | None:
        """Write what was recorded (nothing, and None, when nothing was)."""
        if not self.tasks:
            return None
        path = task_stream_path(instance, run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        ordered = sorted(self.tasks.values(), key=lambda t: (t["start"], t["key"]))
        path.write_text(json.dumps(ordered, separators=(",", ":")))
        return path
