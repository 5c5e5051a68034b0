"""Run queries for lists and launchers: filtered, cursor-paged runs, counts by status, the
indexed tag copy (``run_tags``) and a launched run's origin (``run_origins``).

Filters are SQL over indexed columns (pipeline, status, ``run_tags(key, value)``), never a
scan of the runs' JSON; pages follow a cursor (the last run id shown), so page 100 costs
what page 1 does.

>>> from daskflow.instance import DaskflowInstance
>>> with DaskflowInstance.ephemeral() as instance:
...     storage = instance.run_storage
...     a = storage.create_run("cereal", {}, "default", tags={"team": "a"})
...     b = storage.create_run("cereal", {}, "default", tags={"team": "b"})
...     page = storage.get_runs_page(RunFilter(tags={"team": "b"}))
...     [r.run_id == b.run_id for r in page.runs], storage.count_runs_by_status()
([True], {'NOT_STARTED': 2})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Row, Select, and_, delete, func, insert, or_, select

from daskflow.events import RunStatus
from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._tables import run_origins, run_tags, runs

__all__ = ["RunFilter", "RunIndex", "RunPage", "delete_run_index", "write_run_tags"]

DEFAULT_PAGE_SIZE = 50
RecordT = TypeVar("RecordT")


@dataclass(frozen=True)
class RunFilter:
    """Which runs to list: all given conditions hold (statuses: any of them)."""

    pipeline_name: str | None = None
    statuses: tuple[RunStatus, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RunPage(Generic[RecordT]):
    """One page of runs, newest first; ``next_cursor`` is None on the last page."""

    runs: list[RecordT]
    next_cursor: str | None


def write_run_tags(conn: Connection, run_id: str, tags: Mapping[str, Any]) -> None:
    """Index ``tags`` of ``run_id`` (values as strings), inside the caller's transaction."""
    rows = [{"run_id": run_id, "key": str(k), "value": str(v)} for k, v in tags.items()]
    if rows:
        conn.execute(insert(run_tags), rows)


def delete_run_index(conn: Connection, run_id: str) -> None:
    conn.execute(delete(run_tags).where(run_tags.c.run_id == run_id))
    conn.execute(delete(run_origins).where(run_origins.c.run_id == run_id))


def _filtered(query: Select[Any], run_filter: RunFilter, with_status: bool = True) -> Select[Any]:
    if run_filter.pipeline_name is not None:
        query = query.where(runs.c.pipeline_name == run_filter.pipeline_name)
    if with_status and run_filter.statuses:
        query = query.where(runs.c.status.in_([RunStatus(s).value for s in run_filter.statuses]))
    for key, value in run_filter.tags.items():
        tagged = select(run_tags.c.run_id).where(
            run_tags.c.key == key, run_tags.c.value == str(value)
        )
        query = query.where(runs.c.run_id.in_(tagged))
    return query


class RunIndex(Generic[RecordT]):
    """Paged, filtered run queries and run origins (``RunStorage`` is one, and says how a
    row becomes its record type by ``_record``)."""

    _db: Database

    def _record(self, row: Row[Any]) -> RecordT:
        raise NotImplementedError

    def get_runs_page(
        self, run_filter: RunFilter | None = None, cursor: str | None = None, limit: int = 50
    ) -> RunPage[RecordT]:
        """Runs matching ``run_filter``, newest first, after the run id ``cursor``."""
        query = _filtered(select(runs), run_filter or RunFilter())
        if cursor is not None:
            created = select(runs.c.created_at).where(runs.c.run_id == cursor).scalar_subquery()
            query = query.where(
                or_(
                    runs.c.created_at < created,
                    and_(runs.c.created_at == created, runs.c.run_id < cursor),
                )
            )
        query = query.order_by(runs.c.created_at.desc(), runs.c.run_id.desc()).limit(limit + 1)
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        records = [self._record(row) for row in rows[:limit]]
        more = len(rows) > limit
        return RunPage(records, rows[limit - 1].run_id if more and limit > 0 else None)

    def count_runs_by_status(self, run_filter: RunFilter | None = None) -> dict[str, int]:
        """How many runs match ``run_filter`` (its statuses ignored), per status."""
        query = _filtered(
            select(runs.c.status, func.count()).group_by(runs.c.status),
            run_filter or RunFilter(),
            with_status=False,
        )
        with self._db.read() as conn:
            return {status: count for status, count in conn.execute(query)}

    def get_tag_keys(self, limit: int = 200) -> list[str]:
        """Tag keys in use, sorted (for filter suggestions)."""
        query = select(run_tags.c.key).distinct().order_by(run_tags.c.key).limit(limit)
        with self._db.read() as conn:
            return list(conn.execute(query).scalars())

    def set_origin(self, run_id: str, origin: Mapping[str, Any]) -> None:
        """Record where the pipeline of ``run_id`` is loaded from (replacing any)."""
        with self._db.write() as conn:
            conn.execute(delete(run_origins).where(run_origins.c.run_id == run_id))
            conn.execute(insert(run_origins), {"run_id": run_id, "origin": to_json(dict(origin))})

    def get_origin(self, run_id: str) -> dict[str, Any] | None:
        """The origin stored for ``run_id``; None for runs not started by a launcher."""
        query = select(run_origins.c.origin).where(run_origins.c.run_id == run_id)
        with self._db.read() as conn:
            text = conn.execute(query).scalar_one_or_none()
        return None if text is None else from_json(text, {})
