"""Re-execution from failure reuses stored outputs (also streamed live by
``reexecute_pipeline_iterator``); cancellation stops new steps, whether requested from
another thread or by interrupting (Ctrl-C) or closing the event stream."""

import threading
import time

import pytest

from daskflow import (
    DaskflowConfigError,
    cancel_run,
    execute_pipeline,
    execute_pipeline_iterator,
    pipeline,
    reexecute_pipeline,
    reexecute_pipeline_iterator,
    solid,
)
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.events import DaskflowEventType as E
from daskflow.events import RunStatus, StepStatus
from daskflow.instance import DaskflowInstance
from daskflow.types import DataFrame

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
    loaded = [
        e for e in child.events if e.event_type == E.LOADED_INPUT and e.step_key == "transform"
    ]
    assert loaded[0].data["upstream_run_id"] == parent.run_id
    record = instance.run_storage.get_run(child.run_id)
    assert record.parent_run_id == parent.run_id and record.status == RunStatus.SUCCESS

    with pytest.raises(DaskflowInvalidDefinitionError, match="no failed or skipped step"):
        reexecute_pipeline(etl, child.run_id, instance)
    # a chosen step selection re-runs from the grandparent's stored outputs too
    again = reexecute_pipeline(etl, child.run_id, instance, step_selection=["report"])
    assert again.output_for_solid("report") == 60


@solid
def read(_, frame: DataFrame) -> DataFrame:
    CALLS["read"] += 1
    return frame


@solid
def offset(_, x: int) -> int:
    return x


@solid
def summed(_, frame: DataFrame, extra: int) -> int:
    return int(frame["a"].sum()) + extra


@pipeline
def loaded():
    """``read`` and ``offset`` take their inputs from run config (a pandas frame, an int)."""
    summed(read(), offset())


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n2\n3\n")
    return str(path)


def _loaded_config(csv_path, **solids):
    return {
        "execution": {"in_process": {}},
        "solids": {
            "read": {"inputs": {"frame": {"csv": {"path": csv_path}}}},
            "offset": {"inputs": {"x": 10}},
            **solids,
        },
    }


def test_reexecution_accepts_the_parents_config_of_steps_it_does_not_run(instance, csv_path):
    CALLS["read"] = 0
    config = _loaded_config(csv_path)
    parent = execute_pipeline(loaded, config, instance=instance)
    assert parent.output_for_solid("summed") == 16
    # the parent's config verbatim, the stored one, or one without the unused blocks
    for run_config in (config, None, {"execution": {"in_process": {}}}):
        child = reexecute_pipeline(
            loaded,
            parent.run_id,
            instance,
            from_failure=False,
            step_selection=["summed"],
            run_config=run_config,
        )
        assert list(child.step_results) == ["summed"]
        assert child.output_for_solid("summed") == 16
    assert CALLS["read"] == 1  # the frame came from the parent's stored output
    child = reexecute_pipeline(
        loaded, parent.run_id, instance, from_failure=False, step_selection=["read*"]
    )
    assert set(child.step_results) == {"read", "summed"} and CALLS["read"] == 2


@pytest.mark.parametrize(
    "selection, solids, expected",
    [
        # a step that runs still needs its inputs, and they are checked
        (
            ["read"],
            {"read": {"inputs": {"frame": {"csv": {"path": 3}}}}},
            r"solids\.read\.inputs\.frame\.csv\.path: expected a string",
        ),
        (["read"], {"read": {}}, r"solids\.read\.inputs: missing required key \"inputs\""),
        # the config of steps that do not run is checked too, against the whole pipeline
        (
            ["summed"],
            {"offset": {"inputs": {"x": "ten"}}},
            r"solids\.offset\.inputs\.x: expected an int",
        ),
        (["summed"], {"offset": {"inputs": {"y": 1}}}, r"solids\.offset\.inputs.*unknown key"),
        # an input fed by an upstream step never comes from config
        (["summed"], {"summed": {"inputs": {"extra": 1}}}, r"solids\.summed.*unknown key"),
    ],
)
def test_reexecution_rejects_bad_config_naming_its_path(
    instance, csv_path, selection, solids, expected
):
    parent = execute_pipeline(loaded, _loaded_config(csv_path), instance=instance)
    with pytest.raises(DaskflowConfigError, match=expected):
        reexecute_pipeline(
            loaded,
            parent.run_id,
            instance,
            from_failure=False,
            step_selection=selection,
            run_config=_loaded_config(csv_path, **solids),
        )
    assert len(instance.run_storage.get_runs()) == 1


def test_reexecuting_a_solid_selection_run_reuses_its_config(instance, csv_path):
    config = {
        "execution": {"in_process": {}},
        "solids": {"summed": {"inputs": {"frame": {"csv": {"path": csv_path}}, "extra": 1}}},
    }
    parent = execute_pipeline(loaded, config, instance=instance, solid_selection=["summed"])
    assert parent.output_for_solid("summed") == 7
    child = reexecute_pipeline(loaded, parent.run_id, instance, from_failure=False)
    assert list(child.step_results) == ["summed"] and child.output_for_solid("summed") == 7
    grandchild = reexecute_pipeline(
        loaded, child.run_id, instance, from_failure=False, step_selection=["*summed"]
    )  # within the parent's solids
    assert list(grandchild.step_results) == ["summed"]
    with pytest.raises(DaskflowInvalidDefinitionError, match='no solid named "read"'):
        reexecute_pipeline(loaded, child.run_id, instance, step_selection=["read"])


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
    assert result.step_results["after"].status == StepStatus.CANCELED
    assert instance.run_storage.get_run(result.run_id).status == RunStatus.CANCELED


GATE = threading.Event()


@solid
def gated(_, rows: list) -> list:
    """Fails while CALLS["fail"]; then waits until the test opens the gate."""
    if CALLS["fail"]:
        raise RuntimeError("transient problem")
    CALLS["released"] = GATE.wait(10)
    return rows


@pipeline
def gated_etl():
    report(gated(load()))


def test_reexecute_iterator_yields_events_while_steps_run(instance):
    CALLS.update(load=0, fail=True, released=None)
    parent = execute_pipeline(
        gated_etl, {"execution": {"threads": {}}}, instance=instance, raise_on_error=False
    )
    CALLS["fail"] = False
    GATE.clear()
    seen = []
    for event in reexecute_pipeline_iterator(gated_etl, parent.run_id, instance):
        seen.append(event)
        if event.event_type == E.STEP_START and event.step_key == "gated":
            GATE.set()  # the step is still waiting for this: the event came while it ran
    assert CALLS["released"] is True
    assert seen[0].event_type == E.PIPELINE_START and seen[-1].event_type == E.PIPELINE_SUCCESS
    assert {e.step_key for e in seen if e.event_type == E.STEP_START} == {"gated", "report"}
    assert CALLS["load"] == 1  # read from the parent's stored output
    child = instance.run_storage.get_run(seen[0].run_id)
    assert child.parent_run_id == parent.run_id and child.status == RunStatus.SUCCESS
    stored = instance.event_storage.get_events(child.run_id)
    assert [s.record.event_type for s in stored] == [e.event_type for e in seen]


def test_reexecute_iterator_raises_preparation_errors_on_first_event(instance):
    CALLS.update(load=0, fail=False)
    done = execute_pipeline(etl, {"execution": {"in_process": {}}}, instance=instance)
    events = reexecute_pipeline_iterator(etl, done.run_id, instance)  # nothing runs yet
    with pytest.raises(DaskflowInvalidDefinitionError, match="no failed or skipped step"):
        next(events)
    assert len(instance.run_storage.get_runs()) == 1


HOLD = threading.Event()


@solid
def held(_) -> int:
    HOLD.wait(10)
    return 1


@solid
def tail(_, x: int) -> int:
    CALLS["tail"] += 1
    return x


@pipeline
def held_chain():
    tail(held())


def iterate_until_held_starts(instance):
    CALLS["tail"] = 0
    HOLD.clear()
    events = execute_pipeline_iterator(
        held_chain, {"execution": {"threads": {}}}, instance=instance
    )
    for event in events:
        if event.event_type == E.STEP_START and event.step_key == "held":
            return events, event.run_id
    raise AssertionError("held never started")


def stored_records(instance, run_id):
    return [s.record for s in instance.event_storage.get_events(run_id)]


def test_keyboard_interrupt_while_iterating_cancels_the_run(instance):
    events, run_id = iterate_until_held_starts(instance)
    with pytest.raises(KeyboardInterrupt):
        events.throw(KeyboardInterrupt)  # Ctrl-C while the consumer waits for an event
    assert instance.run_storage.get_run(run_id).status == RunStatus.CANCELED
    last = stored_records(instance, run_id)[-1]
    assert last.event_type == E.PIPELINE_CANCELED and "KeyboardInterrupt" in last.message
    HOLD.set()  # the abandoned step finishes; nothing after it starts
    time.sleep(0.5)
    assert CALLS["tail"] == 0


@pytest.mark.parametrize(
    "cancel_first, status", [(True, RunStatus.CANCELED), (False, RunStatus.FAILURE)]
)
def test_closing_the_stream_cancels_the_run_only_after_a_cancel_request(
    instance, cancel_first, status
):
    events, run_id = iterate_until_held_starts(instance)
    if cancel_first:
        assert cancel_run(instance, run_id)
    events.close()
    HOLD.set()
    assert instance.run_storage.get_run(run_id).status == status
    last = stored_records(instance, run_id)[-1]
    expected = E.PIPELINE_CANCELED if cancel_first else E.PIPELINE_FAILURE
    assert last.event_type == expected and "event stream was closed" in last.message


def test_killed_coordinator_run_is_marked_failed_on_next_open(tmp_path):
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "sys.path.insert(0, {!r})\n"
        "from daskflow.instance import DaskflowInstance\n"
        "from daskflow.events import EventRecord, DaskflowEventType\n"
        "inst = DaskflowInstance.from_home({!r})\n"
        "run = inst.run_storage.create_run('p', {{}}, 'default')\n"
        "inst.event_storage.store_events([EventRecord.create(run.run_id, "
        "DaskflowEventType.PIPELINE_START, 'p')])\n"
        "print(run.run_id, flush=True)\n"
        "os._exit(0)\n".format(sys.path[0], str(tmp_path / "home"))
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    run_id = out.stdout.strip()
    with DaskflowInstance.from_home(tmp_path / "home") as inst:
        assert inst.run_storage.get_run(run_id).status == RunStatus.FAILURE
