"""The run launcher: runs start in processes of their own from their stored origin,
re-execute from failure into a linked child, fail visibly when they cannot start, and
can be canceled before they start."""

import os
import sys
import time
from pathlib import Path

import pytest

from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord, RunStatus
from daskflow.launcher import (
    PARENT_TAG,
    DaskflowLoadError,
    RunRequest,
    SubprocessRunLauncher,
    Workspace,
    execute_launched_run,
    file_location,
    load_task_stream,
    log_path,
    progress_path,
    reexecution_steps,
    run_launcher,
    submit_run,
)

HERE = os.path.dirname(os.path.abspath(__file__))
IN_PROCESS = {"execution": {"in_process": {}}}


@pytest.fixture(scope="module")
def workspace():
    return Workspace([file_location(os.path.join(HERE, "ui_pipelines.py"))])


def _wait(instance, run_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = instance.run_storage.get_run(run_id)
        if run.status.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish; log: {log_path(instance, run_id)}")


def _submit(instance, workspace, name, request, launcher=None):
    pipeline = workspace.get_pipeline(name)
    return submit_run(
        instance, launcher or SubprocessRunLauncher(), pipeline, workspace.origin(name), request
    )


def test_a_failed_run_reexecuted_from_failure_in_its_own_process(instance, workspace, tmp_path):
    marker = tmp_path / "fail-now"
    marker.write_text("x")
    config = {**IN_PROCESS, "solids": {"double_unless_marked": {"config": {"marker": str(marker)}}}}
    launcher = SubprocessRunLauncher()
    parent = _submit(instance, workspace, "flaky", RunRequest("flaky", config), launcher)
    assert _wait(instance, parent.run_id).status == RunStatus.FAILURE
    assert launcher.processes[parent.run_id].wait(30) == 1  # its own process, exit code 1
    marker.unlink()
    parent = instance.run_storage.get_run(parent.run_id)
    steps = reexecution_steps(instance, workspace.get_pipeline("flaky"), parent, True)
    assert steps == {"double_unless_marked"}
    child = _submit(
        instance,
        workspace,
        "flaky",
        RunRequest(
            "flaky",
            parent.run_config,
            parent.mode,
            parent_run_id=parent.run_id,
            step_selection=sorted(steps),
        ),
    )
    finished = _wait(instance, child.run_id)
    assert finished.status == RunStatus.SUCCESS
    assert finished.parent_run_id == parent.run_id and finished.tags[PARENT_TAG] == parent.run_id
    stats = instance.event_storage.get_step_stats(child.run_id)
    assert list(stats) == ["double_unless_marked"]


def test_a_run_whose_code_is_gone_fails_with_the_reason(instance, tmp_path):
    source = tmp_path / "gone.py"
    source.write_text(Path(HERE, "ui_pipelines.py").read_text())
    workspace = Workspace([file_location(str(source))])
    run = _submit(instance, workspace, "slow", RunRequest("slow", IN_PROCESS), launcher=_NoLaunch())
    source.unlink()
    assert execute_launched_run(instance, run.run_id) == RunStatus.FAILURE
    events = instance.event_storage.get_events(run.run_id)
    assert "no such Python file" in events[0].record.message
    assert instance.run_storage.get_run(run.run_id).status == RunStatus.FAILURE


def test_a_run_canceled_before_it_started(instance, workspace):
    run = _submit(instance, workspace, "slow", RunRequest("slow", IN_PROCESS), _NoLaunch())
    instance.run_storage.request_cancel(run.run_id)
    assert execute_launched_run(instance, run.run_id) == RunStatus.CANCELED
    assert instance.run_storage.get_run(run.run_id).status == RunStatus.CANCELED


def test_bad_requests_store_nothing(instance, workspace):
    with pytest.raises(Exception, match="ticks"):
        _submit(
            instance,
            workspace,
            "slow",
            RunRequest("slow", {"solids": {"tick": {"config": {"ticks": "many"}}}}),
            _NoLaunch(),
        )
    assert instance.run_storage.get_runs() == []


def test_workspace_files_resolve_relative_to_themselves(tmp_path):
    (tmp_path / "ws.yaml").write_text(
        f"load_from:\n  - python_file: {os.path.join(HERE, 'ui_pipelines.py')}\n"
        "  - python_file: missing.py\n"
    )
    workspace = Workspace.from_yaml(str(tmp_path / "ws.yaml"))
    assert workspace.pipeline_names == ["chain", "flaky", "partitioned", "slow", "wide"]
    assert "no such Python file" in workspace.locations[1].error
    (tmp_path / "bad.yaml").write_text("load_from: []\n")
    with pytest.raises(DaskflowLoadError, match="non-empty list"):
        Workspace.from_yaml(str(tmp_path / "bad.yaml"))


class _NoLaunch(SubprocessRunLauncher):
    def launch(self, instance, run, origin):
        pass


@pytest.mark.cluster  # its own LocalCluster: the launcher records the run's own scheduler
def test_a_run_on_a_dask_cluster_keeps_its_task_stream(instance, workspace):
    local = {"n_workers": 1, "threads_per_worker": 2, "processes": False, "dashboard_address": ":0"}
    config = {
        "execution": {"dask": {"cluster": {"local": local}}},
        "solids": {"tick": {"config": {"ticks": 2, "tick_seconds": 0.1}}},
    }
    run = _submit(instance, workspace, "slow", RunRequest("slow", config), _NoLaunch())
    assert execute_launched_run(instance, run.run_id) == RunStatus.SUCCESS
    tasks = load_task_stream(instance, run.run_id)
    assert sorted(t["key"].split("-")[0] for t in tasks) == ["after_ticks", "daskflow_run", "tick"]
    tick = next(t for t in tasks if t["key"].startswith("tick-"))
    assert tick["stop"] - tick["start"] >= 0.2 and tick["worker"].startswith("inproc://")
    assert not progress_path(instance, run.run_id).exists()  # live progress only while running


@pytest.mark.cluster
def test_every_partition_task_of_a_dask_step_is_in_the_saved_stream(instance, workspace):
    local = {"n_workers": 1, "threads_per_worker": 2, "processes": False, "dashboard_address": ":0"}
    config = {
        "execution": {"dask": {"cluster": {"local": local}}},
        "solids": {"numbers": {"config": {"partitions": 6, "seconds": 0.05}}},
    }
    run = _submit(
        instance, workspace, "partitioned", RunRequest("partitioned", config), _NoLaunch()
    )
    assert execute_launched_run(instance, run.run_id) == RunStatus.SUCCESS
    keys = [t["key"] for t in load_task_stream(instance, run.run_id)]
    # recorded from the first task on (the scheduler preload), not from the first read
    assert sum(key.startswith("('numbers_write-") for key in keys) == 6


def test_reexecuting_a_canceled_run_from_failure_resumes_where_it_stopped(instance, workspace):
    chain = workspace.get_pipeline("chain")
    parent = instance.run_storage.create_run("chain", IN_PROCESS, "default")
    events = [EventRecord.create(parent.run_id, T.PIPELINE_START, "chain")]
    for step, end in (("pause_0", T.STEP_SUCCESS), ("pause_1", T.STEP_SKIPPED)):
        events += [
            EventRecord.create(parent.run_id, T.STEP_START, "chain", step_key=step),
            EventRecord.create(parent.run_id, end, "chain", step_key=step),
        ]
    events.append(EventRecord.create(parent.run_id, T.PIPELINE_CANCELED, "chain"))
    instance.event_storage.store_events(events)
    parent = instance.run_storage.get_run(parent.run_id)
    steps = reexecution_steps(instance, chain, parent, from_failure=True)
    assert steps == {f"pause_{n}" for n in range(1, 20)}


def test_a_process_that_dies_before_starting_its_run_fails_it_with_its_output(
    instance, workspace, monkeypatch
):
    crash = [sys.executable, "-c", "import sys; print('cannot go on'); sys.exit(3)"]
    monkeypatch.setattr(run_launcher, "launch_command", lambda run_id: crash)
    launcher = SubprocessRunLauncher()
    run = _submit(instance, workspace, "slow", RunRequest("slow", IN_PROCESS), launcher)
    launcher.processes[run.run_id].wait(30)
    launcher.reap()
    failed = instance.run_storage.get_run(run.run_id)
    assert failed.status == RunStatus.FAILURE and launcher.processes == {}
    message = instance.event_storage.get_events(run.run_id)[0].record.message
    assert "exited with code 3" in message and "cannot go on" in message
