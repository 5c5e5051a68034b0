"""What a run's event stream says so far: step states, logs, assets, outputs, links.

Both run displays (live and line-per-event) and the end-of-run summary read a
``RunTracker`` fed with every event of the run, in order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.events import DaskflowEventType, EventRecord, RunStatus

__all__ = ["OutputLocation", "RunTracker", "StepState"]

T = DaskflowEventType

_STEP_STATUS = {
    T.STEP_START: "running",
    T.STEP_SUCCESS: "success",
    T.STEP_FAILURE: "failed",
    T.STEP_SKIPPED: "skipped",
    T.STEP_UP_FOR_RETRY: "retrying",
}
_RUN_STATUS = {
    T.PIPELINE_SUCCESS: RunStatus.SUCCESS,
    T.PIPELINE_FAILURE: RunStatus.FAILURE,
    T.PIPELINE_CANCELED: RunStatus.CANCELED,
}


@dataclass
class StepState:
    """One step as the stream tells it: status, times, attempts, why it failed/skipped."""

    key: str
    status: str = "pending"
    start_time: float | None = None
    end_time: float | None = None
    attempts: int = 0
    error: dict[str, Any] | None = None
    message: str = ""

    @property
    def duration(self) -> float | None:
        if self.start_time is None:
            return None
        end = self.end_time if self.end_time is not None else time.time()
        return max(0.0, end - self.start_time)

    @property
    def finished(self) -> bool:
        return self.status in ("success", "failed", "skipped")


@dataclass(frozen=True)
class OutputLocation:
    step_key: str
    output_name: str
    path: str


@dataclass
class RunTracker:
    """State of one run built from its events; ``planned`` steps start as pending."""

    planned: Sequence[str] = ()
    run_id: str | None = None
    pipeline_name: str | None = None
    mode: str | None = None
    status: RunStatus | None = None
    steps: dict[str, StepState] = field(default_factory=dict)
    materializations: list[EventRecord] = field(default_factory=list)
    outputs: list[OutputLocation] = field(default_factory=list)
    dashboard_link: str | None = None
    own_cluster: bool = False  # the run started its cluster (gone, with its dashboard, after)
    performance_report: str | None = None
    run_error: str | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    def __post_init__(self) -> None:
        for key in self.planned:
            self.steps.setdefault(key, StepState(key))

    @property
    def wall_time(self) -> float:
        return (self.ended if self.ended is not None else time.monotonic()) - self.started

    @property
    def success(self) -> bool:
        return self.status == RunStatus.SUCCESS

    def feed(self, events: Iterable[EventRecord]) -> None:
        for event in events:
            self.record(event)

    def record(self, event: EventRecord) -> None:
        """Take one event into account."""
        if self.run_id is None:
            self.run_id, self.pipeline_name = event.run_id, event.pipeline_name
        kind = event.event_type
        if kind == T.PIPELINE_START:
            self.mode = event.data.get("mode", self.mode)
        elif kind in _RUN_STATUS:
            self.status = _RUN_STATUS[kind]
            self.ended = time.monotonic()
            if kind == T.PIPELINE_FAILURE and event.data.get("error"):
                self.run_error = event.message
        elif kind == T.ENGINE_EVENT:
            self.own_cluster = self.own_cluster or "cluster" in event.data
            self.dashboard_link = event.data.get("dashboard_link") or self.dashboard_link
            self.performance_report = (
                event.data.get("performance_report") or self.performance_report
            )
        elif kind == T.ASSET_MATERIALIZATION:
            self.materializations.append(event)
        elif kind == T.HANDLED_OUTPUT:
            self._record_output(event)
        if kind in _STEP_STATUS and event.step_key is not None:
            self._record_step(event, _STEP_STATUS[kind])

    def _record_step(self, event: EventRecord, status: str) -> None:
        step = self.steps.setdefault(event.step_key, StepState(event.step_key))
        step.status = status
        if status == "running":
            step.attempts += 1
            step.end_time = None
            if step.start_time is None:
                step.start_time = event.timestamp
        elif step.finished:
            step.end_time = event.timestamp
        if status in ("failed", "retrying"):
            step.error = event.data.get("error")
        if status in ("failed", "skipped", "retrying"):
            step.message = event.message

    def _record_output(self, event: EventRecord) -> None:
        for entry in event.data.get("metadata_entries") or []:
            if entry.get("label") == "path":
                self.outputs.append(
                    OutputLocation(
                        event.step_key or "",
                        str(event.data.get("output_name", "result")),
                        str(entry.get("value")),
                    )
                )

    def mark_unfinished(self, status: str | None = None) -> None:
        """After the stream ended: steps left pending become ``status`` (default "not run"),
        steps left running ``status`` (default "unfinished")."""
        for step in self.steps.values():
            if step.status == "pending":
                step.status = status or "not run"
            elif not step.finished:
                step.status = status or "unfinished"
