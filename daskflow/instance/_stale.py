"""Stale runs: ``STARTED``/``CANCELING`` runs whose coordinator is gone, and forced ends.

A run is stale when its coordinator ran on this host and that process has exited, or when
its heartbeat (``_heartbeat.py``; renewed every few seconds by the coordinator, on any
host) is older than the timeout. Such a run can never finish, so it is marked ``FAILURE``
through ordinary events (an ``ENGINE_EVENT`` saying why, then ``PIPELINE_FAILURE``), which
keeps the event log and the run row consistent. ``end_run`` does the same on request, for
``daskflow run cancel --force``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from daskflow.errors import DaskflowRunNotFoundError
from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.instance._db import Database
from daskflow.instance._events import insert_events
from daskflow.instance._heartbeat import HEARTBEAT_TIMEOUT_SECONDS
from daskflow.instance._process import parse_coordinator, process_alive
from daskflow.instance._tables import run_heartbeats, runs

__all__ = ["end_run", "mark_stale_runs"]

_IN_PROGRESS = [RunStatus.STARTED.value, RunStatus.CANCELING.value]
_ENDS = {
    RunStatus.FAILURE: DaskflowEventType.PIPELINE_FAILURE,
    RunStatus.CANCELED: DaskflowEventType.PIPELINE_CANCELED,
}


@dataclass(frozen=True)
class _Stale:
    run_id: str
    pipeline_name: str
    reason: str
    data: dict[str, Any]


def mark_stale_runs(
    db: Database,
    is_alive: Callable[[int], bool] = process_alive,
    heartbeat_timeout: float = HEARTBEAT_TIMEOUT_SECONDS,
) -> list[str]:
    """Mark every stale run as failed; returns their run ids."""
    with db.read() as conn:
        if not _find_stale(conn, is_alive, heartbeat_timeout, lock=False):
            return []  # the common case: no write lock taken
    with db.write() as conn:  # check again under the write lock: another process may race
        stale = _find_stale(conn, is_alive, heartbeat_timeout, lock=True)
        events = [
            event
            for run in stale
            for event in _end_events(
                run.run_id, run.pipeline_name, RunStatus.FAILURE, run.reason, run.data
            )
        ]
        insert_events(conn, events)
    return [run.run_id for run in stale]


def _find_stale(
    conn: Connection, is_alive: Callable[[int], bool], heartbeat_timeout: float, lock: bool
) -> list[_Stale]:
    query = (
        select(
            runs.c.run_id,
            runs.c.pipeline_name,
            runs.c.coordinator,
            run_heartbeats.c.heartbeat_at,
        )
        .select_from(runs.outerjoin(run_heartbeats, run_heartbeats.c.run_id == runs.c.run_id))
        .where(runs.c.status.in_(_IN_PROGRESS))
        .order_by(runs.c.created_at)
    )
    if lock:
        query = query.with_for_update(of=runs)
    host, now = socket.gethostname(), time.time()
    stale = []
    for row in conn.execute(query):
        parsed = parse_coordinator(row.coordinator)
        data: dict[str, Any] = {"coordinator": row.coordinator, "reason": "stale_coordinator"}
        if parsed is not None and parsed[0] == host and not is_alive(parsed[1]):
            reason = f"the coordinator process {parsed[1]} exited without finishing the run"
        elif row.heartbeat_at is not None and now - row.heartbeat_at > heartbeat_timeout:
            silent = now - row.heartbeat_at
            data["heartbeat_age_seconds"] = round(silent, 1)
            reason = (
                f"its coordinator ({row.coordinator}) stopped reporting {silent:.0f} s ago "
                f"(timeout {heartbeat_timeout:.0f} s)"
            )
        else:
            continue
        stale.append(_Stale(row.run_id, row.pipeline_name, reason, data))
    return stale


def end_run(db: Database, run_id: str, status: RunStatus, reason: str) -> RunStatus:
    """End a run that has not finished as ``status`` (``FAILURE`` or ``CANCELED``), with an
    event saying ``reason``; returns the status it had. A finished run is left as it is."""
    with db.write() as conn:
        row = conn.execute(
            select(runs.c.status, runs.c.pipeline_name, runs.c.coordinator)
            .where(runs.c.run_id == run_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            raise DaskflowRunNotFoundError(run_id, "this instance's run storage")
        previous = RunStatus(row.status)
        if not previous.is_finished:
            data = {"coordinator": row.coordinator, "reason": "forced", "previous": row.status}
            insert_events(conn, _end_events(run_id, row.pipeline_name, status, reason, data))
    return previous


def _end_events(
    run_id: str, pipeline_name: str, status: RunStatus, reason: str, data: dict[str, Any]
) -> list[EventRecord]:
    word = "failed" if status == RunStatus.FAILURE else "canceled"
    return [
        EventRecord.create(
            run_id,
            DaskflowEventType.ENGINE_EVENT,
            pipeline_name,
            message=f"Marking the run as {word}: {reason}.",
            data=data,
        ),
        EventRecord.create(
            run_id, _ENDS[status], pipeline_name, message=f"Run {word}: {reason}.", data=data
        ),
    ]
