"""``StepEmitter``: builds a step's event records and sends them, counting what it sent.

The count travels back with the step's result, so the coordinator knows how many events
to wait for before it declares the run finished (nothing a worker logs is lost).
"""

from __future__ import annotations

import logging
from typing import Any

from daskflow.engine.process.transport import has_local_sink, send_events
from daskflow.engine.step.redact import Redactor
from daskflow.events import DaskflowEventType, EventRecord

__all__ = ["StepEmitter"]


# Sent at once even from a worker (progress and logs are live); the rest of a step's
# events (type checks, loaded inputs, handled outputs) wait for the next of these.
_LIVE = frozenset(
    {
        DaskflowEventType.STEP_START,
        DaskflowEventType.LOG,
        DaskflowEventType.STEP_UP_FOR_RETRY,
        DaskflowEventType.STEP_SUCCESS,
        DaskflowEventType.STEP_FAILURE,
        DaskflowEventType.STEP_SKIPPED,
        DaskflowEventType.ASSET_MATERIALIZATION,
    }
)


class StepEmitter:
    """Sends one step's events; a worker batches all but the live ones.

    Every event is built here, so this is where secrets are masked: in the message and in
    every string of the data (errors, tracebacks, type-check descriptions, metadata).
    """

    def __init__(
        self,
        run_id: str,
        pipeline_name: str,
        step_key: str | None,
        secrets: frozenset[str] = frozenset(),
    ):
        self.run_id = run_id
        self.pipeline_name = pipeline_name
        self.step_key = step_key
        self.secrets = secrets
        self.redactor = Redactor(secrets)
        self.sent = 0
        self._buffer: list[dict[str, Any]] = []
        self._batching = not has_local_sink(run_id)  # on a worker process

    def emit(
        self,
        event_type: DaskflowEventType,
        message: str = "",
        level: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        record = EventRecord.create(
            self.run_id,
            event_type,
            self.pipeline_name,
            self.redactor.text(message),
            self.step_key,
            self.step_key,
            level,
            self.redactor.value(data),
        )
        self._buffer.append(record.to_dict())
        self.sent += 1
        if not self._batching or event_type in _LIVE:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            records, self._buffer = self._buffer, []
            send_events(self.run_id, records)

    def failure(self, message: str, error: dict[str, Any]) -> None:
        self.emit(DaskflowEventType.STEP_FAILURE, message, logging.ERROR, {"error": error})
