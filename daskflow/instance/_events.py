"""Event log storage: batches of ``EventRecord``s, the run updates they imply, step stats.

``store_events`` writes a whole batch in one transaction: the events (one multi-row
insert), the run row changes from pipeline events, and the asset index rows of
materialization events. The coordinator is the only writer, so batches never interleave.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, case, func, insert, select, update

from daskflow.errors import DaskflowStorageError
from daskflow.events import DaskflowEventType, EventRecord, RunStatus, StepStatus
from daskflow.instance._assets import AssetIndex, materialization_row
from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._event_queries import EventLogQueries
from daskflow.instance._heartbeat import record_heartbeats
from daskflow.instance._process import coordinator_id
from daskflow.instance._tables import asset_materializations, event_logs, runs

__all__ = ["EventStorage", "StepStats", "StepStatus", "StoredEvent", "insert_events"]

_Types = DaskflowEventType
_FINISHED = {
    _Types.PIPELINE_SUCCESS: RunStatus.SUCCESS,
    _Types.PIPELINE_FAILURE: RunStatus.FAILURE,
    _Types.PIPELINE_CANCELED: RunStatus.CANCELED,
}


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored: its id (increasing in write order) and the record."""

    id: int
    record: EventRecord

    @staticmethod
    def from_row(row: Row[Any]) -> StoredEvent:
        return StoredEvent(
            row.id,
            EventRecord(
                run_id=row.run_id,
                timestamp=row.timestamp,
                event_type=DaskflowEventType(row.event_type),
                pipeline_name=row.pipeline_name,
                message=row.message,
                level=row.level,
                solid_name=row.solid_name,
                step_key=row.step_key,
                data=from_json(row.data, {}) or {},
            ),
        )


# The events that move a step, and where each puts it.
_STEP_STATUS = {t: s for t in _Types if (s := StepStatus.of_event(t)) is not None}


@dataclass
class StepStats:
    """Where one step of a run stands; ``attempts`` counts its ``STEP_START`` events."""

    step_key: str
    solid_name: str | None
    status: StepStatus
    start_time: float | None = None
    end_time: float | None = None
    attempts: int = 0

    @property
    def duration(self) -> float | None:
        if self.start_time is None or self.end_time is None:
            return None
        return self.end_time - self.start_time


def _event_row(record: EventRecord) -> dict[str, Any]:
    return dict(
        run_id=record.run_id,
        timestamp=record.timestamp,
        event_type=DaskflowEventType(record.event_type).value,
        pipeline_name=record.pipeline_name,
        solid_name=record.solid_name,
        step_key=record.step_key,
        level=int(record.level),
        message=record.message or "",
        data=to_json(record.data or {}),
    )


def _insert_event_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with one statement; their new ids, in the order of ``rows``."""
    if conn.dialect.insert_executemany_returning_sort_by_parameter_order:  # PostgreSQL
        stmt = insert(event_logs).returning(event_logs.c.id, sort_by_parameter_order=True)
        return list(conn.execute(stmt, rows).scalars())
    # SQLite: a write transaction holds the database's write lock (BEGIN IMMEDIATE), so
    # the rows inserted here are the only ones with ids above the largest id before, and
    # they get increasing ids in the order they are inserted.
    before = conn.execute(select(func.max(event_logs.c.id))).scalar() or 0
    conn.execute(insert(event_logs), rows)
    ids = list(
        conn.execute(
            select(event_logs.c.id).where(event_logs.c.id > before).order_by(event_logs.c.id)
        ).scalars()
    )
    if len(ids) != len(rows):  # another writer inside our transaction: never expected
        raise DaskflowStorageError(
            f"stored {len(rows)} events but found {len(ids)} new ids: the event log "
            "was written by someone else during the same transaction"
        )
    return ids


def _run_changes(records: Sequence[EventRecord]) -> dict[str, dict[str, Any]]:
    """Per run id, the column values its pipeline events (in order) leave the run row with."""
    changes: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.event_type == _Types.PIPELINE_START:
            coordinator = record.data.get("coordinator") or coordinator_id()
            changes.setdefault(record.run_id, {}).update(
                status=RunStatus.STARTED.value,
                start_time=record.timestamp,
                end_time=None,
                coordinator=str(coordinator),
            )
        elif record.event_type in _FINISHED:
            changes.setdefault(record.run_id, {}).update(
                status=_FINISHED[record.event_type].value, end_time=record.timestamp
            )
    return changes


def insert_events(conn: Connection, records: Sequence[EventRecord]) -> list[int]:
    """Write ``records`` and what they imply inside the caller's transaction; returns ids."""
    if not records:
        return []
    ids = _insert_event_rows(conn, [_event_row(record) for record in records])
    now = time.time()
    changes = _run_changes(records)
    record_heartbeats(conn, changes)
    for run_id, values in changes.items():
        if values["status"] == RunStatus.STARTED.value:  # a cancel request outlives the start
            values["status"] = case(
                (runs.c.status == RunStatus.CANCELING.value, RunStatus.CANCELING.value),
                else_=RunStatus.STARTED.value,
            )
        conn.execute(update(runs).where(runs.c.run_id == run_id).values(**values, updated_at=now))
    index_rows = [
        row
        for event_id, record in zip(ids, records, strict=True)
        if (row := materialization_row(event_id, record)) is not None
    ]
    if index_rows:
        conn.execute(insert(asset_materializations), index_rows)
    return ids


class EventStorage(AssetIndex, EventLogQueries[StoredEvent]):
    """The event log of every run, plus the asset index built from it (and paged, filtered
    reads: ``EventLogQueries``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _stored(self, row: Row[Any]) -> StoredEvent:
        return StoredEvent.from_row(row)

    def store_events(self, records: Iterable[EventRecord]) -> list[int]:
        """Store a batch of events in one transaction; returns their ids in order."""
        batch = list(records)
        if not batch:
            return []
        with self._db.write() as conn:
            return insert_events(conn, batch)

    def get_events(
        self,
        run_id: str,
        after_id: int | None = None,
        event_types: Iterable[DaskflowEventType | str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Events of a run in write order; ``after_id`` gives only newer ones (for tailing)."""
        query = select(event_logs).where(event_logs.c.run_id == run_id).order_by(event_logs.c.id)
        if after_id is not None:
            query = query.where(event_logs.c.id > after_id)
        if event_types is not None:
            names = [DaskflowEventType(t).value for t in event_types]
            query = query.where(event_logs.c.event_type.in_(names))
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as conn:
            return [StoredEvent.from_row(row) for row in conn.execute(query)]

    def get_step_stats(self, run_id: str) -> dict[str, StepStats]:
        """Per step key (in the order steps first appear): status, times and attempts."""
        query = (
            select(
                event_logs.c.step_key,
                event_logs.c.solid_name,
                event_logs.c.event_type,
                event_logs.c.timestamp,
            )
            .where(
                event_logs.c.run_id == run_id,
                event_logs.c.event_type.in_([t.value for t in _STEP_STATUS]),
                event_logs.c.step_key.is_not(None),
            )
            .order_by(event_logs.c.id)
        )
        stats: dict[str, StepStats] = {}
        with self._db.read() as conn:
            for row in conn.execute(query):
                status = _STEP_STATUS[DaskflowEventType(row.event_type)]
                step = stats.setdefault(
                    row.step_key, StepStats(row.step_key, row.solid_name, status)
                )
                _advance(step, status, row.timestamp)
        return stats


def _advance(step: StepStats, status: StepStatus, timestamp: float) -> None:
    step.status = status
    if status is StepStatus.IN_PROGRESS:
        step.attempts += 1
        step.end_time = None
        if step.start_time is None:
            step.start_time = timestamp
    elif status.is_finished:
        step.end_time = timestamp
