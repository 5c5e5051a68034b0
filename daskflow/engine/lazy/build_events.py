"""The events of a Dask step while it is built on the coordinator: held, then sent or dropped.

A Dask step is built (its solid called on lazy inputs) before anything upstream has run.
Its build-time events (STEP_START, input checks, ``context.log``) are held and sent by
the step's ``<solid>_start`` task when its upstream is done, so the step shows running
only while its tasks run; a build abandoned for an eager call drops them (``lazy.eager``).
Asset materializations and expectation results are held for the step's commit.
"""

from __future__ import annotations

from typing import Any

from daskflow.engine.lazy.commit import DeferredEvent
from daskflow.engine.step.emitter import StepEmitter
from daskflow.events import DaskflowEventType

__all__ = ["BuildEmitter"]

_DEFERRED = frozenset(
    {DaskflowEventType.ASSET_MATERIALIZATION, DaskflowEventType.STEP_EXPECTATION_RESULT}
)


class BuildEmitter(StepEmitter):
    """Holds a build's events: sent by the step's start task, or dropped if abandoned.

    Assets and expectations are held for the commit. In a deferred step's task
    (``hold=False``) the events are sent as they come.
    """

    def __init__(
        self,
        run_id: str,
        pipeline_name: str,
        step_key: str,
        secrets: frozenset[str],
        hold: bool = True,
    ):
        super().__init__(run_id, pipeline_name, step_key, secrets)
        self.deferred: list[DeferredEvent] = []
        self.holding = hold

    def emit(
        self,
        event_type: DaskflowEventType,
        message: str = "",
        level: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        if event_type in _DEFERRED:
            self.deferred.append((event_type, message, data or {}))
            return
        super().emit(event_type, message, level, data)

    def flush(self) -> None:
        if not self.holding:
            super().flush()

    def take_held(self) -> list[dict[str, Any]]:
        """The held event records (for the start task); nothing more is held."""
        records, self._buffer, self.holding = self._buffer, [], False
        return records

    def release(self) -> None:
        """Send what is held now (a step that ends while being built)."""
        self.holding = False
        self.flush()
