"""Re-execution from failure reuses stored outputs; cancellation stops new steps."""

import threading
import time

import pytest

from daskflow import execute_pipeline, pipeline, solid
from daskflow.engine.api import cancel_run, reexecute_pipeline
from daskflow.engine.events import DaskflowEventType as E
from daskflow.engine.events import RunStatus
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.instance import DaskflowInstance

CALLS = {"load": 0, "fail": True}


@solid
def load(_) -> list:
    CALLS["load"] += 1
    return [1, 2, 3]


@solid
def transform(_, rows: list) -> list:
    if CALLS["fail"]:
        raise RuntimeError("transient problem")
    return [r * 10 for r in rows]


@solid
def report(_, rows: list) -> int:
    return sum(rows)


@solid
def side(_, rows: list) -> int:
    return len(rows)


@pipeline
def etl():
    rows = load()
    report(transform(rows))
    side(rows)


@pytest.fixture
def instance(tmp_path):
    with DaskflowInstance.from_home(tmp_path) as inst:
        yield inst


def test_reexecute_from_failure_runs_only_failed_and_skipped_steps(instance):
    CALLS.update(load=0, fail=True)
    config = {"execution": {"threads": {}}}
    parent = execute_pipeline(etl, config, instance=instance, raise_on_error=False)
    assert not parent.success
    assert instance.run_storage.get_run(parent.run_id).status == RunStatus.FAILURE
    assert parent.result_for_solid("report").skipped

    CALLS["fail"] = False
    child = reexecute_pipeline(etl, parent.run_id, instance)
    assert child.success
    assert set(child.step_results) == {"transform", "report"}
    assert CALLS["load"] == 1  # not recomputed: read from the parent's stored output
    assert child.output_for_solid("report") == 60
    loaded = [e for e in child.events if e.event_type == E.LOADED_INPUT
              and e.step_key == "transform"]
    assert loaded[0].data["upstream_run_id"] == parent.run_id
    record = instance.run_storage.get_run(child.run_id)
    assert record.parent_run_id == parent.run_id and record.status == RunStatus.SUCCESS

    with pytest.raises(DaskflowInvalidDefinitionError, match="no failed or skipped step"):
        reexecute_pipeline(etl, child.run_id, instance)
    # a chosen step selection re-runs from the grandparent's stored outputs too
    again = reexecute_pipeline(etl, child.run_id, instance, step_selection=["report"])
    assert again.output_for_solid("report") == 60


@solid
def slow(_) -> int:
    time.sleep(2.0)
    return 1


@solid
def after(_, x: int) -> int:
    return x


@pipeline
def slow_chain():
    after(slow())


def test_cancel_from_another_thread_stops_new_steps(instance):
    def cancel_when_started():
        deadline = time.time() + 30
        while time.time() < deadline:
            runs = instance.run_storage.get_runs(status=RunStatus.STARTED)
            if runs:
                cancel_run(instance, runs[0].run_id)
                return
            time.sleep(0.05)

    canceller = threading.Thread(target=cancel_when_started)
    canceller.start()
    result = execute_pipeline(slow_chain, {"execution": {"threads": {}}}, instance=instance)
    canceller.join()
    assert not result.success
    assert result.event_types[-1] == E.PIPELINE_CANCELED
    assert result.step_results["after"].status == "canceled"
    assert instance.run_storage.get_run(result.run_id).status == RunStatus.CANCELED


def test_killed_coordinator_run_is_marked_failed_on_next_open(tmp_path):
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "sys.path.insert(0, {!r})\n"
        "from daskflow.instance import DaskflowInstance\n"
        "from daskflow.engine.events import EventRecord, DaskflowEventType\n"
        "inst = DaskflowInstance.from_home({!r})\n"
        "run = inst.run_storage.create_run('p', {{}}, 'default')\n"
        "inst.event_storage.store_events([EventRecord.create(run.run_id, "
        "DaskflowEventType.PIPELINE_START, 'p')])\n"
        "print(run.run_id, flush=True)\n"
        "os._exit(0)\n".format(sys.path[0], str(tmp_path / "home")))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    run_id = out.stdout.strip()
    with DaskflowInstance.from_home(tmp_path / "home") as inst:
        assert inst.run_storage.get_run(run_id).status == RunStatus.FAILURE
