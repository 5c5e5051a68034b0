"""Schedule and sensor state, their ticks, and daemon heartbeats.

A schedule's clock is ``last_tick_at`` (the last tick handled) else ``started_at`` (when it
was started, or its cron string changed): ticks after it are due. Tick history is only a
record: purging it never moves a clock, so it never relaunches a run.

>>> from daskflow.instance import DaskflowInstance
>>> with DaskflowInstance.ephemeral() as instance:
...     storage = instance.schedule_storage
...     storage.start("schedule", "nightly", spec="0 1 * * *|UTC", now=100.0).status
...     tick, created = storage.create_tick("schedule", "nightly", 3600.0)
...     storage.create_tick("schedule", "nightly", 3600.0)[1]
'RUNNING'
False
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._operate_tables import daemon_heartbeats, instigators, ticks
from daskflow.instance._tick_purge import TickPurgeReport, purge_ticks

__all__ = [
    "HEARTBEAT_STALE_SECONDS",
    "DaemonHeartbeat",
    "InstigatorState",
    "ScheduleStorage",
    "TickRecord",
    "TickStatus",
]


# A daemon whose last heartbeat is older than this is shown as not running.
HEARTBEAT_STALE_SECONDS = 60.0


class TickStatus:
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    SKIPPED = "SKIPPED"
    FAILURE = "FAILURE"


@dataclass(frozen=True)
class InstigatorState:
    name: str
    kind: str
    status: str
    spec: str | None
    started_at: float | None
    cursor: str | None
    last_tick_at: float | None

    @property
    def is_running(self) -> bool:
        return self.status == "RUNNING"

    @property
    def clock(self) -> float | None:
        """Ticks strictly after this instant are due."""
        return self.last_tick_at if self.last_tick_at is not None else self.started_at


@dataclass(frozen=True)
class TickRecord:
    id: int
    instigator: str
    kind: str
    tick_time: float
    status: str
    run_ids: list[str]
    error: str | None
    skip_reason: str | None
    created_at: float
    updated_at: float
    owner: str | None = None  # the daemon evaluating it, ``host:pid:suffix``
    interrupted: str | None = None  # why it was found interrupted (it may have resumed since)

    @property
    def ended_by_interruption(self) -> bool:
        """Ended because its daemon died before it finished (not by an evaluation)."""
        return (
            self.interrupted is not None
            and self.status == TickStatus.SKIPPED
            and self.skip_reason == self.interrupted
        )

    @staticmethod
    def from_row(row: Row[Any]) -> TickRecord:
        values = dict(row._mapping)
        values["run_ids"] = from_json(values["run_ids"], [])
        return TickRecord(**values)


@dataclass(frozen=True)
class DaemonHeartbeat:
    daemon_id: str
    daemon_type: str
    timestamp: float
    info: dict[str, Any]


def _state(row: Row[Any]) -> InstigatorState:
    m = row._mapping
    return InstigatorState(
        m["name"],
        m["kind"],
        m["status"],
        m["spec"],
        m["started_at"],
        m["cursor"],
        m["last_tick_at"],
    )


class ScheduleStorage:
    """State of schedules and sensors (by kind and name), ticks, heartbeats."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _key(kind: str, name: str) -> Any:
        return (instigators.c.kind == kind) & (instigators.c.name == name)

    def get_state(self, kind: str, name: str) -> InstigatorState | None:
        with self._db.read() as conn:
            row = conn.execute(select(instigators).where(self._key(kind, name))).one_or_none()
        return None if row is None else _state(row)

    def all_states(self, kind: str) -> list[InstigatorState]:
        query = select(instigators).where(instigators.c.kind == kind).order_by(instigators.c.name)
        with self._db.read() as conn:
            return [_state(row) for row in conn.execute(query)]

    def start(self, kind: str, name: str, spec: str | None, now: float) -> InstigatorState:
        """Start (a no-op when running); a restarted schedule's clock starts at ``now``, so
        the time it was stopped is never backfilled."""
        with self._db.write() as conn:
            state = self._locked(conn, kind, name)
            if state is not None and state.is_running:
                return state
            values = dict(status="RUNNING", spec=spec, started_at=now, last_tick_at=None)
            self._upsert(conn, kind, name, state, values)
        return self._require(kind, name)

    def stop(self, kind: str, name: str) -> bool:
        """Stop; False if it was not running."""
        query = (
            update(instigators)
            .where(self._key(kind, name), instigators.c.status == "RUNNING")
            .values(status="STOPPED", updated_at=time.time())
        )
        with self._db.write() as conn:
            return bool(conn.execute(query).rowcount)

    def restart_clock(self, kind: str, name: str, spec: str | None, now: float) -> None:
        """A changed cron string (``spec``) restarts the schedule's clock at ``now``."""
        query = (
            update(instigators)
            .where(self._key(kind, name))
            .values(spec=spec, started_at=now, last_tick_at=None, updated_at=time.time())
        )
        with self._db.write() as conn:
            conn.execute(query)

    def advance(self, kind: str, name: str, tick_time: float, cursor: str | None = None) -> None:
        """Record ``tick_time`` as handled (the clock never goes back) and the cursor."""
        values: dict[str, Any] = dict(last_tick_at=tick_time, updated_at=time.time())
        if cursor is not None:
            values["cursor"] = cursor
        older = (instigators.c.last_tick_at.is_(None)) | (instigators.c.last_tick_at < tick_time)
        with self._db.write() as conn:
            conn.execute(update(instigators).where(self._key(kind, name), older).values(**values))

    def _locked(self, conn: Connection, kind: str, name: str) -> InstigatorState | None:
        row = conn.execute(select(instigators).where(self._key(kind, name))).one_or_none()
        return None if row is None else _state(row)

    def _upsert(
        self,
        conn: Connection,
        kind: str,
        name: str,
        state: InstigatorState | None,
        values: dict[str, Any],
    ) -> None:
        values["updated_at"] = time.time()
        if state is None:
            conn.execute(insert(instigators).values(name=name, kind=kind, **values))
        else:
            conn.execute(update(instigators).where(self._key(kind, name)).values(**values))

    def _require(self, kind: str, name: str) -> InstigatorState:
        state = self.get_state(kind, name)
        assert state is not None
        return state

    def create_tick(
        self, kind: str, name: str, tick_time: float, owner: str | None = None
    ) -> tuple[TickRecord, bool]:
        """The tick of ``name`` at ``tick_time``, created (True) or found (False): the
        unique (instigator, kind, tick_time) makes it one tick whoever creates it. ``owner``
        is the daemon that evaluates it (``host:pid:suffix``): if that process dies before
        the tick ends, ``mark_interrupted_ticks`` ends it."""
        now = time.time()
        values = dict(
            instigator=name,
            kind=kind,
            tick_time=tick_time,
            status=TickStatus.STARTED,
            run_ids="[]",
            created_at=now,
            updated_at=now,
            owner=owner,
        )
        try:
            with self._db.write() as conn:
                found = self._find_tick(conn, kind, name, tick_time)
                if found is not None:
                    return found, False
                conn.execute(insert(ticks).values(**values))
                created = self._find_tick(conn, kind, name, tick_time)
        except IntegrityError:
            with self._db.read() as conn:
                again = self._find_tick(conn, kind, name, tick_time)
            assert again is not None
            return again, False
        assert created is not None
        return created, True

    @staticmethod
    def _find_tick(conn: Connection, kind: str, name: str, tick_time: float) -> TickRecord | None:
        query = select(ticks).where(
            ticks.c.kind == kind, ticks.c.instigator == name, ticks.c.tick_time == tick_time
        )
        row = conn.execute(query).one_or_none()
        return None if row is None else TickRecord.from_row(row)

    def finish_tick(
        self,
        tick_id: int,
        status: str,
        run_ids: list[str] | None = None,
        error: str | None = None,
        skip_reason: str | None = None,
    ) -> None:
        values = dict(
            status=status,
            run_ids=to_json(run_ids or []),
            error=error,
            skip_reason=skip_reason,
            updated_at=time.time(),
        )
        with self._db.write() as conn:
            conn.execute(update(ticks).where(ticks.c.id == tick_id).values(**values))

    def reopen_tick(self, tick_id: int, owner: str | None) -> TickRecord | None:
        """Start again a tick that ended interrupted (a schedule's instant catch-up still
        wants), owned by ``owner``; it keeps ``interrupted`` as a record. None if it is not
        such a tick any more (another daemon reopened it first)."""
        query = (
            update(ticks)
            .where(
                ticks.c.id == tick_id,
                ticks.c.status == TickStatus.SKIPPED,
                ticks.c.interrupted.is_not(None),
                ticks.c.skip_reason == ticks.c.interrupted,
            )
            .values(
                status=TickStatus.STARTED, skip_reason=None, owner=owner, updated_at=time.time()
            )
        )
        with self._db.write() as conn:
            reopened = bool(conn.execute(query).rowcount)
        return self.get_tick(tick_id) if reopened else None

    def get_tick(self, tick_id: int) -> TickRecord | None:
        with self._db.read() as conn:
            row = conn.execute(select(ticks).where(ticks.c.id == tick_id)).one_or_none()
        return None if row is None else TickRecord.from_row(row)

    def get_ticks(
        self, kind: str, name: str, limit: int = 50, status: str | None = None
    ) -> list[TickRecord]:
        """Ticks of ``name``, newest first."""
        query = select(ticks).where(ticks.c.kind == kind, ticks.c.instigator == name)
        if status is not None:
            query = query.where(ticks.c.status == status)
        query = query.order_by(ticks.c.tick_time.desc()).limit(limit)
        with self._db.read() as conn:
            return [TickRecord.from_row(row) for row in conn.execute(query)]

    def purge_ticks(
        self,
        before: float,
        kind: str | None = None,
        name: str | None = None,
        dry_run: bool = False,
    ) -> TickPurgeReport:
        """Delete finished ticks older than ``before`` (of ``kind``/``name``; default all),
        keeping the latest finished tick of each schedule and sensor. Never the clock or
        the cursor: nothing relaunches."""
        return purge_ticks(self._db, before, kind, name, dry_run)

    def heartbeat(self, daemon_id: str, daemon_type: str, now: float, info: dict[str, Any]) -> None:
        values = dict(daemon_type=daemon_type, timestamp=now, info=to_json(info))
        with self._db.write() as conn:
            done = conn.execute(
                update(daemon_heartbeats)
                .where(daemon_heartbeats.c.daemon_id == daemon_id)
                .values(**values)
            ).rowcount
            if not done:
                conn.execute(insert(daemon_heartbeats).values(daemon_id=daemon_id, **values))

    def heartbeats(self) -> list[DaemonHeartbeat]:
        query = select(daemon_heartbeats).order_by(daemon_heartbeats.c.timestamp.desc())
        with self._db.read() as conn:
            return [
                DaemonHeartbeat(r.daemon_id, r.daemon_type, r.timestamp, from_json(r.info, {}))
                for r in conn.execute(query)
            ]
