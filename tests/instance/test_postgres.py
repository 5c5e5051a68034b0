"""The same storage on a real PostgreSQL server.

``postgres_url`` (tests/instance/conftest.py) starts a throwaway server for the session, or
uses ``DASKFLOW_TEST_POSTGRES_URL``; it skips only where neither is possible.
"""

from __future__ import annotations

import uuid

import pytest

from daskflow import execute_pipeline, pipeline, solid
from daskflow.engine.api import reexecute_pipeline
from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance
from tests.instance import postgres_server
from tests.instance.conftest import T, event


def postgres_home(tmp_path, monkeypatch, url):
    """An instance whose ``daskflow.yaml`` points at ``url`` (read from the environment)."""
    monkeypatch.setenv("DF_TEST_PG_URL", url)
    (tmp_path / "daskflow.yaml").write_text(
        "storage:\n  postgres:\n    url: {env: DF_TEST_PG_URL}\n"
    )
    return DaskflowInstance.from_home(tmp_path)


def test_postgres_round_trip(tmp_path, monkeypatch, postgres_url):
    with postgres_home(tmp_path, monkeypatch, postgres_url) as instance:
        assert instance.database_url.startswith("postgresql+psycopg://")
        run_id = uuid.uuid4().hex
        instance.run_storage.create_run("cereal", {"a": 1}, "default", run_id=run_id)
        try:
            ids = instance.event_storage.store_events(
                [
                    event(run_id, T.PIPELINE_START),
                    event(run_id, T.STEP_START, "load"),
                    event(run_id, T.ASSET_MATERIALIZATION, "load", asset_key=f"pg.{run_id}"),
                    event(run_id, T.STEP_SUCCESS, "load"),
                    event(run_id, T.PIPELINE_SUCCESS),
                ]
            )
            assert ids == sorted(ids)
            assert instance.run_storage.get_run(run_id[:10]).status is RunStatus.SUCCESS
            assert [e.id for e in instance.event_storage.get_events(run_id)] == ids
            assert instance.event_storage.get_step_stats(run_id)["load"].attempts == 1
            (mat,) = instance.event_storage.get_materializations(f"pg.{run_id}")
            assert mat.event_id == ids[2]
            assert instance.event_storage.wipe_asset(f"pg.{run_id}") == 1
        finally:
            instance.run_storage.delete_run(run_id)
        assert instance.run_storage.get_run(run_id) is None


FAIL = {"transform": True}


@solid
def load(_) -> list:
    return [1, 2, 3]


@solid
def transform(_, rows: list) -> int:
    if FAIL["transform"]:
        raise RuntimeError("transient problem")
    return sum(rows)


@pipeline
def small_etl():
    transform(load())


def test_runs_and_reexecution_are_stored_in_postgres(tmp_path, monkeypatch, postgres_url):
    FAIL["transform"] = True
    config = {"execution": {"threads": {}}}
    with postgres_home(tmp_path, monkeypatch, postgres_url) as instance:
        parent = execute_pipeline(small_etl, config, instance=instance, raise_on_error=False)
        stored = [e.record.event_type for e in instance.event_storage.get_events(parent.run_id)]
        assert stored == parent.event_types and stored[-1] == T.PIPELINE_FAILURE
        assert instance.run_storage.get_run(parent.run_id).status is RunStatus.FAILURE

        FAIL["transform"] = False
        child = reexecute_pipeline(small_etl, parent.run_id, instance)
        assert child.success and set(child.step_results) == {"transform"}
        assert child.output_for_solid("transform") == 6  # "load" read from the parent run
        record = instance.run_storage.get_run(child.run_id)
        assert record.parent_run_id == parent.run_id and record.status is RunStatus.SUCCESS


def test_missing_server_binaries_are_reported(monkeypatch):
    monkeypatch.setattr(postgres_server, "find_binaries", lambda: None)
    with (
        pytest.raises(postgres_server.PostgresUnavailable, match="initdb, postgres"),
        postgres_server.throwaway_postgres(),
    ):
        pass
