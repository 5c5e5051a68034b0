"""Stale runs: STARTED runs whose coordinator process on this host is gone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance
from tests.instance.conftest import T, event


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: the pid no longer exists
    return process.pid


def _started_run(instance, coordinator: str) -> str:
    run_id = instance.run_storage.create_run("cereal", {}, "default").run_id
    instance.event_storage.store_events([event(run_id, T.PIPELINE_START, coordinator=coordinator)])
    return run_id


def test_runs_of_dead_coordinators_fail_on_open(tmp_path):
    host = socket.gethostname()
    dead_pid = _dead_pid()
    with DaskflowInstance.from_home(tmp_path) as instance:
        dead = _started_run(instance, f"{host}:{dead_pid}")
        alive = _started_run(instance, f"{host}:{os.getpid()}")
        remote = _started_run(instance, f"some-other-host-xyz:{dead_pid}")
        unknown = _started_run(instance, "garbage")
        finished = _started_run(instance, f"{host}:{dead_pid}")
        canceling = _started_run(instance, f"{host}:{dead_pid}")
        instance.run_storage.request_cancel(canceling)
        instance.event_storage.store_events([event(finished, T.PIPELINE_SUCCESS)])

    with DaskflowInstance.from_home(tmp_path) as instance:
        status = {r.run_id: r.status for r in instance.run_storage.get_runs()}
        assert status == {
            dead: RunStatus.FAILURE,
            alive: RunStatus.STARTED,
            remote: RunStatus.STARTED,
            unknown: RunStatus.STARTED,
            finished: RunStatus.SUCCESS,
            canceling: RunStatus.FAILURE,
        }
        run = instance.run_storage.get_run(dead)
        assert run.end_time is not None
        engine_event, failure = instance.event_storage.get_events(dead)[1:]
        assert engine_event.record.event_type is T.ENGINE_EVENT
        assert failure.record.event_type is T.PIPELINE_FAILURE
        reason = f"the coordinator process {dead_pid} exited without finishing the run"
        assert reason in engine_event.record.message and reason in failure.record.message
        assert instance.mark_stale_runs() == []  # nothing left to mark, no duplicate events
        assert len(instance.event_storage.get_events(dead)) == 3


def test_mark_stale_runs_can_be_skipped_and_called_explicitly(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as instance:
        run_id = _started_run(instance, f"{socket.gethostname()}:{_dead_pid()}")
    with DaskflowInstance.from_home(tmp_path, mark_stale=False) as instance:
        assert instance.run_storage.get_run(run_id).status is RunStatus.STARTED
        assert instance.mark_stale_runs() == [run_id]
        assert instance.run_storage.get_run(run_id).status is RunStatus.FAILURE
