"""The instance additions the UI reads through: indexed run tags, cursor-paged and filtered
runs, counts by status, run origins, filtered event pages, and the upgrade of an existing
database (missing tables and indexes added on open, tags back-filled)."""

import logging
import sqlite3

import pytest
from sqlalchemy import inspect

from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord, RunStatus
from daskflow.instance import DaskflowInstance, EventFilter, RunFilter


@pytest.fixture
def instance(tmp_path):
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        yield instance


def _runs(instance, count, **kwargs):
    return [instance.run_storage.create_run("p", {}, "default", **kwargs) for _ in range(count)]


def test_cursor_paging_visits_every_run_once_newest_first(instance):
    created = [r.run_id for r in _runs(instance, 7)]
    seen, cursor = [], None
    while True:
        page = instance.run_storage.get_runs_page(cursor=cursor, limit=3)
        seen += [r.run_id for r in page.runs]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == created[::-1]


def test_filters_by_pipeline_status_and_tag(instance):
    storage = instance.run_storage
    _runs(instance, 2, tags={"team": "a"})
    tagged = _runs(instance, 1, tags={"team": "b", "env": "prod"})[0]
    storage.create_run("other", {}, "default", tags={"team": "b"})
    storage.request_cancel(tagged.run_id)
    page = storage.get_runs_page(RunFilter(pipeline_name="p", tags={"team": "b"}))
    assert [r.run_id for r in page.runs] == [tagged.run_id]
    by_status = storage.get_runs_page(RunFilter(statuses=(RunStatus.CANCELING,)))
    assert [r.run_id for r in by_status.runs] == [tagged.run_id]
    assert storage.count_runs_by_status(RunFilter(pipeline_name="p")) == {
        "NOT_STARTED": 2,
        "CANCELING": 1,
    }
    assert storage.get_tag_keys() == ["env", "team"]


def test_origin_round_trip_and_delete_removes_index_rows(instance):
    storage = instance.run_storage
    run = _runs(instance, 1, tags={"team": "a"})[0]
    assert storage.get_origin(run.run_id) is None
    storage.set_origin(run.run_id, {"kind": "python_file", "target": "/x.py"})
    assert storage.get_origin(run.run_id) == {"kind": "python_file", "target": "/x.py"}
    storage.delete_run(run.run_id)
    assert storage.get_origin(run.run_id) is None
    assert storage.get_runs_page(RunFilter(tags={"team": "a"})).runs == []


def _event(event_type, step=None, message="", level=None):
    return EventRecord.create("r", event_type, "p", message, step_key=step, level=level)


def test_event_pages_filter_in_sql_and_page_by_id(instance):
    events = instance.event_storage
    ids = events.store_events(
        [_event(T.STEP_START, "a"), _event(T.LOG, "a", "Hello World")]
        + [_event(T.LOG, "b", f"line {i}") for i in range(5)]
        + [_event(T.STEP_FAILURE, "b", "boom", logging.ERROR)]
    )
    by_step = events.get_events_page("r", EventFilter(step_keys=("a",)))
    assert [e.id for e in by_step] == ids[:2]
    by_type = events.get_events_page("r", EventFilter(event_types=(T.STEP_FAILURE,)))
    assert [e.record.message for e in by_type] == ["boom"]
    assert [e.id for e in events.get_events_page("r", EventFilter(min_level=logging.ERROR))] == [
        ids[-1]
    ]
    assert [e.id for e in events.get_events_page("r", EventFilter(text="hello world"))] == [ids[1]]
    newest = events.get_events_page("r", limit=3, newest=True)
    assert [e.id for e in newest] == ids[-3:]
    earlier = events.get_events_page("r", before_id=newest[0].id, limit=2, newest=True)
    assert [e.id for e in earlier] == ids[-5:-3]
    assert [e.id for e in events.get_events_page("r", after_id=ids[-2])] == [ids[-1]]
    assert events.get_last_event_id("r") == ids[-1]
    assert events.get_events_page("r", EventFilter(text="100%")) == []


def test_an_older_database_gains_the_new_tables_indexes_and_tag_rows(tmp_path):
    home = tmp_path / "home"
    with DaskflowInstance.from_home(home) as instance:
        run = instance.run_storage.create_run("p", {}, "default", tags={"team": "a"})
    db = sqlite3.connect(home / "daskflow.db")  # make it look like the previous schema
    db.executescript(
        "DROP TABLE run_tags; DROP TABLE run_origins;"
        "DROP INDEX ix_event_logs_run_id_event_type_id;"
        "DROP INDEX ix_event_logs_run_id_step_key_id;"
    )
    db.close()
    for _ in range(2):  # idempotent
        with DaskflowInstance.from_home(home) as instance:
            page = instance.run_storage.get_runs_page(RunFilter(tags={"team": "a"}))
            assert [r.run_id for r in page.runs] == [run.run_id]
            engine = instance.run_storage._db.engine
            names = {i["name"] for i in inspect(engine).get_indexes("event_logs")}
            assert "ix_event_logs_run_id_event_type_id" in names
            assert "ix_event_logs_run_id_step_key_id" in names
