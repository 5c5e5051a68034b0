"""Stale runs: ``STARTED``/``CANCELING`` runs whose coordinator on this host has exited.

Such a run can never finish, so it is marked ``FAILURE`` through ordinary events (an
``ENGINE_EVENT`` saying why, then ``PIPELINE_FAILURE``), which keeps the event log and the
run row consistent. Runs coordinated from other hosts are left alone: their processes
cannot be checked from here.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from sqlalchemy import Connection, select

from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.instance._db import Database
from daskflow.instance._events import insert_events
from daskflow.instance._process import parse_coordinator, process_alive
from daskflow.instance._tables import runs

__all__ = ["mark_stale_runs"]

_IN_PROGRESS = [RunStatus.STARTED.value, RunStatus.CANCELING.value]


def mark_stale_runs(db: Database, is_alive: Callable[[int], bool] = process_alive) -> list[str]:
    """Mark every stale run of this host as failed; returns their run ids."""
    with db.read() as conn:
        if not _find_stale(conn, is_alive, lock=False):
            return []  # the common case: no write lock taken
    with db.write() as conn:  # check again under the write lock: another process may race
        stale = _find_stale(conn, is_alive, lock=True)
        events = [
            event
            for run_id, pipeline_name, pid in stale
            for event in _failure_events(run_id, pipeline_name, pid)
        ]
        insert_events(conn, events)
    return [run_id for run_id, _, _ in stale]


def _find_stale(
    conn: Connection, is_alive: Callable[[int], bool], lock: bool
) -> list[tuple[str, str, int]]:
    host = socket.gethostname()
    query = (
        select(runs.c.run_id, runs.c.pipeline_name, runs.c.coordinator)
        .where(runs.c.status.in_(_IN_PROGRESS))
        .order_by(runs.c.created_at)
    )
    if lock:
        query = query.with_for_update()
    stale = []
    for row in conn.execute(query):
        parsed = parse_coordinator(row.coordinator)
        if parsed is not None and parsed[0] == host and not is_alive(parsed[1]):
            stale.append((row.run_id, row.pipeline_name, parsed[1]))
    return stale


def _failure_events(run_id: str, pipeline_name: str, pid: int) -> list[EventRecord]:
    reason = f"the coordinator process {pid} exited without finishing the run"
    data = {"coordinator_pid": pid, "host": socket.gethostname(), "reason": "stale_coordinator"}
    return [
        EventRecord.create(
            run_id,
            DaskflowEventType.ENGINE_EVENT,
            pipeline_name,
            message=f"Marking the run as failed: {reason}.",
            data=data,
        ),
        EventRecord.create(
            run_id,
            DaskflowEventType.PIPELINE_FAILURE,
            pipeline_name,
            message=f"Run failed: {reason}.",
            data=data,
        ),
    ]
