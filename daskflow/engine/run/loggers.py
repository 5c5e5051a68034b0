"""Sending a run's events to the Python loggers its run config turns on, in this process.

``loggers: {console: {config: {log_level: INFO}}}`` (Dagster's shape) builds the mode's
logger definitions; every event the iterating process sees is logged to each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator

from daskflow.definitions.logger import build_loggers
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.events import EventRecord

__all__ = ["logged_events"]


def logged_events(coordinator: RunCoordinator) -> Iterator[EventRecord]:
    """The run's events, each also sent to the loggers its run config turns on.

    What the consumer throws in (Ctrl-C) or closing goes on to the coordinator's stream,
    which cancels or fails the run.
    """
    payload = coordinator.payload
    mode = payload.pipeline.get_mode(payload.mode)
    loggers = build_loggers(
        mode.logger_defs,
        payload.resolved.loggers,
        payload.resolved.raw.get("loggers") or {},
        payload.run_id,
        payload.pipeline_name,
    )
    events = coordinator.events()
    if not loggers:
        yield from events  # throw() and close() reach the coordinator's stream
        return
    if not isinstance(events, Generator):
        for event in events:
            _log_event(loggers, event)
            yield event
        return
    try:
        event = next(events)
        while True:
            _log_event(loggers, event)
            try:
                yield event
            except GeneratorExit:
                events.close()
                raise
            except BaseException as exc:  # noqa: BLE001 (handed to the run's stream)
                event = events.throw(exc)
                continue
            event = next(events)
    except StopIteration:
        return


def _log_event(loggers: list[logging.Logger], event: EventRecord) -> None:
    step = event.step_key or "-"
    for logger in loggers:
        logger.log(
            event.level,
            f"{event.pipeline_name} - {event.run_id} - {step} - "
            f"{event.event_type.value} - {event.message}",
            extra={"run_id": event.run_id, "step_key": event.step_key},
        )
