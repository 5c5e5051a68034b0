"""DASKFLOW_HOME, daskflow.yaml, the SQLite settings and the instance's life cycle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from daskflow.config import DaskflowConfigError
from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance, DaskflowStorageError
from tests.instance.conftest import T, event


def _write_yaml(home: Path, content: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "daskflow.yaml").write_text(content)
    return home


def test_from_home_creates_the_home_and_database(tmp_path):
    home = tmp_path / "a" / "home"
    with DaskflowInstance.from_home(home) as instance:
        assert instance.home == home.resolve()
        assert (home / "daskflow.db").exists()
        assert instance.storage_dir == str(home.resolve() / "storage")
        assert instance.database_url.endswith("daskflow.db")
        assert not instance.is_ephemeral and "DaskflowInstance" in repr(instance)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(instance):
    with instance._database.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_two_instances_on_one_home_see_each_others_writes(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as one, DaskflowInstance.from_home(tmp_path) as two:
        run = one.run_storage.create_run("cereal", {"a": 1}, "default")
        assert two.run_storage.get_run(run.run_id) == run
        two.event_storage.store_events([event(run.run_id, T.PIPELINE_START)])
        assert one.run_storage.get_run(run.run_id).status is RunStatus.STARTED
        assert len(one.event_storage.get_events(run.run_id)) == 1
        one.run_storage.delete_run(run.run_id)
        assert two.run_storage.get_runs() == []


def test_get_uses_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path / "env-home"))
    with DaskflowInstance.get() as instance:
        assert instance.home == (tmp_path / "env-home").resolve()
    monkeypatch.delenv("DASKFLOW_HOME")
    monkeypatch.chdir(tmp_path)
    with DaskflowInstance.get() as instance:
        assert instance.home == (tmp_path / ".daskflow").resolve()
        assert (tmp_path / ".daskflow" / "daskflow.db").exists()


def test_ephemeral_is_removed_on_dispose():
    with DaskflowInstance.ephemeral() as instance:
        home = instance.home
        instance.run_storage.create_run("cereal", {}, "default")
        assert home.exists() and instance.is_ephemeral
    assert not home.exists()
    instance.dispose()  # idempotent


def test_yaml_sqlite_base_dir_and_intermediates(tmp_path):
    home = _write_yaml(
        tmp_path / "home",
        "storage:\n  sqlite:\n    base_dir: db\nintermediates:\n  base_url: s3://bucket/prefix/\n",
    )
    with DaskflowInstance.from_home(home) as instance:
        assert (home / "db" / "daskflow.db").exists()
        assert instance.storage_dir == "s3://bucket/prefix"
    _write_yaml(home, "storage:\n  sqlite:\nintermediates: {base_url: {env: DF_TEST_OUT}}\n")
    os.environ["DF_TEST_OUT"] = "out"
    try:
        with DaskflowInstance.from_home(home) as instance:
            assert instance.storage_dir == str(home.resolve() / "out")
    finally:
        del os.environ["DF_TEST_OUT"]


@pytest.mark.parametrize(
    "content, path",
    [
        ("storage:\n  postgres: {}\n", "storage.postgres.url"),
        ("storage:\n  sqlite: {base_dir: 3}\n", "storage.sqlite.base_dir"),
        ("storage:\n  mysql: {}\n", "storage.mysql"),
        ("intermediate: {}\n", "intermediate"),
        ("storage: {sqlite: {}, postgres: {url: x}}\n", "storage"),
        ("storage: {postgres: {url: {env: DF_TEST_UNSET_VAR}}}\n", "storage.postgres.url"),
        ("retention: {sensor: {purge_after_days: -5}}\n", "retention.sensor.purge_after_days"),
        ("retention: {sensor: {purge_after_days: a week}}\n", "retention.sensor.purge_after_days"),
        ("retention: {tick: {purge_after_days: 7}}\n", "retention.tick"),
    ],
)
def test_yaml_errors_name_the_file_and_path(tmp_path, content, path):
    home = _write_yaml(tmp_path, content)
    with pytest.raises(DaskflowConfigError) as info:
        DaskflowInstance.from_home(home)
    message = str(info.value)
    assert str(home / "daskflow.yaml") in message.splitlines()[0]
    assert f"1. {path}: " in message
    assert info.value.errors[0].path_str == path


def test_yaml_syntax_and_shape_errors(tmp_path):
    home = _write_yaml(tmp_path, "storage: [unclosed\n")
    with pytest.raises(DaskflowConfigError, match="not valid YAML at line"):
        DaskflowInstance.from_home(home)
    _write_yaml(tmp_path, "postgresql://me:hunter2@db/x\n")
    with pytest.raises(DaskflowConfigError, match="expected a mapping") as info:
        DaskflowInstance.from_home(home)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "storage, url",
    [
        ('{postgres: "postgresql://me:hunter2@db:5432/x"}', None),  # a string, not {url: ...}
        ("{postgres: {url: {env: DF_TEST_PG_URL}}}", "mysql://me:hunter2@db/x"),
        ("{postgres: {url: {env: DF_TEST_PG_URL}}}", "::not a url hunter2"),
        ("{postgres: {url: 'postgresql://me:hunter2@db:5432/x'}, sqlite: {}}", None),
    ],
)
def test_database_urls_never_appear_in_errors(tmp_path, monkeypatch, storage, url):
    if url is not None:
        monkeypatch.setenv("DF_TEST_PG_URL", url)
    home = _write_yaml(tmp_path, f"storage: {storage}\n")
    with pytest.raises(DaskflowConfigError) as info:
        DaskflowInstance.from_home(home)
    assert "hunter2" not in str(info.value)
    assert "hunter2" not in repr(info.value.errors)
    assert "storage" in str(info.value)


def test_unusable_postgres_never_shows_the_password(tmp_path, monkeypatch):
    monkeypatch.setenv("DF_TEST_PG_URL", "postgresql://me:hunter2@127.0.0.1:1/nodb")
    home = _write_yaml(tmp_path, "storage: {postgres: {url: {env: DF_TEST_PG_URL}}}\n")
    with pytest.raises(DaskflowStorageError) as info:  # no psycopg, or nothing listening
        DaskflowInstance.from_home(home)
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_concurrent_writers_queue_instead_of_failing(tmp_path):
    """Two processes' instances (here: threads with their own engines) writing at once."""
    import threading

    DaskflowInstance.from_home(tmp_path).dispose()
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            with DaskflowInstance.from_home(tmp_path) as instance:
                for _ in range(20):
                    run_id = instance.run_storage.create_run(name, {}, "default").run_id
                    instance.event_storage.store_events(
                        [event(run_id, T.PIPELINE_START)] + [event(run_id, T.LOG)] * 50
                    )
                    instance.run_storage.get_runs(limit=5)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"p{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with DaskflowInstance.from_home(tmp_path) as instance:
        runs = instance.run_storage.get_runs(status=RunStatus.STARTED)
        assert len(runs) == 60
