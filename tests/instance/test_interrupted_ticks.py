"""Interrupted ticks: a STARTED tick whose daemon is gone (its process on this host exited,
or it and its heartbeat are older than the timeout) ends SKIPPED with the reason; a tick
of a live daemon is never touched."""

from __future__ import annotations

import os
import socket
import time

import sqlalchemy as sa

from daskflow.instance import DaskflowInstance, TickStatus, new_daemon_id
from daskflow.instance._operate_tables import ticks
from tests.instance.test_stale import _dead_pid

HOST = socket.gethostname()


def _age(instance: DaskflowInstance, tick_id: int, seconds: float) -> None:
    """Make the tick look ``seconds`` old (created and last updated then)."""
    then = time.time() - seconds
    with instance._database.write() as conn:
        conn.execute(
            sa.update(ticks).where(ticks.c.id == tick_id).values(created_at=then, updated_at=then)
        )


def test_ticks_of_dead_daemons_end_skipped_on_open_and_live_ones_stay(tmp_path):
    dead_owner = f"{HOST}:{_dead_pid()}:abc123"
    with DaskflowInstance.from_home(tmp_path) as instance:
        storage = instance.schedule_storage
        dead, _ = storage.create_tick("sensor", "landed", 100.0, owner=dead_owner)
        alive, _ = storage.create_tick("sensor", "other", 100.0, owner=new_daemon_id())
        _age(instance, alive.id, 3600)  # old, but its daemon (this process) is alive
        done, _ = storage.create_tick("sensor", "landed", 50.0, owner=dead_owner)
        storage.finish_tick(done.id, TickStatus.SUCCESS, run_ids=["r1"])
    with DaskflowInstance.from_home(tmp_path, mark_stale=False) as instance:
        assert instance.schedule_storage.get_tick(dead.id).status == TickStatus.STARTED
    with DaskflowInstance.from_home(tmp_path) as instance:  # any process that opens it
        storage = instance.schedule_storage
        ended = storage.get_tick(dead.id)
        assert ended.status == TickStatus.SKIPPED and ended.ended_by_interruption
        pid = dead_owner.split(":")[1]
        assert ended.skip_reason.startswith(
            f"Interrupted before it finished: its daemon process {pid} exited."
        )
        assert ended.skip_reason.endswith("the next tick evaluates from the same cursor.")
        assert ended.interrupted == ended.skip_reason
        assert storage.get_tick(alive.id).status == TickStatus.STARTED
        assert storage.get_tick(done.id).status == TickStatus.SUCCESS  # finished: untouched
        assert instance.mark_interrupted_ticks() == []  # nothing left to end


def test_a_daemon_on_another_host_is_judged_by_its_heartbeat(tmp_path):
    remote = "some-other-host-xyz:4242:abc123"
    with DaskflowInstance.from_home(tmp_path) as instance:
        storage = instance.schedule_storage
        tick, _ = storage.create_tick("schedule", "nightly", 100.0, owner=remote)
        _age(instance, tick.id, 600)
        storage.heartbeat(remote, "daemon", time.time() - 5, {})  # still reporting
        assert instance.mark_interrupted_ticks() == []
        storage.heartbeat(remote, "daemon", time.time() - 300, {})  # silent for 5 minutes
        assert instance.mark_interrupted_ticks(timeout=3600) == []
        assert instance.mark_interrupted_ticks() == [tick.id]
        reason = storage.get_tick(tick.id).skip_reason
        assert f"its daemon {remote} stopped reporting 300 s ago (timeout 60 s)" in reason


def test_a_tick_naming_no_daemon_is_interrupted_once_older_than_the_timeout(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        storage = instance.schedule_storage
        tick, _ = storage.create_tick("sensor", "landed", 100.0)  # written before owners
        assert instance.mark_interrupted_ticks() == []  # just started
        _age(instance, tick.id, 120)
        assert instance.mark_interrupted_ticks() == [tick.id]
        reason = storage.get_tick(tick.id).skip_reason
        assert "it names no daemon and was started 120 s ago" in reason


def test_reopening_an_interrupted_tick_keeps_the_record_of_the_interruption(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        storage = instance.schedule_storage
        tick, _ = storage.create_tick("schedule", "nightly", 100.0, owner=f"{HOST}:{_dead_pid()}:x")
        assert storage.reopen_tick(tick.id, "me") is None  # not interrupted: nothing to reopen
        instance.mark_interrupted_ticks()
        reopened = storage.reopen_tick(tick.id, f"{HOST}:{os.getpid()}:y")
        assert reopened.status == TickStatus.STARTED and reopened.skip_reason is None
        assert reopened.interrupted is not None and not reopened.ended_by_interruption
        assert storage.reopen_tick(tick.id, "another") is None  # one daemon reopens it
        storage.finish_tick(tick.id, TickStatus.SUCCESS, run_ids=["r1"])
        finished = storage.get_tick(tick.id)
        assert finished.status == TickStatus.SUCCESS and finished.interrupted is not None
