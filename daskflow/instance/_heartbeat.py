"""Run heartbeats: the coordinator's sign of life, one row per running run.

``PIPELINE_START`` creates the run's row (in the transaction that stores the event), the
coordinator renews it every ``HEARTBEAT_SECONDS``, and the run's end (``PIPELINE_SUCCESS``,
``FAILURE`` or ``CANCELED``) removes it. A row older than ``HEARTBEAT_TIMEOUT_SECONDS``
means the coordinator is gone, on whichever host it ran (``_stale.py`` then fails the run).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, update

from daskflow.events import RunStatus
from daskflow.instance._db import Database
from daskflow.instance._tables import run_heartbeats

__all__ = [
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_TIMEOUT_SECONDS",
    "beat",
    "record_heartbeats",
]

HEARTBEAT_SECONDS = 3.0
HEARTBEAT_TIMEOUT_SECONDS = 60.0


def record_heartbeats(conn: Connection, changes: Mapping[str, Mapping[str, Any]]) -> None:
    """Start the heartbeat of runs that start, stop it for runs that end (in ``conn``'s
    transaction); ``changes`` are the run row values pipeline events set, per run id."""
    now = time.time()
    for run_id, values in changes.items():
        conn.execute(delete(run_heartbeats).where(run_heartbeats.c.run_id == run_id))
        if values["status"] == RunStatus.STARTED.value:
            conn.execute(
                insert(run_heartbeats),
                {"run_id": run_id, "coordinator": values["coordinator"], "heartbeat_at": now},
            )


def beat(db: Database, run_id: str) -> bool:
    """Renew the run's heartbeat; False if the run has none (it ended, or never started)."""
    query = (
        update(run_heartbeats)
        .where(run_heartbeats.c.run_id == run_id)
        .values(heartbeat_at=time.time())
    )
    with db.write() as conn:
        return bool(conn.execute(query).rowcount)
