"""Recording that a launched run could not start: an ``ENGINE_EVENT`` saying why, then
``PIPELINE_FAILURE``, so the run ends FAILURE instead of staying ``NOT_STARTED``."""

from __future__ import annotations

from typing import Any

from daskflow.events import DaskflowEventType, EventRecord
from daskflow.instance import DaskflowInstance, RunRecord

__all__ = ["record_failure_before_start"]


def record_failure_before_start(
    instance: DaskflowInstance, run: RunRecord, reason: str, data: dict[str, Any]
) -> None:
    instance.event_storage.store_events(
        [
            EventRecord.create(
                run.run_id,
                DaskflowEventType.ENGINE_EVENT,
                run.pipeline_name,
                f"The launched run could not start: {reason}",
                data=data,
            ),
            EventRecord.create(
                run.run_id,
                DaskflowEventType.PIPELINE_FAILURE,
                run.pipeline_name,
                f"Run failed before it started: {reason}",
                data=data,
            ),
        ]
    )
