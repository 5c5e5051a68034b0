"""Watching the Dask cluster of a run executed in this process: once the engine says it
is connected (the event carrying the dashboard link), the run's client is this process's
default client; a thread then reads, every second (and the event loop whenever a step
ends), the task stream (kept after the run for the UI's Gantt) and the live progress per
task prefix. Reading stops quietly when the cluster goes away.
"""

from __future__ import annotations

import threading
import time

from distributed import Client
from distributed.client import default_client

from daskflow.events import DaskflowEventType, EventRecord
from daskflow.instance import DaskflowInstance
from daskflow.launcher.progress import ProgressWriter
from daskflow.launcher.task_stream import TaskStreamRecorder

__all__ = ["ClusterWatcher"]

_STEP_ENDS = {
    DaskflowEventType.STEP_SUCCESS,
    DaskflowEventType.STEP_FAILURE,
    DaskflowEventType.STEP_SKIPPED,
}


_TRAIL_SECONDS = 1.0


class ClusterWatcher:
    """Feed it every event of the run (``observe``), then call ``finish``."""

    def __init__(self, instance: DaskflowInstance, run_id: str, interval: float = 1.0) -> None:
        self.instance = instance
        self.run_id = run_id
        self.stream: TaskStreamRecorder | None = None
        self.progress: ProgressWriter | None = None
        self._client: Client | None = None
        self._interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._run_start: float | None = None

    def observe(self, event: EventRecord) -> None:
        if event.event_type == DaskflowEventType.PIPELINE_START:
            self._run_start = event.timestamp
        if self.stream is None and event.data.get("dashboard_link"):
            self._connect(event.timestamp)
        elif event.event_type in _STEP_ENDS:
            self._read(ended_step=event.step_key)

    def _connect(self, since: float) -> None:
        try:
            client = default_client()  # the run's client, in this process
        except ValueError:  # no client in this process
            return
        self._client = client
        self.stream = TaskStreamRecorder(since - 1.0)
        self.progress = ProgressWriter(self.instance, self.run_id, self._run_start or since)
        self._thread = threading.Thread(target=self._loop, name="daskflow-watch", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._read()

    def _read(self, ended_step: str | None = None) -> None:
        """Fetch the task stream and progress; after a step ended, until the scheduler has
        recorded one of its tasks (its record can trail the step's event; the cluster a run
        started is gone once the run ends), for at most ``_TRAIL_SECONDS``."""
        deadline = time.monotonic() + _TRAIL_SECONDS
        with self._lock:
            while True:
                client = self._client
                if client is None or self.stream is None or self.progress is None:
                    return
                try:
                    self.stream.fetch(client)
                    self.progress.update(client)
                except Exception:  # the cluster is going away: keep what we have
                    self._client = None
                    return
                if ended_step is None or self.stream.has_step(ended_step):
                    return
                if time.monotonic() > deadline:
                    return
                time.sleep(0.05)

    def finish(self) -> None:
        """Stop reading, save the task stream, drop the live progress file."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        if self.stream is not None:
            self.stream.save(self.instance, self.run_id)
        if self.progress is not None:
            self.progress.remove()
