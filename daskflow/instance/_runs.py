"""Run storage: one row per run, created before it starts, updated by its pipeline events.

Status changes come from events (``EventStorage.store_events``), so the event log and the
run row never disagree; the one exception is ``request_cancel``, which only asks the
coordinator (it polls the run's status) to stop, and is not a fact about the run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from daskflow.errors import (
    DaskflowAmbiguousRunIdError,
    DaskflowRunNotFoundError,
    DaskflowStorageError,
)
from daskflow.events import RunStatus
from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._heartbeat import beat
from daskflow.instance._run_index import RunIndex, delete_run_index, write_run_tags
from daskflow.instance._stale import end_run
from daskflow.instance._tables import asset_materializations, event_logs, run_heartbeats, runs

__all__ = ["MIN_RUN_ID_PREFIX", "RunRecord", "RunStorage"]

MIN_RUN_ID_PREFIX = 6
_SHOWN_MATCHES = 6


@dataclass(frozen=True)
class RunRecord:
    """One run as stored; ``run_config`` is what the user wrote (no defaults, no env values)."""

    run_id: str
    pipeline_name: str
    status: RunStatus
    mode: str | None
    run_config: dict[str, Any]
    tags: dict[str, Any]
    solid_selection: list[str] | None
    step_selection: list[str] | None
    parent_run_id: str | None
    root_run_id: str | None
    coordinator: str | None
    created_at: float
    start_time: float | None
    end_time: float | None
    updated_at: float

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, ``None`` until the run has both."""
        if self.start_time is None or self.end_time is None:
            return None
        return self.end_time - self.start_time

    @staticmethod
    def from_row(row: Row[Any]) -> RunRecord:
        return RunRecord(
            run_id=row.run_id,
            pipeline_name=row.pipeline_name,
            status=RunStatus(row.status),
            mode=row.mode,
            run_config=from_json(row.run_config, {}) or {},
            tags=from_json(row.tags, {}) or {},
            solid_selection=from_json(row.solid_selection),
            step_selection=from_json(row.step_selection),
            parent_run_id=row.parent_run_id,
            root_run_id=row.root_run_id,
            coordinator=row.coordinator,
            created_at=row.created_at,
            start_time=row.start_time,
            end_time=row.end_time,
            updated_at=row.updated_at,
        )


def _selection(value: Sequence[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    return to_json(list(value))


def _statuses(status: RunStatus | str | Iterable[RunStatus | str]) -> list[str]:
    if isinstance(status, str):  # RunStatus is a str too
        return [RunStatus(status).value]
    return [RunStatus(s).value for s in status]


class RunStorage(RunIndex[RunRecord]):
    """Create, find, list and delete runs (paged and filtered lists: ``RunIndex``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _record(self, row: Row[Any]) -> RunRecord:
        return RunRecord.from_row(row)

    def create_run(  # noqa: PLR0913 (a run's optional facts are keyword-only)
        self,
        pipeline_name: str,
        run_config: Mapping[str, Any] | None,
        mode: str,
        *,
        tags: Mapping[str, Any] | None = None,
        solid_selection: Sequence[str] | None = None,
        step_selection: Sequence[str] | None = None,
        parent_run_id: str | None = None,
        root_run_id: str | None = None,
        run_id: str | None = None,
    ) -> RunRecord:
        """Store a new run (status ``NOT_STARTED``); ``run_id`` defaults to a uuid4 hex.

        A re-execution names its ``parent_run_id``; ``root_run_id`` then defaults to the
        parent's root (or the parent itself).
        """
        now = time.time()
        values = dict(
            run_id=run_id or uuid.uuid4().hex,
            pipeline_name=pipeline_name,
            status=RunStatus.NOT_STARTED.value,
            mode=mode,
            run_config=to_json(dict(run_config or {})),
            tags=to_json(dict(tags or {})),
            solid_selection=_selection(solid_selection),
            step_selection=_selection(step_selection),
            parent_run_id=parent_run_id,
            root_run_id=root_run_id,
            coordinator=None,
            created_at=now,
            start_time=None,
            end_time=None,
            updated_at=now,
        )
        return self._insert_run(values)

    def _insert_run(self, values: dict[str, Any]) -> RunRecord:
        """Insert the run's row, its ``root_run_id`` filled from its parent when not given."""
        try:
            with self._db.write() as conn:
                parent_run_id, root_run_id = values["parent_run_id"], values["root_run_id"]
                if parent_run_id and not root_run_id:
                    values["root_run_id"] = self._root_of(conn, parent_run_id)
                conn.execute(insert(runs), values)
                write_run_tags(conn, str(values["run_id"]), from_json(str(values["tags"]), {}))
                row = conn.execute(select(runs).where(runs.c.run_id == values["run_id"])).one()
        except IntegrityError:
            raise DaskflowStorageError(
                f'a run with id "{values["run_id"]}" already exists'
            ) from None
        return RunRecord.from_row(row)

    @staticmethod
    def _root_of(conn: Connection, parent_run_id: str) -> str:
        root = conn.execute(
            select(runs.c.root_run_id).where(runs.c.run_id == parent_run_id)
        ).scalar_one_or_none()
        return root or parent_run_id

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with this id, or with this unique id prefix (at least 6 characters).

        Raises ``DaskflowAmbiguousRunIdError`` when the prefix matches several runs.
        """
        with self._db.read() as conn:
            row = conn.execute(select(runs).where(runs.c.run_id == run_id)).one_or_none()
            if row is not None or len(run_id) < MIN_RUN_ID_PREFIX:
                return None if row is None else RunRecord.from_row(row)
            query = (
                select(runs)
                .where(runs.c.run_id.startswith(run_id, autoescape=True))
                .order_by(runs.c.run_id)
                .limit(_SHOWN_MATCHES + 1)
            )
            rows = conn.execute(query).all()
        if len(rows) > 1:
            raise DaskflowAmbiguousRunIdError(run_id, [r.run_id for r in rows])
        return RunRecord.from_row(rows[0]) if rows else None

    def require_run(self, run_id: str) -> RunRecord:
        """Like ``get_run``, but raises ``DaskflowRunNotFoundError`` when no run matches."""
        record = self.get_run(run_id)
        if record is None:
            raise DaskflowRunNotFoundError(run_id, "this instance's run storage")
        return record

    def get_runs(
        self,
        pipeline_name: str | None = None,
        status: RunStatus | str | Iterable[RunStatus | str] | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        """Runs, newest first, optionally of one pipeline and/or in given status(es)."""
        query = select(runs).order_by(runs.c.created_at.desc(), runs.c.run_id.desc())
        if pipeline_name is not None:
            query = query.where(runs.c.pipeline_name == pipeline_name)
        if status is not None:
            query = query.where(runs.c.status.in_(_statuses(status)))
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as conn:
            return [RunRecord.from_row(row) for row in conn.execute(query)]

    def request_cancel(self, run_id: str) -> bool:
        """Set a run that has not finished to ``CANCELING``; its coordinator then stops it
        and writes ``PIPELINE_CANCELED``. False if there is no such unfinished run."""
        active = [RunStatus.NOT_STARTED.value, RunStatus.STARTED.value]
        query = (
            update(runs)
            .where(runs.c.run_id == run_id, runs.c.status.in_(active))
            .values(status=RunStatus.CANCELING.value, updated_at=time.time())
        )
        with self._db.write() as conn:
            return bool(conn.execute(query).rowcount)

    def heartbeat(self, run_id: str) -> bool:
        """Renew the heartbeat of a running run (its coordinator calls this every few
        seconds); False if the run is not running."""
        return beat(self._db, run_id)

    def end_run(self, run_id: str, status: RunStatus, reason: str) -> RunStatus:
        """Record a run that has not finished as ``FAILURE`` or ``CANCELED`` now, with an
        event giving ``reason`` (for a run whose coordinator is gone); returns its previous
        status (a finished run is left unchanged)."""
        return end_run(self._db, run_id, status, reason)

    def delete_run(self, run_id: str) -> bool:
        """Delete the run, its events and its asset index rows; False if there was no such run."""
        with self._db.write() as conn:
            conn.execute(delete(run_heartbeats).where(run_heartbeats.c.run_id == run_id))
            conn.execute(
                delete(asset_materializations).where(asset_materializations.c.run_id == run_id)
            )
            conn.execute(delete(event_logs).where(event_logs.c.run_id == run_id))
            delete_run_index(conn, run_id)
            deleted = conn.execute(delete(runs).where(runs.c.run_id == run_id)).rowcount
        return bool(deleted)
