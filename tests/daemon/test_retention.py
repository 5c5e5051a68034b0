"""Tick retention from daskflow.yaml: the daemon purges old ticks by kind, at most hourly."""

from __future__ import annotations

from pathlib import Path

from daskflow.daemon import DaskflowDaemon, FixedClock
from daskflow.instance import DaskflowInstance, TickStatus

T0 = 1_780_000_000.0
DAY = 86400.0


def _home(tmp_path: Path, yaml: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "daskflow.yaml").write_text(yaml)
    return home


def _tick(instance: DaskflowInstance, kind: str, name: str, at: float) -> None:
    tick, _ = instance.schedule_storage.create_tick(kind, name, at)
    instance.schedule_storage.finish_tick(tick.id, TickStatus.SKIPPED)


def _ages(instance: DaskflowInstance, kind: str, name: str, now: float) -> list[float]:
    ticks = instance.schedule_storage.get_ticks(kind, name)
    return sorted(round((now - t.tick_time) / DAY) for t in ticks)


def test_the_daemon_keeps_the_configured_days_of_ticks(tmp_path, workspace, launcher):
    yaml = "retention:\n  sensor: {purge_after_days: 7}\n  schedule: {purge_after_days: -1}\n"
    with DaskflowInstance.from_home(_home(tmp_path, yaml)) as instance:
        assert instance.settings.retention_days == {"sensor": 7}
        for days in (30, 10, 8, 2):
            _tick(instance, "sensor", "landed", T0 - days * DAY)
            _tick(instance, "schedule", "nightly", T0 - days * DAY)
        daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0))
        assert daemon.run_once(T0).purged_ticks == 3
        assert _ages(instance, "sensor", "landed", T0) == [2]
        assert _ages(instance, "schedule", "nightly", T0) == [2, 8, 10, 30]  # -1: kept

        _tick(instance, "sensor", "landed", T0 - 9 * DAY)
        assert daemon.run_once(T0 + 60).purged_ticks == 0  # purged less than an hour ago
        assert daemon.run_once(T0 + 3600).purged_ticks == 1
        assert _ages(instance, "sensor", "landed", T0) == [2]


def test_without_retention_settings_nothing_is_purged(instance, workspace, launcher):
    assert instance.settings.retention_days == {}
    _tick(instance, "sensor", "landed", T0 - 400 * DAY)
    _tick(instance, "sensor", "landed", T0 - 300 * DAY)
    daemon = DaskflowDaemon(instance, workspace, launcher, clock=FixedClock(T0))
    assert daemon.run_once(T0).purged_ticks == 0
    assert len(instance.schedule_storage.get_ticks("sensor", "landed")) == 2
