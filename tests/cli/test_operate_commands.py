"""The operate commands: schedule, sensor, backfill, partitions (no daemon process: a
backfill is driven by a daemon pass in the test)."""

from __future__ import annotations

from pathlib import Path

from daskflow.daemon import DaskflowDaemon, OperateWorkspace
from daskflow.instance import DaskflowInstance
from daskflow.launcher import file_location
from tests.daemon.conftest import RecordingLauncher

from .helpers import invoke

REPO = str(Path(__file__).parents[1] / "daemon" / "operate_repo.py")


def test_schedule_preview_prints_dst_correct_local_times():
    result = invoke(
        "schedule",
        "preview",
        "hourly",
        "-f",
        REPO,
        "--after",
        "2026-11-01T00:30:00-04:00",
        "--count",
        "3",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:00:00-05:00",
        "2026-11-01T02:00:00-05:00",
    ]


def test_schedule_start_list_stop(home):
    assert "Started schedule nightly" in invoke("schedule", "start", "nightly", "-f", REPO).output
    listed = invoke("schedule", "list", "-f", REPO).output
    assert any(
        line.startswith("nightly  etl  '30 1 * * *'") and "RUNNING" in line
        for line in listed.splitlines()
    )
    assert "Stopped schedule nightly" in invoke("schedule", "stop", "nightly").output
    assert "No tick of schedule nightly yet" in invoke("schedule", "ticks", "nightly").output


def test_unknown_schedule_is_an_error_naming_it():
    result = invoke("schedule", "start", "nope", "-f", REPO)
    assert result.exit_code == 2
    assert 'no schedule "nope"' in result.output


def test_backfill_launch_show_and_partitions_status(home):
    launched = invoke(
        "backfill", "launch", "month", "--from", "2026-01-03", "--to", "2026-01-05", "-f", REPO
    )
    assert launched.exit_code == 0, launched.output
    backfill_id = launched.output.split()[1].rstrip(":")
    with DaskflowInstance.from_home(home) as instance:
        workspace = OperateWorkspace.load([file_location(REPO)])
        launcher = RecordingLauncher()
        DaskflowDaemon(instance, workspace, launcher).run_once(1_780_000_000.0)
        launcher.finish(instance)
    shown = invoke("backfill", "show", backfill_id).output.splitlines()
    assert shown[0].startswith(f"{backfill_id}  month  COMPLETED  3/3 (3 success)")
    assert [line.split()[:2] for line in shown[1:]] == [
        ["2026-01-03", "success"],
        ["2026-01-04", "success"],
        ["2026-01-05", "success"],
    ]
    status = invoke("partitions", "status", "month", "-f", REPO).output.splitlines()
    assert status[0] == "2026-01-01  not started" and status[2].startswith("2026-01-03  success")
    assert backfill_id in invoke("backfill", "list").output


def test_backfill_needs_one_selection():
    result = invoke("backfill", "launch", "month", "--all", "--partitions", "x", "-f", REPO)
    assert result.exit_code == 2
    assert "exactly one of --all" in result.output
