"""Event storage: batches, reads with filters, run status from pipeline events, step stats."""

from __future__ import annotations

import logging
import os
import socket

import pytest
import sqlalchemy

from daskflow.events import EventRecord, RunStatus
from daskflow.instance import StepStatus, StoredEvent
from tests.instance.conftest import T, event


def _run(instance) -> str:
    return instance.run_storage.create_run("cereal", {}, "default").run_id


def test_batches_round_trip_in_order(instance):
    run_id = _run(instance)
    first = [event(run_id, T.PIPELINE_START)] + [
        event(run_id, T.LOG, "load", n=i, nested={"a": [1, 2.5, None]}) for i in range(5)
    ]
    second = [event(run_id, T.STEP_SUCCESS, "load")]
    ids = instance.event_storage.store_events(first) + instance.event_storage.store_events(second)
    assert ids == sorted(ids) and len(set(ids)) == 7
    stored = instance.event_storage.get_events(run_id)
    assert all(isinstance(e, StoredEvent) for e in stored)
    assert [e.id for e in stored] == ids
    assert [e.record for e in stored] == first + second  # every field survives
    assert stored[1].record.data == {"n": 0, "nested": {"a": [1, 2.5, None]}}
    assert instance.event_storage.store_events([]) == []


def test_batch_ids_match_the_stored_rows_after_the_newest_run_is_deleted(instance):
    """A batch is one insert statement; its ids are those of its rows, in order, also when
    the largest ids were freed by deleting the newest run (and asset rows point at them)."""
    kept, dropped = _run(instance), _run(instance)
    instance.event_storage.store_events([event(kept, T.LOG, "a", n=i) for i in range(3)])
    instance.event_storage.store_events([event(dropped, T.LOG, "a", n=i) for i in range(4)])
    assert instance.run_storage.delete_run(dropped)
    batch = [event(kept, T.LOG, "b", n=i) for i in range(250)]
    batch.insert(7, event(kept, T.ASSET_MATERIALIZATION, "b", asset_key=["table"]))
    ids = instance.event_storage.store_events(batch)
    stored = instance.event_storage.get_events(kept)[3:]
    assert [e.id for e in stored] == ids and len(set(ids)) == 251
    assert [e.record for e in stored] == batch
    (materialization,) = instance.event_storage.get_materializations("table")
    assert materialization.event_id == ids[7]


def test_get_events_filters(instance):
    run_id, other = _run(instance), _run(instance)
    kinds = [T.PIPELINE_START, T.STEP_START, T.LOG, T.STEP_SUCCESS, T.LOG, T.PIPELINE_SUCCESS]
    ids = instance.event_storage.store_events(
        [event(run_id, kind, "load") for kind in kinds] + [event(other, T.LOG, "x")]
    )
    get = instance.event_storage.get_events
    assert [e.id for e in get(run_id, after_id=ids[2])] == ids[3:6]
    assert [e.record.event_type for e in get(run_id, event_types=[T.LOG, "STEP_START"])] == [
        T.STEP_START,
        T.LOG,
        T.LOG,
    ]
    assert [e.id for e in get(run_id, after_id=ids[0], limit=2)] == ids[1:3]
    assert [e.id for e in get(other)] == [ids[6]]
    assert get("no-such-run") == []


def test_levels_and_messages_are_kept(instance):
    run_id = _run(instance)
    record = EventRecord.create(run_id, T.LOG, "cereal", message="héllo ✓", level=logging.WARNING)
    instance.event_storage.store_events([record])
    (stored,) = instance.event_storage.get_events(run_id)
    assert stored.record.level_name == "WARNING" and stored.record.message == "héllo ✓"


def test_pipeline_events_drive_run_status(instance):
    run_id = _run(instance)
    storage = instance.event_storage
    storage.store_events([event(run_id, T.PIPELINE_START, timestamp=100.0)])
    run = instance.run_storage.get_run(run_id)
    assert run.status is RunStatus.STARTED and run.start_time == 100.0
    assert run.coordinator == f"{socket.gethostname()}:{os.getpid()}"
    assert run.end_time is None and run.updated_at > run.created_at - 1
    storage.store_events([event(run_id, T.LOG), event(run_id, T.PIPELINE_FAILURE, timestamp=107.5)])
    run = instance.run_storage.get_run(run_id)
    assert (run.status, run.start_time, run.end_time, run.duration) == (
        RunStatus.FAILURE,
        100.0,
        107.5,
        7.5,
    )


@pytest.mark.parametrize(
    "kind, status",
    [(T.PIPELINE_SUCCESS, RunStatus.SUCCESS), (T.PIPELINE_CANCELED, RunStatus.CANCELED)],
)
def test_start_and_finish_in_one_batch(instance, kind, status):
    run_id = _run(instance)
    instance.event_storage.store_events(
        [
            event(run_id, T.PIPELINE_START, coordinator="worker-7:99", timestamp=1.0),
            event(run_id, kind, timestamp=2.0),
        ]
    )
    run = instance.run_storage.get_run(run_id)
    assert (run.status, run.coordinator, run.start_time, run.end_time) == (
        status,
        "worker-7:99",
        1.0,
        2.0,
    )
    assert run.status.is_finished


def test_a_failing_batch_stores_nothing(instance, monkeypatch):
    import daskflow.instance._events as events_module

    run_id = _run(instance)

    def broken(event_id, record):
        raise RuntimeError("index failure")

    monkeypatch.setattr(events_module, "materialization_row", broken)
    with pytest.raises(RuntimeError, match="index failure"):
        instance.event_storage.store_events(
            [event(run_id, T.PIPELINE_START), event(run_id, T.ASSET_MATERIALIZATION, "a")]
        )
    assert instance.event_storage.get_events(run_id) == []
    assert instance.run_storage.get_run(run_id).status is RunStatus.NOT_STARTED


def test_a_batch_is_stored_in_one_transaction(instance):
    """Large batches stay cheap: each batch is one transaction whatever its size (its
    speed is measured in benchmarks/, not asserted here)."""
    run_id = _run(instance)
    batch = [event(run_id, T.LOG, f"step_{i % 50}", i=i) for i in range(1000)]
    commits: list[object] = []

    def count(conn):
        commits.append(conn)

    engine = instance._database.engine
    sqlalchemy.event.listen(engine, "commit", count)
    try:
        for _ in range(3):
            instance.event_storage.store_events(batch)
    finally:
        sqlalchemy.event.remove(engine, "commit", count)
    assert len(instance.event_storage.get_events(run_id)) == 3000
    assert len(commits) == 3


def test_step_stats(instance):
    run_id = _run(instance)
    instance.event_storage.store_events(
        [
            event(run_id, T.PIPELINE_START, timestamp=1),
            event(run_id, T.STEP_START, "load", timestamp=2),
            event(run_id, T.STEP_SUCCESS, "load", timestamp=3),
            event(run_id, T.STEP_START, "sort", timestamp=4),
            event(run_id, T.STEP_UP_FOR_RETRY, "sort", timestamp=5),
            event(run_id, T.STEP_START, "sort", timestamp=6),
            event(run_id, T.STEP_FAILURE, "sort", timestamp=8),
            event(run_id, T.STEP_SKIPPED, "report", timestamp=9),
            event(run_id, T.STEP_START, "slow", timestamp=9),
            event(run_id, T.LOG, "slow", timestamp=10),
        ]
    )
    stats = instance.event_storage.get_step_stats(run_id)
    assert list(stats) == ["load", "sort", "report", "slow"]
    load, sort, report, slow = stats.values()
    assert (load.status, load.start_time, load.end_time, load.attempts, load.duration) == (
        StepStatus.SUCCESS,
        2,
        3,
        1,
        1,
    )
    assert (sort.status, sort.start_time, sort.end_time, sort.attempts) == (
        StepStatus.FAILURE,
        4,
        8,
        2,
    )
    assert (report.status, report.start_time, report.attempts) == (StepStatus.SKIPPED, None, 0)
    assert (slow.status, slow.end_time, slow.solid_name) == (StepStatus.IN_PROGRESS, None, "slow")
    assert instance.event_storage.get_step_stats("no-such-run") == {}
