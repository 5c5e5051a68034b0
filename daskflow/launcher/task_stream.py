"""Keeping a run's Dask task stream: which task ran on which worker thread, when.

A cluster a run starts dies with it, and with it the dashboard's task stream; the web UI
draws the stream under the steps' Gantt after the run. While a launched run executes on
a distributed cluster in this process, ``TaskStreamRecorder`` reads the scheduler's task
stream (``Client.get_task_stream``) at most once a second and whenever a step ends, the
cluster still up, and writes the compute intervals to ``<home>/task_streams/<run_id>.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from distributed import Client
from distributed.client import default_client

from daskflow.events import DaskflowEventType, EventRecord
from daskflow.instance import DaskflowInstance

__all__ = ["TaskStreamRecorder", "load_task_stream", "task_stream_path"]

MAX_TASKS = 100_000  # what the scheduler's task-stream plugin keeps, too
_STEP_ENDS = {
    DaskflowEventType.STEP_SUCCESS,
    DaskflowEventType.STEP_FAILURE,
    DaskflowEventType.STEP_SKIPPED,
}


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
    """Feed it every event of the run (``observe``), then ``save``."""

    def __init__(self, min_interval: float = 1.0) -> None:
        self.tasks: dict[tuple[str, str, float], dict[str, Any]] = {}
        self._client: Client | None = None
        self._since = 0.0
        self._last_fetch = 0.0
        self._min_interval = min_interval

    def observe(self, event: EventRecord) -> None:
        if self._client is None and event.data.get("dashboard_link"):
            try:
                self._client = default_client()  # the run's client, in this process
            except ValueError:
                return
            self._since = event.timestamp - 1.0
        if self._client is None:
            return
        due = time.monotonic() - self._last_fetch >= self._min_interval
        if due or event.event_type in _STEP_ENDS:
            self._fetch(self._client)

    def _fetch(self, client: Client) -> None:
        self._last_fetch = time.monotonic()
        try:
            records = client.get_task_stream(start=self._since)
        except Exception:  # the cluster is going away: keep what we have
            self._client = None
            return
        for record in records:
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

    def save(self, instance: DaskflowInstance, run_id: str) -> Path | None:
        """Write what was recorded (nothing, and None, for runs without a cluster)."""
        if not self.tasks:
            return None
        path = task_stream_path(instance, run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        ordered = sorted(self.tasks.values(), key=lambda t: (t["start"], t["key"]))
        path.write_text(json.dumps(ordered, separators=(",", ":")))
        return path
