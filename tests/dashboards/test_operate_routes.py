"""The operate pages: schedules (next ticks, ticks with runs and errors, start/stop),
sensors, partition sets (the partition × step matrix, 1,000 partitions timed), backfills,
and the banner shown while the daemon is not running."""

from __future__ import annotations

import socket
import time
from datetime import datetime
from pathlib import Path

import pytest

from daskflow import PartitionSetDefinition, RepositoryDefinition, date_partition_range
from daskflow.daemon import SCHEDULE, DaskflowDaemon, FixedClock, OperateWorkspace
from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord
from daskflow.launcher import Workspace, file_location
from tests.daemon import operate_repo
from tests.daemon.conftest import RecordingLauncher
from tests.instance.test_stale import _dead_pid

from .conftest import make_client

REPO = str(Path(operate_repo.__file__))
T0 = datetime(2026, 5, 2, 12).timestamp()


@pytest.fixture(scope="module")
def workspaces():
    location = file_location(REPO)
    return Workspace([location]), OperateWorkspace.load([location])


@pytest.fixture
def operate_client(workspaces, instance, launcher):
    ui_workspace, operate = workspaces
    return make_client_with(ui_workspace, operate, instance, launcher)


def make_client_with(ui_workspace, operate, instance, launcher, **settings):
    client = make_client(ui_workspace, instance, launcher, **settings)
    client.app.state.ui.operate = operate
    return client


def test_schedules_pages_show_next_ticks_ticks_and_runs(operate_client, instance, workspaces):
    listing = operate_client.get("/schedules").text
    assert 'data-schedule="nightly"' in listing and "America/New_York" in listing
    assert operate_client.post("/schedules/nightly/start").status_code == 204
    assert instance.schedule_storage.get_state(SCHEDULE, "nightly").is_running
    instance.schedule_storage.start(SCHEDULE, "bad_config", "0 6 * * *|UTC", T0 - 86400 * 2)
    daemon = DaskflowDaemon(instance, workspaces[1], RecordingLauncher(), clock=FixedClock(T0))
    instance.schedule_storage.restart_clock(
        SCHEDULE, "nightly", "30 1 * * *|America/New_York", T0 - 86400
    )
    daemon.run_once()
    page = operate_client.get("/schedules/nightly").text
    (run,) = instance.run_storage.get_runs(pipeline_name="etl")
    assert "2026-05-02T01:30:00-04:00" in page and f'href="/runs/{run.run_id}"' in page
    assert page.count("<li>") >= 5  # next ticks
    failed = operate_client.get("/schedules/bad_config").text
    assert "solids.load.config.day" in failed  # the tick's validation error
    assert operate_client.post("/schedules/nightly/stop").status_code == 204
    assert not instance.schedule_storage.get_state(SCHEDULE, "nightly").is_running
    assert operate_client.get("/schedules/nope").status_code == 404


def test_read_only_refuses_start(workspaces, instance, launcher):
    client = make_client_with(*workspaces, instance, launcher, read_only=True)
    assert client.post("/schedules/nightly/start").status_code == 403
    assert instance.schedule_storage.get_state(SCHEDULE, "nightly") is None


def test_banner_when_the_daemon_is_not_running(operate_client, instance):
    assert "daemon-banner" not in operate_client.get("/schedules").text
    instance.schedule_storage.start(SCHEDULE, "nightly", "30 1 * * *|America/New_York", time.time())
    assert "The daemon is not running (has never run)" in operate_client.get("/schedules").text
    instance.schedule_storage.heartbeat("d1", "daemon", time.time(), {})
    assert "daemon-banner" not in operate_client.get("/runs").text
    instance.schedule_storage.heartbeat("d1", "daemon", time.time() - 300, {})
    assert "last heartbeat 300s ago" in operate_client.get("/runs").text


def test_a_tick_whose_daemon_died_shows_interrupted_on_its_page(operate_client, instance):
    dead = f"{socket.gethostname()}:{_dead_pid()}:abc123"
    instance.schedule_storage.create_tick("sensor", "new_files", T0, owner=dead)
    page = operate_client.get("/sensors/new_files").text  # the UI was open all along
    assert f"Interrupted before it finished: its daemon process {dead.split(':')[1]}" in page
    (tick,) = instance.schedule_storage.get_ticks("sensor", "new_files")
    assert tick.status == "SKIPPED"


def test_sensors_and_backfill_pages(operate_client, instance, workspaces):
    assert 'data-sensor="new_files"' in operate_client.get("/sensors").text
    assert operate_client.post("/sensors/new_files/start").status_code == 204
    assert "RUNNING" in operate_client.get("/sensors/new_files").text
    backfill = instance.queue_storage.create_backfill("month", ["2026-01-01", "2026-01-02"])
    launcher = RecordingLauncher()
    DaskflowDaemon(instance, workspaces[1], launcher, clock=FixedClock(T0)).backfills.tick(T0)
    listing = operate_client.get("/backfills").text
    assert f'data-backfill="{backfill.backfill_id}"' in listing and "2 queued" in listing
    page = operate_client.get(f"/backfills/{backfill.backfill_id}").text
    assert 'data-partition="2026-01-02"' in page and "queued" in page


def add_partition_run(instance, partition_set, name, statuses):
    tags = {"daskflow/partition_set": partition_set, "daskflow/partition": name}
    run = instance.run_storage.create_run("etl", {}, "default", tags=tags)
    events = [EventRecord.create(run.run_id, T.PIPELINE_START, "etl")]
    for step, kind in statuses.items():
        events.append(EventRecord.create(run.run_id, T.STEP_START, "etl", step_key=step))
        events.append(EventRecord.create(run.run_id, kind, "etl", step_key=step))
    instance.event_storage.store_events(events)
    return run


def test_partition_matrix_shows_each_step_of_the_latest_run(operate_client, instance):
    add_partition_run(instance, "month", "2026-01-03", {"load": T.STEP_FAILURE})
    add_partition_run(instance, "month", "2026-01-03", {"load": T.STEP_SUCCESS})
    add_partition_run(instance, "month", "2026-01-04", {"load": T.STEP_FAILURE})
    page = operate_client.get("/partitions/month").text
    assert 'title="2026-01-03 load: SUCCESS"' in page
    assert 'title="2026-01-04 load: FAILURE"' in page
    assert 'title="2026-01-05 load: no run"' in page
    assert 'href="/partitions/month"' in operate_client.get("/partitions").text


@pytest.mark.slow
def test_a_matrix_of_1000_partitions_renders_every_cell(workspaces, instance, launcher):
    days = date_partition_range(datetime(2023, 1, 1), datetime(2025, 9, 27))
    big = PartitionSetDefinition("big", "etl", days)
    assert len(big.get_partitions()) == 1000
    repo = RepositoryDefinition("big_repo", [operate_repo.etl, big])
    operate = OperateWorkspace.of(repo, file_location(REPO))
    for partition in big.get_partitions():
        add_partition_run(instance, "big", partition.name, {"load": T.STEP_SUCCESS})
    client = make_client_with(workspaces[0], operate, instance, launcher)
    page = client.get("/partitions/big").text  # its speed: benchmarks/partitions_bench.py
    assert page.count('class="cell status-SUCCESS"') == 1000
