"""Backfills through the queue (concurrency, a daemon killed mid-way, cancel), the sensor
(one run per new file), the queue's tag limits and the heartbeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from daskflow.daemon import (
    SENSOR,
    BackfillDaemon,
    DaskflowDaemon,
    FixedClock,
    QueueLimits,
    TagLimit,
    cancel_backfill,
    partitions_to_backfill,
)
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.instance import BACKFILL_TAG, DaskflowInstance

T0 = 1_780_000_000.0


@pytest.fixture
def limited(tmp_path: Path):
    home = tmp_path / "limited"
    home.mkdir()
    (home / "daskflow.yaml").write_text("run_queue:\n  max_concurrent_runs: 2\n")
    with DaskflowInstance.from_home(home) as instance:
        yield instance


class Killed(Exception):
    pass


def backfill_runs(instance, backfill_id):
    return [r for r in instance.run_storage.get_runs() if r.tags.get(BACKFILL_TAG) == backfill_id]


def test_backfill_of_30_partitions_with_concurrency_2_survives_a_killed_daemon(
    limited, workspace, launcher
):
    names = partitions_to_backfill(limited, workspace.partition_set("month"), None, False)
    assert len(names) == 30
    backfill = limited.queue_storage.create_backfill("month", names)
    seen = []

    def kill_on_the_13th(name: str) -> None:
        seen.append(name)
        if len(seen) == 13:
            raise Killed(name)

    crashing = BackfillDaemon(limited, workspace, chunk_size=20, on_partition=kill_on_the_13th)
    with pytest.raises(Killed):
        crashing.tick(T0)
    assert len(backfill_runs(limited, backfill.backfill_id)) == 13
    daemon = DaskflowDaemon(limited, workspace, launcher, clock=FixedClock(T0))
    for step in range(40):
        daemon.run_once(T0 + step)
        launcher.finish(limited)
    runs = backfill_runs(limited, backfill.backfill_id)
    assert sorted(r.tags["daskflow/partition"] for r in runs) == sorted(names)
    assert len(launcher.launched) == 30 == len(set(launcher.launched))
    assert launcher.max_running == 2
    status = limited.queue_storage.partition_status("month", backfill.backfill_id)
    assert {s for s, _ in status.values()} == {"success"} and len(status) == 30
    assert limited.queue_storage.get_backfill(backfill.backfill_id).status == "COMPLETED"


def test_backfill_from_failure_reruns_only_failed_partitions(instance, workspace, launcher):
    first = instance.queue_storage.create_backfill("month", ["2026-01-01", "2026-01-02"])
    daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0))
    daemon.run_once()
    launcher.finish(instance, "failure")
    assert instance.queue_storage.partition_status("month")["2026-01-01"][0] == "failure"
    again = partitions_to_backfill(
        instance, workspace.partition_set("month"), ["2026-01-01", "2026-01-05"], True
    )
    assert again == ["2026-01-01"]
    assert first.backfill_id


def test_unknown_partition_is_an_error_naming_it(instance, workspace):
    with pytest.raises(DaskflowInvalidDefinitionError, match="no partition 2030-01-01"):
        partitions_to_backfill(instance, workspace.partition_set("month"), ["2030-01-01"], False)


def test_canceling_a_backfill_cancels_its_queued_runs(limited, workspace, launcher):
    backfill = limited.queue_storage.create_backfill(
        "month", ["2026-01-01", "2026-01-02", "2026-01-03"]
    )
    daemon = DaskflowDaemon(limited, workspace, launcher, clock=FixedClock(T0))
    daemon.run_once()
    assert len(launcher.launched) == 2
    assert len(cancel_backfill(limited, backfill.backfill_id)) == 1
    launcher.finish(limited)
    daemon.run_once(T0 + 1)
    assert len(launcher.launched) == 2
    status = limited.queue_storage.partition_status("month", backfill.backfill_id)
    assert sorted(s for s, _ in status.values()) == ["failure", "success", "success"]


def test_tag_limits_hold_runs_back(instance):
    limits = QueueLimits(5, (TagLimit("team", "a", 1),))
    assert limits.allows({"team": "b"}, [{"team": "a"}])
    assert not limits.allows({"team": "a"}, [{"team": "a"}])
    assert not QueueLimits(1).allows({}, [{}])


def test_sensor_launches_once_per_new_file(instance, workspace, launcher, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv("DASKFLOW_TEST_SENSOR_DIR", str(landing))
    instance.schedule_storage.start(SENSOR, "new_files", None, T0)
    daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0))
    daemon.run_once(T0)
    (landing / "2026-01-01.parquet").write_text("x")
    daemon.run_once(T0 + 10)  # before minimum_interval_seconds: not evaluated
    assert launcher.launched == []
    daemon.run_once(T0 + 31)
    (landing / "2026-01-02.parquet").write_text("x")
    daemon.run_once(T0 + 62)
    daemon.run_once(T0 + 93)
    runs = instance.run_storage.get_runs()
    keys = sorted(r.tags["daskflow/run_key"] for r in runs)
    assert keys == ["sensor:new_files:2026-01-01.parquet", "sensor:new_files:2026-01-02.parquet"]
    assert len(launcher.launched) == 2
    statuses = [
        t.status for t in reversed(instance.schedule_storage.get_ticks(SENSOR, "new_files"))
    ]
    assert statuses == ["SKIPPED", "SUCCESS", "SUCCESS", "SKIPPED"]
    assert instance.schedule_storage.get_state(SENSOR, "new_files").cursor == "2026-01-02.parquet"


def test_heartbeat_is_written_each_pass(instance, workspace, launcher):
    DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0)).run_once()
    (beat,) = instance.schedule_storage.heartbeats()
    assert beat.timestamp == T0 and beat.info["errors"] == []
