"""``daskflow schedule|sensor ticks`` and ``purge-ticks`` (click's CliRunner)."""

from __future__ import annotations

import socket
import time

from daskflow.instance import DaskflowInstance, TickStatus
from tests.instance.test_stale import _dead_pid

from .helpers import invoke

DAY = 86400.0


def _ticks(home, kind: str, name: str, ages_in_days: list[float]) -> None:
    now = time.time()
    with DaskflowInstance.from_home(home) as instance:
        for days in ages_in_days:
            tick, _ = instance.schedule_storage.create_tick(kind, name, now - days * DAY)
            instance.schedule_storage.finish_tick(tick.id, TickStatus.SKIPPED, skip_reason="idle")


def test_purge_ticks_dry_run_then_for_real_keeps_the_latest_of_each(home):
    _ticks(home, "sensor", "landed", [90, 60, 45])
    _ticks(home, "sensor", "other", [40])
    _ticks(home, "schedule", "nightly", [50, 35])

    dry = invoke("sensor", "purge-ticks", "--older-than", "30d", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "Would remove 2 tick(s) older than 30d (the latest tick of each sensor is kept).",
        "  landed  2",
    ]
    assert len(invoke("sensor", "ticks", "landed").output.splitlines()) == 3

    done = invoke("sensor", "purge-ticks", "--older-than", "30d")
    assert done.output.splitlines()[0].startswith("Removed 2 tick(s) older than 30d")
    assert len(invoke("sensor", "ticks", "landed").output.splitlines()) == 1
    assert len(invoke("schedule", "ticks", "nightly").output.splitlines()) == 2  # not sensors

    one = invoke("schedule", "purge-ticks", "nightly", "--older-than", "2w")
    assert one.output.splitlines() == [
        "Removed 1 tick(s) older than 2w (the latest tick of each schedule is kept).",
        "  nightly  1",
    ]


def test_purge_ticks_needs_an_age_it_understands(home):
    result = invoke("sensor", "purge-ticks", "--older-than", "a month")
    assert result.exit_code == 2
    assert "'a month' is not an age" in result.output


def test_ticks_show_an_interrupted_tick_and_a_resumed_one(home):
    dead = f"{socket.gethostname()}:{_dead_pid()}:abc123"
    with DaskflowInstance.from_home(home) as instance:
        storage = instance.schedule_storage
        resumed, _ = storage.create_tick("schedule", "nightly", 1_780_000_000.0, owner=dead)
        left, _ = storage.create_tick("schedule", "nightly", 1_780_086_400.0, owner=dead)
    with DaskflowInstance.from_home(home) as instance:  # opening it ends both
        storage = instance.schedule_storage
        storage.reopen_tick(resumed.id, "me")
        storage.finish_tick(resumed.id, TickStatus.SUCCESS, run_ids=["run-1"])
    newest, oldest = invoke("schedule", "ticks", "nightly").output.splitlines()
    pid = dead.split(":")[1]
    assert newest.startswith("2026-05-29T20:26:40+00:00  SKIPPED  Interrupted before it finished")
    assert f"its daemon process {pid} exited" in newest
    assert oldest.startswith("2026-05-28T20:26:40+00:00  SUCCESS  run-1  (resumed; it had been")
