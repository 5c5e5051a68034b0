"""Purging tick history: old finished ticks go, the latest finished tick of each schedule
and sensor and any tick in progress stay, and state (clock, cursor) is untouched."""

from __future__ import annotations

import datetime
import time

from daskflow.instance import DaskflowInstance, TickStatus

DAY = 86400.0


def _tick(instance, kind: str, name: str, tick_time: float, status: str = TickStatus.SUCCESS):
    tick, _ = instance.schedule_storage.create_tick(kind, name, tick_time)
    if status != TickStatus.STARTED:
        instance.schedule_storage.finish_tick(tick.id, status)
    return tick


def _times(instance, kind: str, name: str) -> list[float]:
    return sorted(t.tick_time for t in instance.schedule_storage.get_ticks(kind, name))


def test_purge_keeps_the_latest_finished_tick_of_each_and_ticks_in_progress(tmp_path):
    now = time.time()
    with DaskflowInstance.from_home(tmp_path) as instance:
        instance.schedule_storage.start("sensor", "landed", None, now - 90 * DAY)
        instance.schedule_storage.advance("sensor", "landed", now - 40 * DAY, cursor="c7")
        for days in (90, 60, 40):
            _tick(instance, "sensor", "landed", now - days * DAY)
        _tick(instance, "sensor", "landed", now - 35 * DAY, TickStatus.STARTED)
        for days in (80, 70):
            _tick(instance, "schedule", "nightly", now - days * DAY, TickStatus.FAILURE)
        _tick(instance, "schedule", "recent", now - 1 * DAY)
        _tick(instance, "schedule", "recent", now - 2 * DAY)

        dry = instance.purge_ticks(datetime.timedelta(days=30), dry_run=True)
        assert dry.dry_run and dry.total == 3
        assert dry.removed == {("schedule", "nightly"): 1, ("sensor", "landed"): 2}
        assert len(_times(instance, "sensor", "landed")) == 4  # a dry run removes nothing

        report = instance.purge_ticks(30 * DAY)
        assert report.removed == dry.removed and not report.dry_run
        assert _times(instance, "sensor", "landed") == [now - 40 * DAY, now - 35 * DAY]
        assert _times(instance, "schedule", "nightly") == [now - 70 * DAY]
        assert len(_times(instance, "schedule", "recent")) == 2  # younger than 30 days
        state = instance.schedule_storage.get_state("sensor", "landed")
        assert state.cursor == "c7" and state.last_tick_at == now - 40 * DAY
        assert instance.purge_ticks(30 * DAY).total == 0


def test_purge_of_one_kind_or_name_leaves_the_others(tmp_path):
    now = time.time()
    with DaskflowInstance.from_home(tmp_path) as instance:
        for kind, name in [("sensor", "a"), ("sensor", "b"), ("schedule", "a")]:
            for days in (50, 40):
                _tick(instance, kind, name, now - days * DAY)
        assert instance.purge_ticks(30 * DAY, kind="sensor", name="a").removed == {
            ("sensor", "a"): 1
        }
        assert instance.purge_ticks(30 * DAY, kind="sensor").removed == {("sensor", "b"): 1}
        assert len(_times(instance, "schedule", "a")) == 2
