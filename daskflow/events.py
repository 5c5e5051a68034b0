"""The one event record type and the event types a run emits.

Events are plain data (msgpack- and JSON-serialisable) so a task on a distributed worker
can send them to the coordinator with ``log_event``, and storage can keep them as JSON.

>>> e = EventRecord.create("r1", DaskflowEventType.STEP_START, "cereal", solid_name="add",
...                        step_key="add", message='Started step "add".')
>>> EventRecord.from_dict(e.to_dict()) == e
True
>>> e.is_step_event, e.level_name
(True, 'DEBUG')
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["DaskflowEventType", "EventRecord", "RunStatus", "StepStatus"]


class DaskflowEventType(StrEnum):
    PIPELINE_START = "PIPELINE_START"
    PIPELINE_SUCCESS = "PIPELINE_SUCCESS"
    PIPELINE_FAILURE = "PIPELINE_FAILURE"
    PIPELINE_CANCELED = "PIPELINE_CANCELED"
    STEP_START = "STEP_START"
    STEP_SUCCESS = "STEP_SUCCESS"
    STEP_FAILURE = "STEP_FAILURE"
    STEP_SKIPPED = "STEP_SKIPPED"
    STEP_UP_FOR_RETRY = "STEP_UP_FOR_RETRY"
    STEP_INPUT = "STEP_INPUT"
    STEP_OUTPUT = "STEP_OUTPUT"
    ASSET_MATERIALIZATION = "ASSET_MATERIALIZATION"
    STEP_EXPECTATION_RESULT = "STEP_EXPECTATION_RESULT"
    LOADED_INPUT = "LOADED_INPUT"
    HANDLED_OUTPUT = "HANDLED_OUTPUT"
    LOG = "LOG"
    ENGINE_EVENT = "ENGINE_EVENT"


class RunStatus(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    STARTED = "STARTED"
    CANCELING = "CANCELING"  # cancel requested; the coordinator stops the run
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    CANCELED = "CANCELED"

    @property
    def is_finished(self) -> bool:
        return self in (RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED)


class StepStatus(StrEnum):
    """Where a step stands: from its latest step event (storage) or its result (engine).

    ``CANCELED`` is a step that did not run because its run was canceled. The engine's
    results say so; its event is a ``STEP_SKIPPED``, so storage derives ``SKIPPED`` for it.
    """

    IN_PROGRESS = "IN_PROGRESS"
    UP_FOR_RETRY = "UP_FOR_RETRY"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    SKIPPED = "SKIPPED"
    CANCELED = "CANCELED"

    @property
    def is_finished(self) -> bool:
        return self in (
            StepStatus.SUCCESS,
            StepStatus.FAILURE,
            StepStatus.SKIPPED,
            StepStatus.CANCELED,
        )

    @staticmethod
    def of_event(event_type: DaskflowEventType) -> StepStatus | None:
        """The status a step event puts its step in; None for events that move no step.

        >>> StepStatus.of_event(DaskflowEventType.STEP_START)
        <StepStatus.IN_PROGRESS: 'IN_PROGRESS'>
        >>> StepStatus.of_event(DaskflowEventType.LOG) is None
        True
        """
        return _STEP_STATUS_OF_EVENT.get(event_type)


_STEP_STATUS_OF_EVENT = {
    DaskflowEventType.STEP_START: StepStatus.IN_PROGRESS,
    DaskflowEventType.STEP_UP_FOR_RETRY: StepStatus.UP_FOR_RETRY,
    DaskflowEventType.STEP_SUCCESS: StepStatus.SUCCESS,
    DaskflowEventType.STEP_FAILURE: StepStatus.FAILURE,
    DaskflowEventType.STEP_SKIPPED: StepStatus.SKIPPED,
}


_DEFAULT_LEVELS = {
    DaskflowEventType.STEP_FAILURE: logging.ERROR,
    DaskflowEventType.PIPELINE_FAILURE: logging.ERROR,
    DaskflowEventType.STEP_UP_FOR_RETRY: logging.WARNING,
    DaskflowEventType.PIPELINE_CANCELED: logging.WARNING,
    DaskflowEventType.PIPELINE_START: logging.INFO,
    DaskflowEventType.PIPELINE_SUCCESS: logging.INFO,
    DaskflowEventType.ENGINE_EVENT: logging.INFO,
    DaskflowEventType.ASSET_MATERIALIZATION: logging.INFO,
}


@dataclass(frozen=True)
class EventRecord:
    """One event of one run. ``data`` holds the structured part (type checks, metadata,
    errors with tracebacks) as plain JSON-able values."""

    run_id: str
    timestamp: float
    event_type: DaskflowEventType
    pipeline_name: str
    message: str = ""
    level: int = logging.DEBUG
    solid_name: str | None = None
    step_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def create(  # noqa: PLR0913 (one parameter per field of the record)
        run_id: str,
        event_type: DaskflowEventType,
        pipeline_name: str,
        message: str = "",
        solid_name: str | None = None,
        step_key: str | None = None,
        level: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> EventRecord:
        if level is None:
            level = _DEFAULT_LEVELS.get(event_type, logging.DEBUG)
        return EventRecord(
            run_id,
            time.time(),
            DaskflowEventType(event_type),
            pipeline_name,
            message,
            level,
            solid_name,
            step_key,
            dict(data or {}),
        )

    @property
    def is_step_event(self) -> bool:
        return self.step_key is not None

    @property
    def level_name(self) -> str:
        return logging.getLevelName(self.level)

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose (no dataclasses.asdict deep copy): ``data`` is already plain.
        return {
            "run_id": self.run_id,
            "timestamp": self.timestamp,
            "event_type": self.event_type.value,
            "pipeline_name": self.pipeline_name,
            "message": self.message,
            "level": self.level,
            "solid_name": self.solid_name,
            "step_key": self.step_key,
            "data": self.data,
        }

    @staticmethod
    def from_dict(record: dict[str, Any]) -> EventRecord:
        values = dict(record)
        values["event_type"] = DaskflowEventType(values["event_type"])
        values["data"] = dict(values.get("data") or {})
        return EventRecord(**values)
