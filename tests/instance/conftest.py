"""Fixtures of the instance storage tests: a real SQLite home in ``tmp_path``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from daskflow.engine.events import DaskflowEventType, EventRecord
from daskflow.instance import DaskflowInstance

T = DaskflowEventType


@pytest.fixture
def instance(tmp_path) -> Iterator[DaskflowInstance]:
    with DaskflowInstance.from_home(tmp_path / "home") as opened:
        yield opened


def event(run_id: str, event_type: DaskflowEventType, step: str | None = None,
          timestamp: float | None = None, **data) -> EventRecord:
    """An event of pipeline "cereal"; ``step`` is both the solid name and the step key."""
    record = EventRecord.create(run_id, event_type, "cereal", message=f"{event_type.value}",
                                solid_name=step, step_key=step, data=data)
    if timestamp is None:
        return record
    return EventRecord.from_dict({**record.to_dict(), "timestamp": timestamp})
