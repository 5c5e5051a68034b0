"""Per-partition questions answered in SQL over indexed columns: the latest run of each
partition of a partition set (by its tags, ``ix_run_tags_key_value``) and the status of every
step of those runs (latest step event per step, ``ix_event_logs_run_id_step_key_id``).

The partition × step matrix of the UI is one query, whatever the number of partitions.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, func, select

from daskflow.events import DaskflowEventType, StepStatus
from daskflow.instance._db import Database
from daskflow.instance._operate_tables import run_queue
from daskflow.instance._tables import event_logs, run_tags, runs

__all__ = ["latest_partition_runs", "partition_step_matrix"]

PARTITION_TAG = "daskflow/partition"
PARTITION_SET_TAG = "daskflow/partition_set"
BACKFILL_TAG = "daskflow/backfill"
_STEP_EVENTS = ("STEP_START", "STEP_UP_FOR_RETRY", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")


def latest_partition_runs(partition_set: str, backfill_id: str | None = None) -> Select:
    """Rows (partition, run_id, status, claimed_by, queued, n): n = 1 for each partition's
    latest run."""
    part = run_tags.alias("part")
    pset = run_tags.alias("pset")
    latest = func.row_number().over(partition_by=part.c.value, order_by=runs.c.created_at.desc())
    query = (
        select(
            part.c.value.label("partition"),
            runs.c.run_id,
            runs.c.status,
            run_queue.c.claimed_by,
            run_queue.c.run_id.label("queued"),
            latest.label("n"),
        )
        .join(pset, and_(pset.c.run_id == part.c.run_id, pset.c.key == PARTITION_SET_TAG))
        .join(runs, runs.c.run_id == part.c.run_id)
        .outerjoin(run_queue, run_queue.c.run_id == runs.c.run_id)
        .where(part.c.key == PARTITION_TAG, pset.c.value == partition_set)
    )
    if backfill_id is not None:
        bf = run_tags.alias("bf")
        on = and_(bf.c.run_id == part.c.run_id, bf.c.key == BACKFILL_TAG, bf.c.value == backfill_id)
        query = query.join(bf, on)
    return query


def partition_step_matrix(db: Database, partition_set: str) -> dict[str, dict[str, str]]:
    """{partition: {step_key: StepStatus value}} for the latest run of each partition."""
    inner = latest_partition_runs(partition_set).subquery()
    latest = select(inner.c.partition, inner.c.run_id).where(inner.c.n == 1).subquery()
    newest = func.row_number().over(
        partition_by=(event_logs.c.run_id, event_logs.c.step_key), order_by=event_logs.c.id.desc()
    )
    steps = (
        select(
            latest.c.partition,
            event_logs.c.step_key,
            event_logs.c.event_type,
            newest.label("k"),
        )
        .join(latest, latest.c.run_id == event_logs.c.run_id)
        .where(event_logs.c.step_key.is_not(None), event_logs.c.event_type.in_(_STEP_EVENTS))
        .subquery()
    )
    matrix: dict[str, dict[str, str]] = {}
    with db.read() as conn:
        for row in conn.execute(select(steps).where(steps.c.k == 1)):
            status = StepStatus.of_event(DaskflowEventType(row.event_type))
            if status is not None:
                matrix.setdefault(row.partition, {})[row.step_key] = status.value
    return matrix
