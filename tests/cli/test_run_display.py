"""The live display (as on a terminal) and the summary, fed with synthetic events."""

import io

from rich.console import Console

from daskflow.cli.run_display import LiveDisplay, print_summary
from daskflow.cli.run_tracker import RunTracker
from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord, StepStatus


def _events():
    def ev(kind, step=None, message="", **data):
        return EventRecord.create(
            "run-1", kind, "p", message, solid_name=step, step_key=step, data=data
        )

    return [
        ev(T.PIPELINE_START, mode="local"),
        ev(
            T.ENGINE_EVENT,
            message="Dask dashboard: http://x:8787/status",
            dashboard_link="http://x:8787/status",
            scheduler="tcp://x:8786",
        ),
        ev(T.STEP_START, "a"),
        ev(T.LOG, "a", "hello from a"),
        ev(
            T.HANDLED_OUTPUT,
            "a",
            output_name="result",
            metadata_entries=[{"label": "path", "kind": "path", "value": "s3://b/run-1/a"}],
        ),
        ev(T.STEP_SUCCESS, "a"),
        ev(T.STEP_START, "b"),
        ev(
            T.STEP_FAILURE,
            "b",
            'Error in solid "b": KeyError: k',
            error={"type": "KeyError", "message": "k", "traceback": "Traceback: line 1"},
        ),
        ev(T.STEP_SKIPPED, "c", "upstream failed"),
        ev(T.ENGINE_EVENT, message="Saved the report.", performance_report="/h/reports/r.html"),
        ev(T.PIPELINE_FAILURE, message="failed; failed steps: b.", failed_steps=["b"]),
    ]


def _console():
    return Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)


def test_live_display_prints_logs_link_and_failures_above_the_table():
    tracker = RunTracker(planned=["a", "b", "c"])
    console = _console()
    with LiveDisplay(tracker, console) as display:
        for event in _events():
            tracker.record(event)
            display.show(event)
    out = console.file.getvalue()
    assert "Dask dashboard: http://x:8787/status" in out
    assert "[a] hello from a" in out
    assert 'b: FAILED - Error in solid "b": KeyError: k' in out
    steps = list(tracker.steps.values())
    assert [s.status for s in steps] == [StepStatus.SUCCESS, StepStatus.FAILURE, StepStatus.SKIPPED]
    assert [s.label for s in steps] == ["success", "failed", "skipped"]


def test_steps_the_stream_left_unfinished_keep_their_status_and_say_why():
    tracker = RunTracker(planned=["a", "b", "c"])
    tracker.feed(
        EventRecord.create("run-1", kind, "p", solid_name=step, step_key=step)
        for kind, step in [(T.STEP_START, "a"), (T.STEP_SUCCESS, "a"), (T.STEP_START, "b")]
    )
    assert [s.label for s in tracker.steps.values()] == ["success", "running", "pending"]
    tracker.mark_unfinished()
    steps = list(tracker.steps.values())
    assert [s.status for s in steps] == [StepStatus.SUCCESS, StepStatus.IN_PROGRESS, None]
    assert [s.label for s in steps] == ["success", "unfinished", "not run"]
    assert [s.finished for s in steps] == [True, False, False]
    tracker.mark_unfinished("canceled")
    assert [s.label for s in tracker.steps.values()] == ["success", "canceled", "canceled"]


def test_summary_lists_steps_outputs_report_and_failures():
    tracker = RunTracker(planned=["a", "b", "c"])
    tracker.feed(_events())
    console = _console()
    print_summary(tracker, console, hint="try again")
    out = console.file.getvalue()
    assert 'Run run-1 of pipeline "p" (mode "local"): FAILURE' in out
    assert "a.result -> s3://b/run-1/a" in out
    assert "Dask dashboard: http://x:8787/status" in out  # a scheduler that outlives the run
    assert "Dask performance report: /h/reports/r.html" in out
    assert "Step b failed" in out and "Traceback: line 1" in out
    assert "try again" in out
