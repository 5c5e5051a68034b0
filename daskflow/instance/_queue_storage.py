"""Run idempotency keys, the run queue, backfills, and per-partition status in SQL.

``reserve_run_id(key)`` maps a key (``schedule:<name>:<epoch>``, ``backfill:<id>:<part>``,
``sensor:<name>:<run_key>``) to one run id forever: the key column is UNIQUE, so two
daemons or a retry after a crash get the same id, and creating that run twice fails.

>>> from daskflow.instance import DaskflowInstance
>>> with DaskflowInstance.ephemeral() as instance:
...     queue = instance.queue_storage
...     first = queue.reserve_run_id("schedule:nightly:86400")
...     first == queue.reserve_run_id("schedule:nightly:86400")
True
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from daskflow.events import RunStatus
from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._operate_tables import backfills, run_keys, run_queue
from daskflow.instance._partition_queries import latest_partition_runs, partition_step_matrix
from daskflow.instance._tables import runs

__all__ = ["BACKFILL_TAG", "BackfillRecord", "QueueEntry", "QueueStorage"]

BACKFILL_TAG = "daskflow/backfill"
PARTITION_TAG = "daskflow/partition"
PARTITION_SET_TAG = "daskflow/partition_set"
ACTIVE = (RunStatus.NOT_STARTED.value, RunStatus.STARTED.value, RunStatus.CANCELING.value)


@dataclass(frozen=True)
class QueueEntry:
    run_id: str
    tags: dict[str, str]
    enqueued_at: float
    claimed_by: str | None
    claimed_at: float | None = None


@dataclass(frozen=True)
class BackfillRecord:
    backfill_id: str
    partition_set: str
    status: str
    partition_names: list[str]
    from_failure: bool
    tags: dict[str, str]
    next_index: int
    error: str | None
    created_at: float


def _entry(r: Any) -> QueueEntry:
    return QueueEntry(r.run_id, from_json(r.tags, {}), r.enqueued_at, r.claimed_by, r.claimed_at)


def _backfill(row: Any) -> BackfillRecord:
    m = row._mapping
    return BackfillRecord(
        m["backfill_id"],
        m["partition_set"],
        m["status"],
        from_json(m["partition_names"], []),
        bool(m["from_failure"]),
        from_json(m["tags"], {}),
        m["next_index"],
        m["error"],
        m["created_at"],
    )


class QueueStorage:
    """Idempotency keys, queued runs and backfills of one instance."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def reserve_run_id(self, key: str) -> str:
        """The run id of ``key``: the one reserved before, else a new one (unique key)."""
        found = self.run_id_for_key(key)
        if found is not None:
            return found
        run_id = uuid.uuid4().hex
        try:
            with self._db.write() as conn:
                conn.execute(
                    insert(run_keys).values(key=key, run_id=run_id, created_at=time.time())
                )
        except IntegrityError:
            pass  # another process reserved it first: theirs is the one
        found = self.run_id_for_key(key)
        assert found is not None
        return found

    def run_id_for_key(self, key: str) -> str | None:
        with self._db.read() as conn:
            query = select(run_keys.c.run_id).where(run_keys.c.key == key)
            return conn.execute(query).scalar_one_or_none()

    def enqueue(self, run_id: str, tags: dict[str, str], now: float) -> bool:
        """Queue ``run_id`` (False if it was queued already)."""
        try:
            with self._db.write() as conn:
                if conn.execute(
                    select(run_queue.c.run_id).where(run_queue.c.run_id == run_id)
                ).first():
                    return False
                values = dict(run_id=run_id, tags=to_json(tags), enqueued_at=now)
                conn.execute(insert(run_queue).values(**values))
        except IntegrityError:
            return False
        return True

    def queued(self, limit: int = 100) -> list[QueueEntry]:
        """Unclaimed entries whose run has not started, oldest first."""
        query = (
            select(run_queue)
            .join(runs, runs.c.run_id == run_queue.c.run_id)
            .where(run_queue.c.claimed_by.is_(None), runs.c.status == RunStatus.NOT_STARTED.value)
            .order_by(run_queue.c.enqueued_at, runs.c.created_at, run_queue.c.run_id)
            .limit(limit)
        )
        with self._db.read() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def in_flight(self) -> list[QueueEntry]:
        """Claimed entries whose run has not finished (they count against the limits)."""
        query = (
            select(run_queue)
            .join(runs, runs.c.run_id == run_queue.c.run_id)
            .where(run_queue.c.claimed_by.is_not(None), runs.c.status.in_(ACTIVE))
        )
        with self._db.read() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def claim(self, run_id: str, daemon_id: str, now: float) -> bool:
        """Take ``run_id`` off the queue for launching; only one claimer ever wins."""
        query = (
            update(run_queue)
            .where(run_queue.c.run_id == run_id, run_queue.c.claimed_by.is_(None))
            .values(claimed_by=daemon_id, claimed_at=now)
        )
        with self._db.write() as conn:
            return bool(conn.execute(query).rowcount)

    def is_queued(self, run_id: str) -> bool:
        with self._db.read() as conn:
            query = select(run_queue.c.run_id).where(run_queue.c.run_id == run_id)
            return conn.execute(query).first() is not None

    def create_backfill(
        self,
        partition_set: str,
        partition_names: list[str],
        from_failure: bool = False,
        tags: dict[str, str] | None = None,
    ) -> BackfillRecord:
        now = time.time()
        backfill_id = uuid.uuid4().hex[:12]
        values = dict(
            backfill_id=backfill_id,
            partition_set=partition_set,
            status="REQUESTED",
            partition_names=to_json(partition_names),
            from_failure=from_failure,
            tags=to_json(tags or {}),
            next_index=0,
            created_at=now,
            updated_at=now,
        )
        with self._db.write() as conn:
            conn.execute(insert(backfills).values(**values))
        found = self.get_backfill(backfill_id)
        assert found is not None
        return found

    def get_backfill(self, backfill_id: str) -> BackfillRecord | None:
        query = select(backfills).where(backfills.c.backfill_id == backfill_id)
        with self._db.read() as conn:
            row = conn.execute(query).one_or_none()
        return None if row is None else _backfill(row)

    def get_backfills(self, status: str | None = None, limit: int = 100) -> list[BackfillRecord]:
        query = select(backfills).order_by(backfills.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(backfills.c.status == status)
        with self._db.read() as conn:
            return [_backfill(row) for row in conn.execute(query)]

    def update_backfill(
        self,
        backfill_id: str,
        *,
        status: str | None = None,
        next_index: int | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"updated_at": time.time()}
        for key, value in (("status", status), ("next_index", next_index), ("error", error)):
            if value is not None:
                values[key] = value
        with self._db.write() as conn:
            conn.execute(
                update(backfills).where(backfills.c.backfill_id == backfill_id).values(**values)
            )

    def partition_status(
        self, partition_set: str, backfill_id: str | None = None
    ) -> dict[str, tuple[str, str]]:
        """Per partition with a run: (status, run_id) of its latest run, in one query over
        indexed tags. Status: ``queued``, ``running``, ``success`` or ``failure``."""
        inner = latest_partition_runs(partition_set, backfill_id)
        sub = inner.subquery()
        with self._db.read() as conn:
            rows = conn.execute(select(sub).where(sub.c.n == 1)).all()
        return {r.partition: (_label(r.status, r.queued, r.claimed_by), r.run_id) for r in rows}

    def partition_step_matrix(self, partition_set: str) -> dict[str, dict[str, str]]:
        """{partition: {step_key: status}} of each partition's latest run, in one query."""
        return partition_step_matrix(self._db, partition_set)


def _label(status: str, queued: str | None, claimed_by: str | None) -> str:
    if status == RunStatus.SUCCESS.value:
        return "success"
    if status in (RunStatus.FAILURE.value, RunStatus.CANCELED.value):
        return "failure"
    if status == RunStatus.NOT_STARTED.value and queued is not None and claimed_by is None:
        return "queued"
    return "running"
