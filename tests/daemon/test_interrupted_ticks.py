"""Ticks a daemon left unfinished when it died (in process: a step hook or a sensor raising,
with the tick owned by a daemon whose process is gone): the next daemon pass ends them
SKIPPED as interrupted, then a schedule's instant is run again only if catch-up runs it
(one run, whichever step was interrupted) and a sensor evaluates again from its cursor."""

from __future__ import annotations

import socket

import pytest

from daskflow.daemon import SCHEDULE, SENSOR, DaskflowDaemon, FixedClock, SchedulerDaemon
from daskflow.daemon.scheduler import TICK_STEPS
from daskflow.daemon.sensors import SensorDaemon
from daskflow.instance import TickStatus
from tests.daemon.test_scheduler import at, schedule_runs, start, tick_times
from tests.instance.test_stale import _dead_pid


class Died(Exception):
    pass


@pytest.fixture
def dead_daemon() -> str:
    return f"{socket.gethostname()}:{_dead_pid()}:dead00"


def _die_at(step: str):
    def hook(reached: str) -> None:
        if reached == step:
            raise Died(step)

    return hook


@pytest.mark.parametrize("step", TICK_STEPS[:-1])
def test_an_interrupted_schedule_tick_is_resumed_when_catch_up_runs_its_instant(
    instance, workspace, launcher, dead_daemon, step
):
    start(instance, workspace, "nightly", at(2026, 5, 1, 12))
    dying = SchedulerDaemon(instance, workspace, on_step=_die_at(step), owner=dead_daemon)
    with pytest.raises(Died):
        dying.tick(at(2026, 5, 2, 12))
    (left,) = instance.schedule_storage.get_ticks(SCHEDULE, "nightly")
    assert left.status == TickStatus.STARTED and left.owner == dead_daemon

    daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(at(2026, 5, 2, 13)))
    assert daemon.run_once().interrupted_ticks == 1
    (tick,) = instance.schedule_storage.get_ticks(SCHEDULE, "nightly")
    (run,) = schedule_runs(instance, "nightly")
    assert tick.status == TickStatus.SUCCESS and tick.run_ids == [run.run_id]
    assert tick.owner == daemon.daemon_id
    assert f"its daemon process {dead_daemon.split(':')[1]} exited" in tick.interrupted
    assert launcher.launched == [run.run_id]
    assert instance.schedule_storage.get_state(SCHEDULE, "nightly").clock == tick.tick_time


def test_an_interrupted_instant_catch_up_skips_stays_interrupted(
    instance, workspace, launcher, dead_daemon
):
    start(instance, workspace, "nightly", at(2026, 5, 1, 12))
    dying = SchedulerDaemon(instance, workspace, on_step=_die_at("tick_created"), owner=dead_daemon)
    with pytest.raises(Died):
        dying.tick(at(2026, 5, 2, 12))
    later = at(2026, 5, 5, 12)  # down three days: a plain schedule runs the latest tick only
    DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(later)).run_once()
    assert tick_times(instance, "nightly") == [
        "2026-05-02T01:30:00-04:00",
        "2026-05-05T01:30:00-04:00",
    ]
    interrupted, latest = reversed(instance.schedule_storage.get_ticks(SCHEDULE, "nightly"))
    assert interrupted.ended_by_interruption and interrupted.run_ids == []
    assert latest.status == TickStatus.SUCCESS
    (run,) = schedule_runs(instance, "nightly")
    assert run.run_config["solids"]["load"]["config"]["day"] == "2026-05-05"


def test_an_interrupted_sensor_tick_ends_and_the_next_evaluates_from_the_same_cursor(
    instance, workspace, launcher, dead_daemon, tmp_path, monkeypatch
):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "2026-01-01.parquet").write_text("x")
    monkeypatch.setenv("DASKFLOW_TEST_SENSOR_DIR", str(landing))
    t0 = 1_780_000_000.0
    instance.schedule_storage.start(SENSOR, "new_files", None, t0)
    instance.schedule_storage.advance(SENSOR, "new_files", t0 - 60, cursor="2025-12-31.parquet")

    def die(*_args: object, **_kwargs: object) -> None:
        raise Died("while creating the run")

    with monkeypatch.context() as patch:  # the daemon dies after evaluating, before the run
        patch.setattr("daskflow.daemon.sensors.find_or_create_run", die)
        with pytest.raises(Died):
            SensorDaemon(instance, workspace, owner=dead_daemon).tick(t0)
    assert instance.run_storage.get_runs() == []

    DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(t0 + 1)).run_once()
    latest, interrupted = instance.schedule_storage.get_ticks(SENSOR, "new_files")
    assert interrupted.tick_time == t0 and interrupted.ended_by_interruption
    assert latest.tick_time == t0 + 1 and latest.status == TickStatus.SUCCESS
    assert len(latest.run_ids) == 1 == len(launcher.launched)
    assert instance.schedule_storage.get_state(SENSOR, "new_files").cursor == "2026-01-01.parquet"
