"""The daily taxi example: a day's run config works, the schedule runs yesterday's file,
and the sensor asks for one run per new day file (never twice for the same day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from daskflow import execute_pipeline
from daskflow.daemon import SENSOR, DaskflowDaemon, FixedClock, OperateWorkspace
from daskflow.instance import DaskflowInstance
from daskflow.launcher import file_location
from examples.daily_taxi import repository
from examples.daily_taxi.data import write_day, write_days
from tests.daemon.conftest import RecordingLauncher


@pytest.fixture
def taxi_data(tmp_path, monkeypatch):
    directory = tmp_path / "taxi"
    write_days(directory, date(2026, 1, 1), date(2026, 1, 2), rows=300)
    monkeypatch.setattr(repository, "TAXI_DATA", directory)
    return directory


def test_one_day_runs_and_finds_the_busiest_hour(taxi_data):
    result = execute_pipeline(repository.daily_taxi, repository.config_for_day("2026-01-02"))
    assert result.success
    assert 0 <= result.output_for_solid("busiest_hour") < 24


def test_the_nightly_schedule_runs_yesterday(taxi_data):
    tick = datetime(2026, 1, 3, 7, tzinfo=UTC).timestamp()  # 02:00 in New York
    config = repository.taxi_nightly.evaluate(tick).run_config
    assert config["solids"]["trips_by_hour"]["inputs"]["trips"]["parquet"]["path"].endswith(
        "2026-01-02.parquet"
    )


def test_the_sensor_launches_once_per_new_day(taxi_data, tmp_path):
    workspace = OperateWorkspace.of(repository.daily_taxi_repo, file_location(repository.__file__))
    launcher = RecordingLauncher()
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        instance.schedule_storage.start(SENSOR, "new_taxi_day", None, 0.0)
        daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(0.0))
        daemon.run_once(100.0)
        daemon.run_once(200.0)
        write_day(taxi_data, date(2026, 1, 3), rows=10)
        daemon.run_once(300.0)
        days = sorted(run.tags["day"] for run in instance.run_storage.get_runs())
    assert days == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert len(launcher.launched) == 3
