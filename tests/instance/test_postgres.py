"""The same storage on Postgres; runs only when ``DASKFLOW_TEST_POSTGRES_URL`` is set.

The URL must point at a database the test may fill with runs (e.g. a throwaway one).
"""

from __future__ import annotations

import os
import uuid

import pytest

from daskflow.engine.events import RunStatus
from daskflow.instance import DaskflowInstance
from tests.instance.conftest import T, event

pytest.importorskip("psycopg")
URL = os.environ.get("DASKFLOW_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="DASKFLOW_TEST_POSTGRES_URL is not set")


def test_postgres_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("DF_TEST_PG_URL", URL or "")
    (tmp_path / "daskflow.yaml").write_text(
        "storage:\n  postgres:\n    url: {env: DF_TEST_PG_URL}\n")
    with DaskflowInstance.from_home(tmp_path) as instance:
        assert instance.database_url.startswith("postgresql+psycopg://")
        run_id = uuid.uuid4().hex
        instance.run_storage.create_run("cereal", {"a": 1}, "default", run_id=run_id)
        try:
            ids = instance.event_storage.store_events([
                event(run_id, T.PIPELINE_START),
                event(run_id, T.STEP_START, "load"),
                event(run_id, T.ASSET_MATERIALIZATION, "load", asset_key=f"pg.{run_id}"),
                event(run_id, T.STEP_SUCCESS, "load"),
                event(run_id, T.PIPELINE_SUCCESS)])
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
