"""The UI's instance queries on a real PostgreSQL server (the session's throwaway server
from tests/instance/conftest.py, or ``DASKFLOW_TEST_POSTGRES_URL``)."""

import logging
import uuid

from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord
from daskflow.instance import EventFilter, RunFilter
from tests.instance.conftest import postgres_url  # noqa: F401 - the session's server
from tests.instance.test_postgres import postgres_home


def test_paged_filtered_runs_origins_and_event_pages_on_postgres(
    tmp_path,
    monkeypatch,
    postgres_url,  # noqa: F811
):
    pipeline = f"ui_{uuid.uuid4().hex[:8]}"
    with postgres_home(tmp_path, monkeypatch, postgres_url) as instance:
        storage = instance.run_storage
        runs = [storage.create_run(pipeline, {}, "default", tags={"i": str(i)}) for i in range(5)]
        try:
            only = RunFilter(pipeline_name=pipeline)
            first = storage.get_runs_page(only, limit=3)
            second = storage.get_runs_page(only, first.next_cursor, limit=3)
            seen = [r.run_id for r in first.runs + second.runs]
            assert seen == [r.run_id for r in runs][::-1] and second.next_cursor is None
            tagged = storage.get_runs_page(RunFilter(pipeline_name=pipeline, tags={"i": "2"}))
            assert [r.run_id for r in tagged.runs] == [runs[2].run_id]
            assert storage.count_runs_by_status(only) == {"NOT_STARTED": 5}
            storage.set_origin(runs[0].run_id, {"kind": "python_module", "target": "m"})
            assert storage.get_origin(runs[0].run_id)["target"] == "m"
            run_id = runs[0].run_id
            instance.event_storage.store_events(
                [
                    EventRecord.create(run_id, T.LOG, pipeline, "Disk 100% FULL", step_key="a"),
                    EventRecord.create(
                        run_id, T.LOG, pipeline, "fine", step_key="b", level=logging.ERROR
                    ),
                ]
            )
            events = instance.event_storage
            assert [
                e.record.step_key
                for e in events.get_events_page(run_id, EventFilter(text="100% full"))
            ] == ["a"]
            assert [
                e.record.step_key
                for e in events.get_events_page(
                    run_id, EventFilter(step_keys=("b",), min_level=logging.ERROR)
                )
            ] == ["b"]
        finally:
            for run in runs:
                storage.delete_run(run.run_id)
        assert storage.get_origin(runs[0].run_id) is None
