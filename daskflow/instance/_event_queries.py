"""Filtered, paged reads of one run's event log, for the UI's log view and its live tail.

Filters run in SQL over the ``(run_id, event_type, id)`` and ``(run_id, step_key, id)``
indexes; pages are id ranges (``before_id``/``after_id``), so a 50,000-event run costs a
page, never the whole log.

>>> from daskflow.events import DaskflowEventType as T, EventRecord
>>> from daskflow.instance import DaskflowInstance
>>> with DaskflowInstance.ephemeral() as instance:
...     events = instance.event_storage
...     _ = events.store_events([EventRecord.create("r", T.STEP_START, "p", step_key="a"),
...                              EventRecord.create("r", T.LOG, "p", "hi", step_key="b")])
...     page = events.get_events_page("r", EventFilter(step_keys=("b",)))
...     [e.record.message for e in page]
['hi']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, or_, select

from daskflow.events import DaskflowEventType
from daskflow.instance._db import Database
from daskflow.instance._tables import event_logs

__all__ = ["EventFilter", "EventLogQueries"]

EventT = TypeVar("EventT")


@dataclass(frozen=True)
class EventFilter:
    """Which events of a run to show: every given condition holds.

    ``step_keys``: any of these step keys; ``min_level``: a ``logging`` level;
    ``text``: a case-insensitive substring of the message.
    """

    step_keys: tuple[str, ...] = ()
    event_types: tuple[DaskflowEventType, ...] = ()
    min_level: int | None = None
    text: str | None = None


def _filtered(query: Select[Any], event_filter: EventFilter) -> Select[Any]:
    if event_filter.step_keys:
        query = query.where(or_(*[event_logs.c.step_key == key for key in event_filter.step_keys]))
    if event_filter.event_types:
        names = [DaskflowEventType(t).value for t in event_filter.event_types]
        query = query.where(event_logs.c.event_type.in_(names))
    if event_filter.min_level is not None:
        query = query.where(event_logs.c.level >= event_filter.min_level)
    if event_filter.text:
        query = query.where(event_logs.c.message.icontains(event_filter.text, autoescape=True))
    return query


class EventLogQueries(Generic[EventT]):
    """Paged event reads (``EventStorage`` is one; it turns rows into ``StoredEvent``s)."""

    _db: Database

    def _stored(self, row: Row[Any]) -> EventT:
        raise NotImplementedError

    def get_events_page(
        self,
        run_id: str,
        event_filter: EventFilter | None = None,
        after_id: int | None = None,
        before_id: int | None = None,
        limit: int = 500,
        newest: bool = False,
    ) -> list[EventT]:
        """Matching events of ``run_id`` in id order, at most ``limit``: the oldest ones
        after ``after_id``, or with ``newest`` the latest ones (before ``before_id``)."""
        query = _filtered(
            select(event_logs).where(event_logs.c.run_id == run_id), event_filter or EventFilter()
        )
        if after_id is not None:
            query = query.where(event_logs.c.id > after_id)
        if before_id is not None:
            query = query.where(event_logs.c.id < before_id)
        order = event_logs.c.id.desc() if newest else event_logs.c.id
        with self._db.read() as conn:
            rows = conn.execute(query.order_by(order).limit(limit)).all()
        stored = [self._stored(row) for row in rows]
        return stored[::-1] if newest else stored

    def get_last_event_id(self, run_id: str) -> int | None:
        """The id of the run's latest event (None without events)."""
        query = (
            select(event_logs.c.id)
            .where(event_logs.c.run_id == run_id)
            .order_by(event_logs.c.id.desc())
            .limit(1)
        )
        with self._db.read() as conn:
            return conn.execute(query).scalar_one_or_none()
