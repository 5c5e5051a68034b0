"""Run heartbeats: a run whose coordinator stopped reporting is failed by any process that
opens the instance (whatever host the coordinator ran on); forced ends; older databases
gain the heartbeat table on open."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import update

from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance
from daskflow.instance._tables import run_heartbeats
from tests.instance.conftest import T, event
from tests.instance.test_postgres import postgres_home

OTHER_HOST = "a-container-elsewhere:4242"


def _started_run(instance, coordinator: str = OTHER_HOST) -> str:
    run_id = instance.run_storage.create_run("cereal", {}, "default").run_id
    instance.event_storage.store_events([event(run_id, T.PIPELINE_START, coordinator=coordinator)])
    return run_id


def _age_heartbeat(instance, run_id: str, seconds: float) -> None:
    with instance._database.write() as conn:
        conn.execute(
            update(run_heartbeats)
            .where(run_heartbeats.c.run_id == run_id)
            .values(heartbeat_at=time.time() - seconds)
        )


def _heartbeat_rows(instance) -> dict[str, float]:
    with instance._database.read() as conn:
        return dict(
            conn.execute(
                run_heartbeats.select().with_only_columns(
                    run_heartbeats.c.run_id, run_heartbeats.c.heartbeat_at
                )
            ).all()
        )


def test_a_run_of_another_host_whose_heartbeat_stopped_fails_on_open(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        silent = _started_run(instance)
        beating = _started_run(instance)
        _age_heartbeat(instance, silent, 120)
        _age_heartbeat(instance, beating, 120)
        assert instance.run_storage.heartbeat(beating)  # the coordinator is alive after all
        canceling = _started_run(instance)
        instance.run_storage.request_cancel(canceling)  # `run cancel`: CANCELING, then ...
        _age_heartbeat(instance, canceling, 120)

    with DaskflowInstance.from_home(tmp_path) as instance:
        status = {r.run_id: r.status for r in instance.run_storage.get_runs()}
        assert status == {
            silent: RunStatus.FAILURE,
            beating: RunStatus.STARTED,
            canceling: RunStatus.FAILURE,  # ... not CANCELING forever
        }
        message = instance.event_storage.get_events(silent)[-1].record.message
        assert "a-container-elsewhere:4242" in message and "stopped reporting" in message
        assert set(_heartbeat_rows(instance)) == {beating}  # a run's end removes its row
        assert instance.mark_stale_runs(heartbeat_timeout=3600) == []
        _age_heartbeat(instance, beating, 30)
        assert instance.mark_stale_runs(heartbeat_timeout=10) == [beating]


def test_heartbeats_start_with_the_run_and_stop_at_its_end(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        assert not instance.run_storage.heartbeat("no-such-run")
        run_id = _started_run(instance)
        first = _heartbeat_rows(instance)[run_id]
        assert time.time() - first < 5
        assert instance.run_storage.heartbeat(run_id)
        assert _heartbeat_rows(instance)[run_id] >= first
        instance.event_storage.store_events([event(run_id, T.PIPELINE_SUCCESS)])
        assert _heartbeat_rows(instance) == {}
        assert not instance.run_storage.heartbeat(run_id)


def test_end_run_records_a_run_whose_coordinator_is_gone(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        started = _started_run(instance)
        not_started = instance.run_storage.create_run("cereal", {}, "default").run_id
        done = _started_run(instance)
        instance.event_storage.store_events([event(done, T.PIPELINE_SUCCESS)])
        runs = instance.run_storage

        assert runs.end_run(started, RunStatus.CANCELED, "asked by hand") is RunStatus.STARTED
        assert runs.end_run(not_started, RunStatus.FAILURE, "gone") is RunStatus.NOT_STARTED
        assert runs.end_run(done, RunStatus.CANCELED, "late") is RunStatus.SUCCESS

        assert runs.get_run(started).status is RunStatus.CANCELED
        assert runs.get_run(not_started).status is RunStatus.FAILURE
        assert runs.get_run(done).status is RunStatus.SUCCESS
        last = instance.event_storage.get_events(started)[-1].record
        assert last.event_type is T.PIPELINE_CANCELED and "asked by hand" in last.message
        assert _heartbeat_rows(instance) == {}


def test_a_database_without_the_heartbeat_table_gains_it_on_open(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        run_id = _started_run(instance)
    db = sqlite3.connect(tmp_path / "daskflow.db")
    db.execute("DROP TABLE run_heartbeats")  # as written by a daskflow without heartbeats
    db.commit()
    db.close()
    for _ in range(2):  # idempotent
        with DaskflowInstance.from_home(tmp_path) as instance:
            assert instance.run_storage.get_run(run_id).status is RunStatus.STARTED
            assert run_id not in _heartbeat_rows(instance)  # an old run: no heartbeat
            other = _started_run(instance)
            assert other in _heartbeat_rows(instance)


def test_heartbeats_on_postgres(tmp_path, monkeypatch, postgres_url):
    with postgres_home(tmp_path, monkeypatch, postgres_url) as instance:
        run_id = _started_run(instance)
        try:
            assert instance.run_storage.heartbeat(run_id)
            _age_heartbeat(instance, run_id, 120)
            assert run_id in instance.mark_stale_runs()  # the locking read on Postgres
            assert instance.run_storage.get_run(run_id).status is RunStatus.FAILURE
            assert run_id not in _heartbeat_rows(instance)
        finally:
            instance.run_storage.delete_run(run_id)
