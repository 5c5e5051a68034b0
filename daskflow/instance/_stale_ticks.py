"""Interrupted ticks: ``STARTED`` ticks whose daemon is gone end ``SKIPPED``, saying why.

A tick is interrupted when the daemon evaluating it (its ``owner``, ``host:pid:suffix``)
ran on this host and that process has exited; or, for a daemon on another host, when both
its last heartbeat and the tick are older than the timeout; or, for a tick that names no
daemon (written before ticks had owners), when it is older than the timeout. A live
daemon's tick is never touched: on this host its process is alive, elsewhere it renews its
heartbeat while it evaluates.

Like Dagster's dangling ticks, an interrupted tick ends ``SKIPPED`` (nothing it did is
trusted) with the reason as its skip reason, also kept in ``interrupted``. A sensor's
cursor and a schedule's clock move only once a tick ends, so the next evaluation starts
where the interrupted one did; the scheduler reopens an interrupted tick whose instant its
catch-up still runs (the run key keeps it to one run).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from daskflow.instance._db import Database
from daskflow.instance._operate_tables import daemon_heartbeats, ticks
from daskflow.instance._process import parse_daemon_id, process_alive
from daskflow.instance._schedule_storage import HEARTBEAT_STALE_SECONDS

__all__ = ["INTERRUPTED_TICK_TIMEOUT_SECONDS", "interrupted_reason", "mark_interrupted_ticks"]

# A daemon on another host that has not reported for this long is gone (as in the UI).
INTERRUPTED_TICK_TIMEOUT_SECONDS = HEARTBEAT_STALE_SECONDS

_STARTED = "STARTED"
_SKIPPED = "SKIPPED"


def mark_interrupted_ticks(
    db: Database,
    is_alive: Callable[[int], bool] = process_alive,
    timeout: float = INTERRUPTED_TICK_TIMEOUT_SECONDS,
) -> list[int]:
    """End every interrupted tick ``SKIPPED`` with the reason; returns their ids."""
    with db.read() as conn:
        if not _find(conn, is_alive, timeout, lock=False):
            return []  # the common case: no write lock taken
    with db.write() as conn:  # again under the write lock: another process may race
        found = _find(conn, is_alive, timeout, lock=True)
        for tick_id, reason in found:
            conn.execute(
                update(ticks)
                .where(ticks.c.id == tick_id, ticks.c.status == _STARTED)
                .values(
                    status=_SKIPPED, skip_reason=reason, interrupted=reason, updated_at=time.time()
                )
            )
    return [tick_id for tick_id, _ in found]


def _find(
    conn: Connection, is_alive: Callable[[int], bool], timeout: float, lock: bool
) -> list[tuple[int, str]]:
    query = (
        select(
            ticks.c.id,
            ticks.c.kind,
            ticks.c.owner,
            ticks.c.updated_at,
            daemon_heartbeats.c.timestamp,
        )
        .select_from(
            ticks.outerjoin(daemon_heartbeats, daemon_heartbeats.c.daemon_id == ticks.c.owner)
        )
        .where(ticks.c.status == _STARTED)
        .order_by(ticks.c.id)
    )
    if lock:
        query = query.with_for_update(of=ticks)
    found = []
    for row in conn.execute(query):
        why = _why(_Started(row.owner, row.updated_at, row.timestamp), is_alive, timeout)
        if why is not None:
            found.append((int(row.id), interrupted_reason(row.kind, why)))
    return found


@dataclass(frozen=True)
class _Started:
    owner: str | None
    updated_at: float
    heartbeat_at: float | None  # the owner's last heartbeat, if it wrote one


def _why(tick: _Started, is_alive: Callable[[int], bool], timeout: float) -> str | None:
    """Why the tick is interrupted, or None while its daemon may still be working on it."""
    owner = parse_daemon_id(tick.owner)
    if owner is not None and owner[0] == socket.gethostname():
        return None if is_alive(owner[1]) else f"its daemon process {owner[1]} exited"
    if tick.owner is None:
        silent = time.time() - tick.updated_at
        what = f"it names no daemon and was started {silent:.0f} s ago"
    else:
        silent = time.time() - max(tick.updated_at, tick.heartbeat_at or 0.0)
        what = f"its daemon {tick.owner} stopped reporting {silent:.0f} s ago"
    return f"{what} (timeout {timeout:.0f} s)" if silent > timeout else None


def interrupted_reason(kind: str, why: str) -> str:
    """What an interrupted tick of a ``kind`` (schedule or sensor) says.

    >>> interrupted_reason("sensor", "its daemon process 42 exited")[:80]
    'Interrupted before it finished: its daemon process 42 exited. The cursor was not'
    """
    if kind == "schedule":
        then = "The clock was not advanced: this time runs again if catch-up still runs it."
    else:
        then = "The cursor was not advanced: the next tick evaluates from the same cursor."
    return f"Interrupted before it finished: {why}. {then}"
