"""Schedule ticks with a controllable clock: DST, catch-up, re-enable, cron change, crashes
between the steps of a tick, two daemons at once."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from daskflow.daemon import SCHEDULE, DaskflowDaemon, FixedClock, SchedulerDaemon, schedule_spec
from daskflow.daemon.queue import QueueCoordinator, QueueLimits
from daskflow.daemon.scheduler import TICK_STEPS
from daskflow.instance import DaskflowInstance, TickStatus
from tests.daemon.conftest import RecordingLauncher

NY = ZoneInfo("America/New_York")


def at(*parts: int, zone: ZoneInfo = NY) -> float:
    return datetime(*parts, tzinfo=zone).timestamp()  # type: ignore[misc]


def start(instance, workspace, name: str, now: float) -> None:
    spec = schedule_spec(workspace.schedule(name))
    instance.schedule_storage.start(SCHEDULE, name, spec, now)


def drive(scheduler: SchedulerDaemon, begin: float, end: float, step: float = 600.0) -> None:
    now = begin
    while now <= end:
        scheduler.tick(now)
        now += step


def tick_times(instance, name: str) -> list[str]:
    ticks = instance.schedule_storage.get_ticks(SCHEDULE, name, limit=1000)
    return [datetime.fromtimestamp(t.tick_time, NY).isoformat() for t in reversed(ticks)]


def schedule_runs(instance, name: str) -> list:
    return [r for r in instance.run_storage.get_runs() if r.tags.get("daskflow/schedule") == name]


def test_daily_0130_fires_once_on_the_fall_back_day(instance, workspace):
    begin = at(2026, 10, 31, 12)
    start(instance, workspace, "nightly", begin)
    drive(SchedulerDaemon(instance, workspace), begin, at(2026, 11, 2, 12))
    assert tick_times(instance, "nightly") == [
        "2026-11-01T01:30:00-04:00",
        "2026-11-02T01:30:00-05:00",
    ]
    runs = schedule_runs(instance, "nightly")
    assert sorted(r.run_config["solids"]["load"]["config"]["day"] for r in runs) == [
        "2026-11-01",
        "2026-11-02",
    ]


def test_hourly_fires_in_both_repeated_hours(instance, workspace):
    begin = at(2026, 11, 1, 0)
    start(instance, workspace, "hourly", begin)
    drive(SchedulerDaemon(instance, workspace), begin, at(2026, 11, 1, 3, 30), step=300)
    assert tick_times(instance, "hourly") == [
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:00:00-05:00",
        "2026-11-01T02:00:00-05:00",
        "2026-11-01T03:00:00-05:00",
    ]
    assert len(schedule_runs(instance, "hourly")) == 4


def test_daily_0230_runs_at_0300_on_the_spring_forward_day(instance, workspace):
    begin = at(2026, 3, 7, 12)
    start(instance, workspace, "spring", begin)
    drive(SchedulerDaemon(instance, workspace), begin, at(2026, 3, 9, 12))
    assert tick_times(instance, "spring") == [
        "2026-03-08T03:00:00-04:00",
        "2026-03-09T02:30:00-04:00",
    ]


def test_plain_schedule_catches_up_only_the_latest_missed_tick(instance, workspace):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "nightly", begin)
    scheduler = SchedulerDaemon(instance, workspace)
    scheduler.tick(begin)
    scheduler.tick(at(2026, 5, 6, 12))  # the daemon was down for five days
    assert tick_times(instance, "nightly") == ["2026-05-06T01:30:00-04:00"]
    assert len(schedule_runs(instance, "nightly")) == 1


def test_partitioned_schedule_catches_up_at_most_max_catchup_runs(instance, workspace):
    begin = at(2026, 5, 1, 12, zone=ZoneInfo("UTC"))
    start(instance, workspace, "daily", begin)
    SchedulerDaemon(instance, workspace, max_catchup_runs=3).tick(begin + 8 * 86400)
    runs = schedule_runs(instance, "daily")
    assert sorted(r.tags["daskflow/partition"] for r in runs) == [
        "2026-05-06",
        "2026-05-07",
        "2026-05-08",
    ]


def test_reenabling_does_not_backfill_the_time_it_was_off(instance, workspace):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "nightly", begin)
    scheduler = SchedulerDaemon(instance, workspace)
    scheduler.tick(at(2026, 5, 2, 12))
    assert instance.schedule_storage.stop(SCHEDULE, "nightly")
    scheduler.tick(at(2026, 5, 5, 12))
    start(instance, workspace, "nightly", at(2026, 5, 5, 12))
    scheduler.tick(at(2026, 5, 5, 13))
    assert tick_times(instance, "nightly") == ["2026-05-02T01:30:00-04:00"]
    scheduler.tick(at(2026, 5, 6, 2))
    assert tick_times(instance, "nightly")[-1] == "2026-05-06T01:30:00-04:00"
    assert len(schedule_runs(instance, "nightly")) == 2


def test_changing_the_cron_string_restarts_the_clock(instance, workspace):
    begin = at(2026, 5, 1, 12)
    instance.schedule_storage.start(SCHEDULE, "nightly", "0 0 * * *|America/New_York", begin)
    scheduler = SchedulerDaemon(instance, workspace)
    scheduler.tick(at(2026, 5, 3, 12))  # the stored cron differs: the clock restarts now
    assert tick_times(instance, "nightly") == []
    state = instance.schedule_storage.get_state(SCHEDULE, "nightly")
    assert state.spec == "30 1 * * *|America/New_York" and state.clock == at(2026, 5, 3, 12)
    scheduler.tick(at(2026, 5, 4, 12))
    assert tick_times(instance, "nightly") == ["2026-05-04T01:30:00-04:00"]


def test_a_manual_run_does_not_occupy_the_scheduled_slot(instance, workspace):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "nightly", begin)
    instance.run_storage.create_run("etl", {}, "default", tags={"daskflow/schedule": "nightly"})
    SchedulerDaemon(instance, workspace).tick(at(2026, 5, 2, 12))
    assert len(schedule_runs(instance, "nightly")) == 2
    assert instance.schedule_storage.get_ticks(SCHEDULE, "nightly")[0].status == "SUCCESS"


def test_purging_ticks_never_relaunches_runs(instance, workspace):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "nightly", begin)
    scheduler = SchedulerDaemon(instance, workspace)
    scheduler.tick(at(2026, 5, 2, 12))
    scheduler.tick(at(2026, 5, 3, 12))
    purged = instance.schedule_storage.purge_ticks(before=at(2026, 6, 1), kind=SCHEDULE)
    assert purged.removed == {(SCHEDULE, "nightly"): 1}  # the latest tick is kept
    assert tick_times(instance, "nightly") == ["2026-05-03T01:30:00-04:00"]
    scheduler.tick(at(2026, 5, 3, 13))
    assert len(schedule_runs(instance, "nightly")) == 2


def test_run_config_failing_validation_fails_the_tick_naming_the_config(instance, workspace):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "bad_config", begin)
    SchedulerDaemon(instance, workspace).tick(at(2026, 5, 2, 12))
    (tick,) = instance.schedule_storage.get_ticks(SCHEDULE, "bad_config")
    assert tick.status == TickStatus.FAILURE
    assert "solids.load.config.day" in tick.error
    assert instance.run_storage.get_runs() == []


class Crash(Exception):
    pass


@pytest.mark.parametrize("step", TICK_STEPS)
def test_a_crash_after_any_step_leaves_exactly_one_run_per_tick(instance, workspace, step):
    begin = at(2026, 5, 1, 12)
    start(instance, workspace, "nightly", begin)
    now = at(2026, 5, 2, 12)

    def crash(reached: str) -> None:
        if reached == step:
            raise Crash(step)

    with pytest.raises(Crash):
        SchedulerDaemon(instance, workspace, on_step=crash).tick(now)
    launcher = RecordingLauncher()
    queue = QueueCoordinator(instance, launcher, "d2", QueueLimits())
    for later in (now, now + 60, at(2026, 5, 3, 12)):
        SchedulerDaemon(instance, workspace).tick(later)
        queue.tick(later)
    ticks = instance.schedule_storage.get_ticks(SCHEDULE, "nightly")
    runs = schedule_runs(instance, "nightly")
    assert [t.status for t in ticks] == ["SUCCESS", "SUCCESS"]
    assert sorted(t.run_ids[0] for t in ticks) == sorted(r.run_id for r in runs)
    assert sorted(launcher.launched) == sorted(r.run_id for r in runs)


def test_two_daemons_at_once_never_double_launch(tmp_path, workspace):
    home = tmp_path / "home"
    clock = FixedClock(at(2026, 5, 1, 0))
    launchers = [RecordingLauncher(), RecordingLauncher()]
    with DaskflowInstance.from_home(home) as setup:
        start(setup, workspace, "hourly", clock.now())
    barrier = threading.Barrier(2)

    def run(launcher: RecordingLauncher) -> None:
        with DaskflowInstance.from_home(home) as instance:
            daemon = DaskflowDaemon(instance, workspace, launcher, clock=clock)
            for hour in range(1, 9):  # 8 runs: under max_concurrent_runs (10)
                barrier.wait()
                daemon.run_once(at(2026, 5, 1, 0) + hour * 3600)

    threads = [threading.Thread(target=run, args=(launcher,)) for launcher in launchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    launched = launchers[0].launched + launchers[1].launched
    with DaskflowInstance.from_home(home) as instance:
        runs = schedule_runs(instance, "hourly")
        assert len(instance.schedule_storage.get_ticks(SCHEDULE, "hourly", limit=100)) == 8
    assert len(runs) == 8
    assert sorted(launched) == sorted(r.run_id for r in runs)
