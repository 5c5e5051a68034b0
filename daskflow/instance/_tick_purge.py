"""Purging tick history: finished ticks older than an instant, except the latest finished
tick of each schedule or sensor (the UI shows what it last did) and any tick in progress.

Ticks are only a record: a schedule's clock and a sensor's cursor live with its state
(``instigators``), so purging never relaunches a run nor moves a cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, exists, func, select

from daskflow.instance._db import Database
from daskflow.instance._operate_tables import ticks

__all__ = ["TickPurgeReport", "purge_ticks"]

_STARTED = "STARTED"


@dataclass(frozen=True)
class TickPurgeReport:
    """Ticks removed (or, with ``dry_run``, that would be) per ``(kind, name)``."""

    before: float
    dry_run: bool
    removed: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def _conditions(before: float, kind: str | None, name: str | None) -> list[Any]:
    newer = ticks.alias("newer")
    newer_finished = exists().where(
        newer.c.kind == ticks.c.kind,
        newer.c.instigator == ticks.c.instigator,
        newer.c.tick_time > ticks.c.tick_time,
        newer.c.status != _STARTED,
    )
    conditions = [ticks.c.tick_time < before, ticks.c.status != _STARTED, newer_finished]
    if kind is not None:
        conditions.append(ticks.c.kind == kind)
    if name is not None:
        conditions.append(ticks.c.instigator == name)
    return conditions


def purge_ticks(
    db: Database,
    before: float,
    kind: str | None = None,
    name: str | None = None,
    dry_run: bool = False,
) -> TickPurgeReport:
    """Delete the finished ticks with ``tick_time < before`` of ``kind``/``name`` (default:
    all), keeping each one's latest finished tick; counts per ``(kind, name)``."""
    conditions = _conditions(before, kind, name)
    count = (
        select(ticks.c.kind, ticks.c.instigator, func.count())
        .where(*conditions)
        .group_by(ticks.c.kind, ticks.c.instigator)
        .order_by(ticks.c.kind, ticks.c.instigator)
    )
    with db.write() as conn:
        removed = {(row[0], row[1]): int(row[2]) for row in conn.execute(count)}
        if removed and not dry_run:
            conn.execute(delete(ticks).where(*conditions))
    return TickPurgeReport(before, dry_run, removed)
