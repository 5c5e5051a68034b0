"""No state a run stays in forever, and a record never far behind the run.

Events are stored while a long step runs; SIGTERM/SIGINT to a coordinator end the run
CANCELED; a hung step on threads is left behind after a cancel and the process exits;
storage errors at the start or in the middle of a run end it FAILURE with the cause once
storage is back (and a run whose storage never came back fails by its heartbeat); `run
cancel --force` records a run whose coordinator is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from daskflow import execute_pipeline, pipeline, reexecute_pipeline, solid
from daskflow.cli import cli
from daskflow.engine.run import coordinator
from daskflow.engine.run.lifeline import signals_deferred
from daskflow.errors import DaskflowStorageError
from daskflow.events import DaskflowEventType as E
from daskflow.events import EventRecord, RunStatus
from daskflow.instance import DaskflowInstance
from tests.engine.crash_pipelines import ANSWER, crash_chain
from tests.paths import ROOT

RELEASE = threading.Event()


@solid
def quick(_) -> int:
    time.sleep(0.2)
    return 1


@solid
def slow(_, x: int) -> int:
    RELEASE.wait(6)
    return x + 1


@pipeline
def quick_then_slow():
    slow(quick())


def _events(home, run_id: str, event_type: E) -> list[str]:
    with DaskflowInstance.from_home(home, mark_stale=False) as other:  # another connection
        events = other.event_storage.get_events(run_id, event_types=[event_type])
        return [e.record.step_key for e in events]


def test_events_reach_storage_while_a_long_step_runs(tmp_path):
    RELEASE.clear()
    with DaskflowInstance.from_home(tmp_path) as instance:
        runner = threading.Thread(
            target=execute_pipeline,
            args=(quick_then_slow, {"execution": {"in_process": {}}}),
            kwargs={"instance": instance},
        )
        runner.start()
        try:
            time.sleep(1.5)
            [run] = instance.run_storage.get_runs()
            assert _events(tmp_path, run.run_id, E.STEP_SUCCESS) == ["quick"]
            assert _events(tmp_path, run.run_id, E.STEP_START) == ["quick", "slow"]
        finally:
            RELEASE.set()
            runner.join(30)
        assert instance.run_storage.get_run(run.run_id).status is RunStatus.SUCCESS


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_coordinator_ends_the_run_canceled(tmp_path, signum):
    home = tmp_path / "home"
    with subprocess.Popen(
        [sys.executable, "-m", "tests.engine.crash_pipelines", str(home), "in_process"],
        cwd=ROOT,
        env={**os.environ, "CRASH_STEP_SECONDS": "5"},
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            run_id = _started_run_id(home)
            _wait_for(lambda: _events(home, run_id, E.STEP_START) == ["a"])
            process.send_signal(signum)
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
    with DaskflowInstance.from_home(home, mark_stale=False) as instance:
        assert instance.run_storage.get_run(run_id).status is RunStatus.CANCELED, stderr
        last = instance.event_storage.get_events(run_id)[-1].record
        name = "SIGTERM" if signum == signal.SIGTERM else "KeyboardInterrupt"
        assert last.event_type is E.PIPELINE_CANCELED and name in last.message
        result = reexecute_pipeline(crash_chain, run_id, instance)
        assert result.success and result.output_for_solid("c") == ANSWER


def _started_run_id(home) -> str:
    _wait_for(lambda: (home / "daskflow.db").exists())
    with DaskflowInstance.from_home(home, mark_stale=False) as instance:
        _wait_for(lambda: bool(instance.run_storage.get_runs()))
        return instance.run_storage.get_runs()[0].run_id


HUNG_SCRIPT = """
import sys, threading, time
from daskflow import cancel_run, execute_pipeline, pipeline, solid
from daskflow.engine.run import coordinator
from daskflow.engine.run.lifeline import signals_deferred
from daskflow.instance import DaskflowInstance

coordinator._CANCEL_GRACE_SECONDS = 1.0

@solid
def hang(_) -> int:
    time.sleep(3600)  # never returns
    return 1

@solid
def after(_, x: int) -> int:
    return x

@pipeline
def hung():
    after(hang())

with DaskflowInstance.from_home(sys.argv[1]) as instance:
    def cancel_soon():
        time.sleep(1.0)
        [run] = instance.run_storage.get_runs()
        cancel_run(instance, run.run_id)
    threading.Thread(target=cancel_soon, daemon=True).start()
    result = execute_pipeline(hung, {"execution": {"threads": {}}}, instance=instance)
    events = instance.event_storage.get_events(result.run_id, event_types=["ENGINE_EVENT"])
    left = [e.record.data["left_running"] for e in events if "left_running" in e.record.data]
    print(instance.run_storage.get_run(result.run_id).status.value, left)
"""


@pytest.mark.slow
def test_canceling_a_hung_step_on_threads_ends_the_run_and_the_process(tmp_path):
    process = subprocess.run(
        [sys.executable, "-c", HUNG_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "CANCELED [['hang']]"


class FlakyStorage:
    """``store_events`` that fails while ``failing`` is set, from the first batch holding
    ``when`` (a step key, or None for the first batch)."""

    def __init__(self, instance, when: str | None, failures: int):
        self.store = instance.event_storage.store_events
        self.when = when
        self.failures = failures

    def __call__(self, records):
        batch = list(records)
        if self.when is None or any(r.step_key == self.when for r in batch):
            self.when = None
            if self.failures:
                self.failures -= 1
                raise OSError(28, "No space left on device")
        return self.store(batch)


@pytest.mark.parametrize("when", [None, "b"], ids=["at_start", "mid_run"])
def test_storage_errors_end_the_run_failed_once_storage_is_back(tmp_path, monkeypatch, when):
    monkeypatch.setattr(coordinator, "_STORAGE_RETRY_MAX_DELAY", 0.2)
    monkeypatch.setenv("CRASH_STEP_SECONDS", "0.7")  # b's start is stored while b runs
    with DaskflowInstance.from_home(tmp_path) as instance:
        monkeypatch.setattr(instance.event_storage, "store_events", FlakyStorage(instance, when, 4))
        with pytest.raises(DaskflowStorageError, match="No space left on device"):
            execute_pipeline(crash_chain, instance=instance)
        [run] = instance.run_storage.get_runs()
        assert run.status is RunStatus.FAILURE
        last = instance.event_storage.get_events(run.run_id)[-1].record
        assert last.event_type is E.PIPELINE_FAILURE and "No space left" in last.message
        started = _events(tmp_path, run.run_id, E.STEP_START)
        assert started == ([] if when is None else ["a", "b"])  # nothing ran before the start
        result = reexecute_pipeline(crash_chain, run.run_id, instance)
        assert result.success and result.output_for_solid("c") == ANSWER


@pytest.mark.parametrize("when", [None, "b"], ids=["at_start", "mid_run"])
def test_a_storage_that_never_comes_back_leaves_no_run_forever(tmp_path, monkeypatch, when):
    monkeypatch.setattr(coordinator, "_STORAGE_RETRY_SECONDS", 0.5)
    monkeypatch.setenv("CRASH_STEP_SECONDS", "0.7")
    with DaskflowInstance.from_home(tmp_path) as instance:
        monkeypatch.setattr(
            instance.event_storage, "store_events", FlakyStorage(instance, when, 10**6)
        )
        with pytest.raises(DaskflowStorageError, match="No space left on device"):
            execute_pipeline(crash_chain, instance=instance)
        monkeypatch.undo()
        [run] = instance.run_storage.get_runs()
        if when is None:  # nothing ran; the run never started: `run cancel --force` ends it
            assert run.status is RunStatus.NOT_STARTED
            assert instance.run_storage.end_run(run.run_id, RunStatus.CANCELED, "gone")
        else:  # started: its heartbeat stopped with its coordinator
            assert run.status is RunStatus.STARTED
            time.sleep(0.1)
            assert instance.mark_stale_runs(heartbeat_timeout=0.05) == [run.run_id]
        assert instance.run_storage.get_run(run.run_id).status.is_finished


def test_run_cancel_force_records_a_run_whose_coordinator_is_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path))
    with DaskflowInstance.from_home(tmp_path) as instance:
        run_id = instance.run_storage.create_run("crash_chain", {}, "default").run_id
        start = EventRecord.create(
            run_id, E.PIPELINE_START, "crash_chain", data={"coordinator": "gone:1"}
        )
        instance.event_storage.store_events([start])
    runner = CliRunner()
    plain = runner.invoke(cli, ["run", "cancel", run_id], catch_exceptions=False)
    assert plain.exit_code == 0 and "--force" in plain.output  # CANCELING, with a hint
    forced = runner.invoke(cli, ["run", "cancel", run_id, "--force"], catch_exceptions=False)
    assert forced.exit_code == 0, forced.output
    assert "Recorded run" in forced.output and "CANCELING" in forced.output
    with DaskflowInstance.from_home(tmp_path) as instance:
        assert instance.run_storage.get_run(run_id).status is RunStatus.CANCELED
        last = instance.event_storage.get_events(run_id)[-1].record
        assert "cancel --force" in last.message
    again = runner.invoke(cli, ["run", "cancel", run_id, "--force"], catch_exceptions=False)
    assert "nothing to cancel" in again.output


def test_an_interrupt_during_a_storage_write_is_held_back_until_it_ends():
    reached = []
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the signal arrives here and waits
        reached.append("the write finished")
    assert reached == ["the write finished"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
