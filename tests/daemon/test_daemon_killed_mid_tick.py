"""A real ``daskflow daemon run`` process SIGKILLed while a sensor evaluates (the sensor
waits for a file the test creates): the tick stays STARTED while nothing notices, a
process opening the instance while the daemon lives leaves it alone, and a restarted
daemon ends it SKIPPED as interrupted, then evaluates again from the same cursor."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from daskflow.daemon import SENSOR
from daskflow.instance import DaskflowInstance, TickStatus

pytestmark = pytest.mark.slow

GATED_REPO = """
import os
import time
from pathlib import Path

from daskflow import SkipReason, pipeline, repository, sensor, solid

GATE = Path(os.environ["DASKFLOW_TEST_GATE"])


@solid
def noop(_context):
    return 1


@pipeline
def nothing():
    noop()


@sensor(pipeline_name="nothing", minimum_interval_seconds=1)
def gated(context):
    (GATE / f"evaluating-{os.getpid()}").write_text(context.cursor or "none")
    while not (GATE / "open").exists():
        time.sleep(0.05)
    seen = context.cursor or "none"
    context.update_cursor(str(int(context.cursor or 0) + 1))
    yield SkipReason(f"evaluated from cursor {seen}")


@repository
def gate_repo():
    return [nothing, gated]
"""

DASKFLOW = [sys.executable, "-c", "from daskflow.cli import main; main()"]


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, "the daemon exited before evaluating the sensor"
        assert time.monotonic() < deadline, f"the daemon never evaluated the sensor ({path})"
        time.sleep(0.05)


def test_a_daemon_killed_mid_tick_leaves_an_interrupted_tick_and_the_next_tick_runs(tmp_path):
    home, gate, repo = tmp_path / "home", tmp_path / "gate", tmp_path / "gate_repo.py"
    gate.mkdir()
    repo.write_text(GATED_REPO)
    env = {**os.environ, "DASKFLOW_HOME": str(home), "DASKFLOW_TEST_GATE": str(gate)}
    with DaskflowInstance.from_home(home) as instance:
        instance.schedule_storage.start(SENSOR, "gated", None, time.time())

    daemon_args = ["daemon", "run", "-f", str(repo), "--interval", "0.2"]
    first = subprocess.Popen(DASKFLOW + daemon_args, env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_for(gate / f"evaluating-{first.pid}", first)
        with DaskflowInstance.from_home(home) as instance:  # the daemon lives: left alone
            (tick,) = instance.schedule_storage.get_ticks(SENSOR, "gated")
            assert tick.status == TickStatus.STARTED
    finally:
        first.kill()  # SIGKILL, mid-evaluation
        first.wait(timeout=30)
    with DaskflowInstance.from_home(home, mark_stale=False) as instance:
        (tick,) = instance.schedule_storage.get_ticks(SENSOR, "gated")
        assert tick.status == TickStatus.STARTED and f":{first.pid}:" in (tick.owner or "")

    (gate / "open").touch()
    second = subprocess.run(
        DASKFLOW + [*daemon_args, "--exit-when-idle"], env=env, capture_output=True, timeout=120
    )
    assert second.returncode == 0, second.stderr.decode()
    listed = subprocess.run(
        DASKFLOW + ["sensor", "ticks", "gated"], env=env, capture_output=True, text=True
    )
    newest, interrupted = listed.stdout.splitlines()
    assert newest.endswith("SKIPPED  evaluated from cursor none")  # the cursor had not moved
    assert f"SKIPPED  Interrupted before it finished: its daemon process {first.pid} exited" in (
        interrupted
    )
    with DaskflowInstance.from_home(home) as instance:
        assert instance.schedule_storage.get_state(SENSOR, "gated").cursor == "1"
    evaluations = sorted(p.name for p in gate.glob("evaluating-*"))
    assert len(evaluations) == 2
