"""What a run's event stream says so far: step states, logs, assets, outputs, links.

Both run displays (live and line-per-event) and the end-of-run summary read a
``RunTracker`` fed with every event of the run, in order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.events import DaskflowEventType, EventRecord, RunStatus, StepStatus

__all__ = ["PENDING", "STEP_LABELS", "OutputLocation", "RunTracker", "StepState"]

T = DaskflowEventType

# How the CLI words each step status (the status itself is ``StepStatus``, as in storage).
STEP_LABELS = {
    StepStatus.IN_PROGRESS: "running",
    StepStatus.UP_FOR_RETRY: "retrying",
    StepStatus.SUCCESS: "success",
    StepStatus.FAILURE: "failed",
    StepStatus.SKIPPED: "skipped",
}
PENDING = "pending"  # a planned step no event has mentioned yet
_RUN_STATUS = {
    T.PIPELINE_SUCCESS: RunStatus.SUCCESS,
    T.PIPELINE_FAILURE: RunStatus.FAILURE,
    T.PIPELINE_CANCELED: RunStatus.CANCELED,
}


@dataclass
class StepState:
    """One step as the stream tells it: status, times, attempts, why it failed/skipped.

    ``status`` is None until an event mentions the step. ``left_as`` says what the end of
    the stream left a step that had not finished ("not run", "unfinished", "canceled").
    """

    key: str
    status: StepStatus | None = None
    start_time: float | None = None
    end_time: float | None = None
    attempts: int = 0
    error: dict[str, Any] | None = None
    message: str = ""
    left_as: str | None = None

    @property
    def label(self) -> str:
        """The word the CLI shows: "running", "failed", ..., "pending" or ``left_as``."""
        if self.left_as is not None:
            return self.left_as
        return PENDING if self.status is None else STEP_LABELS[self.status]

    @property
    def duration(self) -> float | None:
        if self.start_time is None:
            return None
        end = self.end_time if self.end_time is not None else time.time()
        return max(0.0, end - self.start_time)

    @property
    def finished(self) -> bool:
        return self.status is not None and self.status.is_finished


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
        status = StepStatus.of_event(kind)
        if status is not None and event.step_key is not None:
            self._record_step(event, event.step_key, status)

    def _record_step(self, event: EventRecord, key: str, status: StepStatus) -> None:
        step = self.steps.setdefault(key, StepState(key))
        step.status = status
        if status is StepStatus.IN_PROGRESS:
            step.attempts += 1
            step.end_time = None
            if step.start_time is None:
                step.start_time = event.timestamp
        elif step.finished:
            step.end_time = event.timestamp
        if status in (StepStatus.FAILURE, StepStatus.UP_FOR_RETRY):
            step.error = event.data.get("error")
        if status in (StepStatus.FAILURE, StepStatus.SKIPPED, StepStatus.UP_FOR_RETRY):
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

    def mark_unfinished(self, left_as: str | None = None) -> None:
        """After the stream ended: steps left pending are shown as ``left_as`` (default
        "not run"), steps left running or retrying as ``left_as`` (default "unfinished")."""
        for step in self.steps.values():
            if step.status is None:
                step.left_as = left_as or "not run"
            elif not step.finished:
                step.left_as = left_as or "unfinished"
