"""The operate layer on a real PostgreSQL server (a fresh database per test): two daemons
at once never double-launch a tick, a backfill killed mid-way resumes without duplicates,
and interrupted ticks end and old ticks purge there too."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from daskflow.daemon import SCHEDULE, BackfillDaemon, DaskflowDaemon, FixedClock, OperateWorkspace
from daskflow.instance import BACKFILL_TAG, DaskflowInstance
from daskflow.launcher import file_location
from tests.daemon import operate_repo
from tests.daemon.conftest import RecordingLauncher
from tests.instance.test_stale import _dead_pid

T0 = 1_780_000_000.0


@pytest.fixture
def pg_home(tmp_path, monkeypatch, postgres_url):
    name = f"op_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DF_TEST_PG_URL", url)
    (tmp_path / "daskflow.yaml").write_text(
        "storage:\n  postgres:\n    url: {env: DF_TEST_PG_URL}\n"
    )
    yield tmp_path
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def workspace():
    return OperateWorkspace.of(operate_repo.operate_repo, file_location(operate_repo.__file__))


def test_two_daemons_on_postgres_never_double_launch(pg_home, workspace):
    with DaskflowInstance.from_home(pg_home) as setup:
        setup.schedule_storage.start(
            SCHEDULE, "hourly", workspace.schedule("hourly").clock_spec, T0
        )
    launchers = [RecordingLauncher(), RecordingLauncher()]
    barrier = threading.Barrier(2)

    def run(launcher):
        with DaskflowInstance.from_home(pg_home) as instance:
            daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0))
            for hour in range(1, 7):
                barrier.wait()
                daemon.run_once(T0 + hour * 3600)

    threads = [threading.Thread(target=run, args=(launcher,)) for launcher in launchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with DaskflowInstance.from_home(pg_home) as instance:
        runs = instance.run_storage.get_runs()
        ticks = instance.schedule_storage.get_ticks(SCHEDULE, "hourly", limit=100)
    launched = launchers[0].launched + launchers[1].launched
    assert len(ticks) == 6 == len(runs)
    assert sorted(launched) == sorted(r.run_id for r in runs)


class Killed(Exception):
    pass


def test_a_backfill_killed_mid_way_resumes_on_postgres(pg_home, workspace):
    with DaskflowInstance.from_home(pg_home) as instance:
        names = [p.name for p in workspace.partition_set("month").get_partitions()][:8]
        backfill = instance.queue_storage.create_backfill("month", names)

        def kill_on_the_fifth(name, seen=[]):  # noqa: B006 (counts calls)
            seen.append(name)
            if len(seen) == 5:
                raise Killed(name)

        with pytest.raises(Killed):
            BackfillDaemon(instance, workspace, chunk_size=8, on_partition=kill_on_the_fifth).tick(
                T0
            )
        BackfillDaemon(instance, workspace).tick(T0 + 1)
        runs = [r for r in instance.run_storage.get_runs() if r.tags.get(BACKFILL_TAG)]
        assert sorted(r.tags["daskflow/partition"] for r in runs) == sorted(names)
        status = instance.queue_storage.partition_status("month", backfill.backfill_id)
        assert {s for s, _ in status.values()} == {"queued"} and len(status) == 8


def test_interrupted_ticks_and_purge_on_postgres(pg_home):
    now = time.time()
    with DaskflowInstance.from_home(pg_home) as instance:
        storage = instance.schedule_storage
        dead_owner = f"{socket.gethostname()}:{_dead_pid()}:abc123"
        tick, _ = storage.create_tick("sensor", "landed", now, owner=dead_owner)
        for days in (50, 40):
            old, _ = storage.create_tick("sensor", "landed", now - days * 86400)
            storage.finish_tick(old.id, "SUCCESS")
    with DaskflowInstance.from_home(pg_home) as instance:  # the locking read on Postgres
        assert instance.schedule_storage.get_tick(tick.id).ended_by_interruption
        report = instance.purge_ticks(30 * 86400)
        assert report.removed == {("sensor", "landed"): 2}  # the interrupted tick is the latest
        times = [t.tick_time for t in instance.schedule_storage.get_ticks("sensor", "landed")]
        assert times == [now]
