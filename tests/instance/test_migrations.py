"""Migrations (alembic): a home created by daskflow before migrations (main at c618f72,
``data/home_from_main_c618f72.db``) upgrades in place, keeps its runs and gains the operate
tables; on Postgres too; the run idempotency key is UNIQUE."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from daskflow.instance import DaskflowInstance
from daskflow.instance._db import Database
from daskflow.instance._migrate import current_revision, head_revision
from daskflow.instance._operate_tables import run_keys
from daskflow.instance._upgrade import ensure_schema

OLD_HOME_DB = Path(__file__).parent / "data" / "home_from_main_c618f72.db"
OPERATE_TABLES = {"instigators", "ticks", "run_keys", "run_queue", "backfills", "daemon_heartbeats"}


def tables(database: Database) -> set[str]:
    with database.read() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_a_home_created_before_migrations_upgrades_in_place(tmp_path):
    shutil.copy(OLD_HOME_DB, tmp_path / "daskflow.db")
    before = Database.sqlite(tmp_path / "daskflow.db")
    assert "alembic_version" not in tables(before) and not OPERATE_TABLES & tables(before)
    before.dispose()
    with DaskflowInstance.from_home(tmp_path) as instance:
        runs = instance.run_storage.get_runs()
        assert sorted(r.tags["team"] for r in runs) == ["a", "b"]
        database = instance._database
        assert tables(database) >= OPERATE_TABLES
        with database.read() as conn:
            assert current_revision(conn) == head_revision() == "0003"
        key = instance.queue_storage.reserve_run_id("schedule:x:1")
        assert instance.queue_storage.reserve_run_id("schedule:x:1") == key
    with DaskflowInstance.from_home(tmp_path) as again:  # reopening migrates nothing more
        assert len(again.run_storage.get_runs()) == 2


def test_the_idempotency_key_is_unique_in_the_database(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        instance.queue_storage.reserve_run_id("backfill:b:2026-01-01")
        with pytest.raises(IntegrityError), instance._database.write() as conn:
            conn.execute(
                sa.insert(run_keys).values(
                    key="backfill:b:2026-01-01", run_id="other", created_at=0
                )
            )


def test_postgres_database_created_before_migrations_upgrades(tmp_path, monkeypatch, postgres_url):
    name = f"mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        old = sa.create_engine(url)
        with old.begin() as conn:  # what daskflow before migrations created
            ensure_schema(conn)
            conn.exec_driver_sql(
                "INSERT INTO runs (run_id, pipeline_name, status, run_config, tags, created_at,"
                " updated_at) VALUES ('r1', 'cereal', 'SUCCESS', '{}', '{}', 0, 0)"
            )
        old.dispose()
        monkeypatch.setenv("DF_TEST_PG_URL", url)
        (tmp_path / "daskflow.yaml").write_text(
            "storage:\n  postgres:\n    url: {env: DF_TEST_PG_URL}\n"
        )
        with DaskflowInstance.from_home(tmp_path) as instance:
            assert [r.run_id for r in instance.run_storage.get_runs()] == ["r1"]
            assert tables(instance._database) >= OPERATE_TABLES
            key = instance.queue_storage.reserve_run_id("schedule:x:1")
            assert instance.queue_storage.reserve_run_id("schedule:x:1") == key
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
