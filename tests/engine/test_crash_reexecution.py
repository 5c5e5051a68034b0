"""A coordinator SIGKILLed anywhere leaves a run that re-execution from failure finishes
correctly, recomputing no step whose output was stored.

The coordinator runs in a subprocess (``crash_pipelines.py``) that dies at an exact place
of the record: before a step, during it, between its stored output and its success event,
after it. The next process that opens the instance marks the run failed (its coordinator
is gone); ``reexecute_pipeline`` then runs exactly the steps without stored outputs.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from daskflow import reexecute_pipeline
from daskflow.events import DaskflowEventType as E
from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance
from tests.engine.crash_pipelines import ANSWER, crash_chain
from tests.paths import ROOT


def run_killed(home, kind: str, kill: str) -> None:
    """Run the chain in a coordinator process that SIGKILLs itself at ``kill``."""
    process = subprocess.run(
        [sys.executable, "-m", "tests.engine.crash_pipelines", str(home), kind, kill],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr


def started_steps(instance, run_id: str) -> list[str]:
    events = instance.event_storage.get_events(run_id, event_types=[E.STEP_START])
    return sorted(e.record.step_key for e in events)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "kill", "rerun"),
    [
        ("in_process", "before:STEP_START:a", ["a", "b", "c"]),
        ("in_process", "before:STEP_START:b", ["b", "c"]),
        ("in_process", "after:STEP_START:b", ["b", "c"]),  # during b
        ("in_process", "in:b", ["b", "c"]),  # during b, inside the solid
        ("in_process", "before:STEP_SUCCESS:b", ["c"]),  # b's output stored, not its success
        ("in_process", "after:STEP_SUCCESS:b", ["c"]),
        ("threads", "after:STEP_START:b", ["b", "c"]),
        ("threads", "before:STEP_SUCCESS:c", []),  # every output stored: nothing to redo
    ],
)
def test_reexecution_after_a_coordinator_sigkill(tmp_path, kind, kill, rerun):
    home = tmp_path / "home"
    run_killed(home, kind, kill)
    with DaskflowInstance.from_home(home) as instance:
        [parent] = instance.run_storage.get_runs()
        assert parent.status is RunStatus.FAILURE  # marked on open: its coordinator died
        if not rerun:
            with pytest.raises(Exception, match="every step's outputs are stored"):
                reexecute_pipeline(crash_chain, parent.run_id, instance)
            return
        result = reexecute_pipeline(crash_chain, parent.run_id, instance)
        assert result.success
        assert started_steps(instance, result.run_id) == rerun
        assert result.output_for_solid("c") == ANSWER


@pytest.mark.slow
def test_a_chain_of_reexecutions_each_killed_ends_with_the_right_answer(tmp_path):
    """Killed in b, then its re-execution killed before c: the third run runs c only,
    reading a's output from the first run and b's from the second."""
    home = tmp_path / "home"
    run_killed(home, "in_process", "after:STEP_START:b")
    code = (
        "import sys\n"
        "from tests.engine.crash_pipelines import _kill_when_stored, crash_chain\n"
        "from daskflow import reexecute_pipeline\n"
        "from daskflow.instance import DaskflowInstance\n"
        "_kill_when_stored('before:STEP_START:c')\n"
        "with DaskflowInstance.from_home(sys.argv[1]) as instance:\n"
        "    [parent] = instance.run_storage.get_runs()\n"
        "    reexecute_pipeline(crash_chain, parent.run_id, instance)\n"
    )
    second = subprocess.run(
        [sys.executable, "-c", code, str(home)], cwd=ROOT, capture_output=True, timeout=120
    )
    assert second.returncode == -signal.SIGKILL, second.stderr
    with DaskflowInstance.from_home(home) as instance:
        child, first = instance.run_storage.get_runs()
        assert child.parent_run_id == first.run_id
        assert child.status is RunStatus.FAILURE
        assert started_steps(instance, child.run_id) == ["b"]
        result = reexecute_pipeline(crash_chain, child.run_id, instance)
        assert result.success and result.output_for_solid("c") == ANSWER
        assert started_steps(instance, result.run_id) == ["c"]
