"""`daskflow pipeline execute` and `daskflow run reexecute`: exit codes, streamed lines,
summary, config errors, failures, re-execution from failure and Ctrl-C (once: cancel and
wait; twice: quit at once) for both commands."""

import threading

import pytest

from daskflow.cli.run_display import PlainDisplay
from daskflow.cli.run_tracker import RunTracker
from daskflow.cli.streaming import CancelOnInterrupt, stream_run
from daskflow.events import DaskflowEventType, EventRecord

from .helpers import CEREAL_FILE, CEREAL_YAML, invoke, record_shown, run_ids

CEREAL_SOLIDS = ["add_sugar_per_cup", "compute_cutoff", "filter_below_cutoff", "save_to_datalake"]


def test_execute_streams_steps_and_summarises_the_run(cereal_args):
    result = invoke("pipeline", "execute", *cereal_args, "--tags", "team=data")
    assert result.exit_code == 0, result.output
    out = result.output
    for solid in CEREAL_SOLIDS:
        assert f"{solid}: running" in out
        assert f"{solid}: success in" in out
    assert "INFO    [add_sugar_per_cup] Simulating computation for 0.1 seconds!" in out
    assert ": SUCCESS in " in out
    assert "local_datalake.cereals (by save_to_datalake)  status: saved" in out
    assert "filter_below_cutoff.result -> file://" in out
    [run_id] = run_ids()
    show = invoke("run", "show", run_id).output
    assert "team=data" in show
    assert "SUCCESS" in show


def test_solid_selection_runs_only_the_selected_steps(cereal_args):
    result = invoke("pipeline", "execute", *cereal_args, "-s", "add_sugar_per_cup")
    assert result.exit_code == 0, result.output
    assert "add_sugar_per_cup: success" in result.output
    assert "compute_cutoff" not in result.output


def test_config_error_exits_2_and_runs_nothing(cereal_args, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("solids:\n  add_sugar_per_cup:\n    config: {delay: abc}\n")
    result = invoke("pipeline", "execute", *cereal_args, "-c", bad)
    assert result.exit_code == 2
    assert "solids.add_sugar_per_cup.config.delay" in result.output
    assert "No runs yet." in invoke("run", "list").output


@pytest.mark.parametrize("tag", ["no-equals-sign", "=value"])
def test_malformed_tag_is_a_usage_error(cereal_args, tag):
    assert invoke("pipeline", "execute", *cereal_args, "--tags", tag).exit_code == 2


def test_failure_then_reexecute_from_failure(flaky, tmp_path):
    path, configs = flaky
    failed = invoke("pipeline", "execute", "-f", path, "-c", configs["fail"])
    assert failed.exit_code == 1
    assert (
        'second: FAILED - Error in solid "second": ValueError: second was told to fail'
        in failed.output
    )
    assert "third: skipped" in failed.output
    assert "run reexecute" in failed.output and "--from-failure" in failed.output

    [parent] = run_ids("--status", "failure")
    listing = invoke("run", "list").output
    assert parent in listing and "FAILURE" in listing
    shown = invoke("run", "show", parent, "--type", "STEP_FAILURE").output
    assert "STEP_FAILURE" in shown and "Traceback (most recent call last)" in shown
    assert 'raise ValueError("second was told to fail")' in shown

    fix = tmp_path / "fix.yaml"
    fix.write_text("solids: {second: {config: {fail: false}}}\n")
    again = invoke("run", "reexecute", parent, "--from-failure", "-f", path, "-c", fix)
    assert again.exit_code == 0, again.output
    assert "first: running" not in again.output
    child = run_ids()[0]
    assert child != parent
    child_show = invoke("run", "show", child).output
    steps = child_show.split("Steps", 1)[1].split("Events", 1)[0]
    assert "second" in steps and "third" in steps and "first" not in steps
    assert "parent" in child_show and parent in child_show  # the parent's full id


def test_reexecute_needs_a_failed_step_and_a_known_run(flaky):
    path, configs = flaky
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["ok"]).exit_code == 0
    [run_id] = run_ids()
    nothing = invoke("run", "reexecute", run_id, "--from-failure", "-f", path)
    assert nothing.exit_code == 2
    assert "no failed or skipped step" in nothing.output
    assert invoke("run", "reexecute", "abcdef123", "--from-failure", "-f", path).exit_code == 2


def test_ctrl_c_cancels_the_run(flaky, monkeypatch):
    path, configs = flaky
    monkeypatch.setenv("FLAKY_INTERRUPT", "1")
    result = invoke("pipeline", "execute", "-f", path, "-c", configs["ok"])
    assert result.exit_code == 1, result.output
    assert "Canceling run" in result.output
    assert "third: skipped" in result.output
    assert "was canceled." in result.output
    assert "CANCELED" in invoke("run", "list").output


def failed_parent(flaky):
    """The id of a run of the flaky pipeline whose step "second" failed."""
    path, configs = flaky
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["fail"]).exit_code == 1
    [parent] = run_ids("--status", "failure")
    return parent


def test_reexecute_streams_live_and_ctrl_c_cancels_the_new_run(flaky, monkeypatch):
    path, configs = flaky
    parent = failed_parent(flaky)
    record_shown(monkeypatch)
    monkeypatch.setenv("FLAKY_AWAIT_DISPLAY", "1")  # "second" waits until it is shown ...
    monkeypatch.setenv("FLAKY_INTERRUPT", "1")  # ... then presses Ctrl-C
    result = invoke("run", "reexecute", parent, "--from-failure", "-f", path, "-c", configs["ok"])
    out = result.output
    assert result.exit_code == 1, out
    assert (
        out.index("second: running")
        < out.index("Canceling run")
        < out.index("second: success in")
        < out.index("third: skipped")
    )
    assert "first: running" not in out  # first's output is read from the parent run
    assert "was canceled." in out
    [child] = run_ids("--status", "canceled")
    assert child != parent
    assert "PIPELINE_CANCELED" in invoke("run", "show", child).output


@pytest.mark.parametrize("command", ["execute", "reexecute"])
def test_ctrl_c_twice_quits_at_once_and_the_run_is_canceled(flaky, monkeypatch, command):
    path, configs = flaky
    args = ["pipeline", "execute", "-f", path, "-c", configs["ok"]]
    if command == "reexecute":
        args = [
            "run",
            "reexecute",
            failed_parent(flaky),
            "--from-failure",
            "-f",
            path,
            "-c",
            configs["ok"],
        ]
    monkeypatch.setenv("FLAKY_INTERRUPT", "2")
    result = invoke(*args)
    out = result.output
    assert result.exit_code == 1, out
    assert "second: success" not in out  # quit while "second" still ran
    assert "was canceled; steps still running were left to finish on their own." in out
    [canceled] = run_ids("--status", "canceled")
    events = invoke("run", "show", canceled, "--type", "PIPELINE_CANCELED").output
    assert "was canceled: " in events


class _Storage:
    def __init__(self):
        self.canceled = []

    def request_cancel(self, run_id):
        self.canceled.append(run_id)
        return True


class _Instance:
    def __init__(self):
        self.run_storage = _Storage()


class _InterruptOnce(PlainDisplay):
    """A display where the user presses Ctrl-C while the first event is shown."""

    def __init__(self, tracker):
        super().__init__(tracker)
        self.shown = []

    def show(self, event):
        self.shown.append(event.event_type)
        if len(self.shown) == 1:
            raise KeyboardInterrupt


def test_keyboard_interrupt_between_events_requests_cancel_and_keeps_draining():
    """Off the main thread no SIGINT handler is installed: a KeyboardInterrupt caught
    between events asks for cancel and the stream is read to its end."""
    types = [
        DaskflowEventType.PIPELINE_START,
        DaskflowEventType.ENGINE_EVENT,
        DaskflowEventType.PIPELINE_CANCELED,
    ]
    events = [EventRecord.create("run1", t, "p") for t in types]
    tracker, instance = RunTracker(), _Instance()
    display, canceler = _InterruptOnce(tracker), CancelOnInterrupt(instance)
    thread = threading.Thread(target=stream_run, args=(events, tracker, display, canceler))
    thread.start()
    thread.join(10)
    assert instance.run_storage.canceled == ["run1"]
    assert display.shown == types
    assert canceler.interrupted and not canceler.forced
    assert tracker.status == "CANCELED"


def test_preset_and_mode_clash_is_a_usage_error():
    result = invoke(
        "pipeline",
        "execute",
        "-f",
        CEREAL_FILE,
        "-c",
        CEREAL_YAML,
        "--preset",
        "local",
        "--mode",
        "test",
    )
    assert result.exit_code == 2
