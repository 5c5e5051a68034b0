"""The one rule for a blocked step and the one failure path (``engine.step.outcome``).

The rule is unit-tested on its own (cancel vs failed upstream vs missing output vs
``Nothing`` inputs), then through each place a step can end: the step task
(``run_step``), a Dask DataFrame step's commit (``commit_step``) and a Dask DataFrame
step skipped while its graph is built (``LazyCompiler``).
"""

import logging
import pickle
import time

import pandas as pd
import pytest

from daskflow import Failure, InputDefinition, execute_pipeline, pipeline, solid
from daskflow.definitions.graph import OutputRef
from daskflow.engine.lazy.commit import CommitSpec, commit_step
from daskflow.engine.planning.plan import NOTHING, UPSTREAM, StepInput
from daskflow.engine.process.cancel import clear_canceled, set_canceled
from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
from daskflow.engine.run.launch import RunRequest, prepare_run
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import RemoteError, StepError
from daskflow.engine.step.outcome import (
    Blocked,
    StepResult,
    blocked_reason,
    fail_step,
    skip_step,
)
from daskflow.engine.step.task import run_step
from daskflow.events import DaskflowEventType as E
from daskflow.events import EventRecord, StepStatus
from daskflow.instance import DaskflowInstance
from daskflow.metadata import EventMetadataEntry
from daskflow.types import DaskDataFrame, Nothing

IN_PROCESS = {"execution": {"in_process": {}}}


def result(key, status, **outputs):
    return StepResult(key, status, 0, values=dict(outputs))


def reads(*refs, source=UPSTREAM, name="x"):
    return StepInput(name, source, tuple(OutputRef(node, out) for node, out in refs))


FAILED = result("load", StepStatus.FAILURE)
SKIPPED = result("clean", StepStatus.SKIPPED)
CANCELED = result("other", StepStatus.CANCELED)
DONE = result("load", StepStatus.SUCCESS, result=1)


# -- the rule ---------------------------------------------------------------------------------


def test_nothing_blocks_a_step_whose_upstream_succeeded():
    assert blocked_reason("report", [reads(("load", "result"))], {"load": DONE}) is None
    assert blocked_reason("report", [], {}) is None


def test_a_cancel_wins_over_a_failed_upstream_step():
    blocked = blocked_reason("report", [], {"load": FAILED}, canceled=True)
    assert blocked == Blocked(StepStatus.CANCELED, 'Skipped step "report": the run was canceled.')


def test_a_canceled_upstream_step_wins_over_a_failed_one_in_any_order():
    for upstream in ({"load": FAILED, "other": CANCELED}, {"other": CANCELED, "load": FAILED}):
        assert blocked_reason("report", [], upstream).status is StepStatus.CANCELED


def test_failed_and_skipped_upstream_steps_skip_the_step_naming_them():
    blocked = blocked_reason("report", [], {"load": FAILED, "clean": SKIPPED, "x": DONE})
    assert blocked.status is StepStatus.SKIPPED
    assert blocked.message == (
        'Skipped step "report": upstream step(s) load, clean did not succeed.'
    )


def test_a_failed_upstream_step_wins_over_a_missing_output():
    inputs = [reads(("load", "result")), reads(("later", "result"), name="y")]
    upstream = {"later": result("later", StepStatus.SUCCESS), "load": FAILED}
    assert "did not succeed" in blocked_reason("report", inputs, upstream).message


def test_an_output_the_step_reads_that_was_not_produced_skips_it():
    upstream = {"load": result("load", StepStatus.SUCCESS, other=1)}
    blocked = blocked_reason("report", [reads(("load", "result"))], upstream)
    assert blocked.status is StepStatus.SKIPPED
    assert (
        blocked.message == 'Skipped step "report": upstream output "load.result" was not produced.'
    )


def test_nothing_inputs_read_no_output_so_a_missing_one_never_blocks():
    upstream = {"load": result("load", StepStatus.SUCCESS)}  # no outputs at all
    assert blocked_reason("report", [reads(("load", "result"), source=NOTHING)], upstream) is None


def test_stored_and_handed_on_outputs_count_as_produced():
    stored = StepResult("load", StepStatus.SUCCESS, 0, stored={"result": "io_manager"})
    lazy = StepResult("load", StepStatus.SUCCESS, 0, handed_on={"result"})
    for done in (stored, lazy):
        assert blocked_reason("report", [reads(("load", "result"))], {"load": done}) is None


def test_upstream_steps_not_known_yet_do_not_block():
    assert blocked_reason("report", [reads(("load", "result"))], {}) is None


def test_a_canceled_step_is_a_warning_a_skipped_one_is_not():
    assert Blocked(StepStatus.CANCELED, "").level == logging.WARNING
    assert Blocked(StepStatus.SKIPPED, "").level == logging.INFO


# -- skipping and failing ---------------------------------------------------------------------


@pytest.fixture
def events():
    """The events of run ``r1``, through its in-process sink."""
    records = []
    register_local_sink("r1", records.append)
    yield records
    unregister_local_sink("r1")


def test_skip_step_sends_one_step_skipped_event(events):
    emitter = StepEmitter("r1", "pipe", "report")
    skipped = skip_step("report", emitter, Blocked(StepStatus.CANCELED, "canceled!"))
    assert (skipped.status, skipped.events_sent) == (StepStatus.CANCELED, 1)
    [event] = [EventRecord.from_dict(r) for r in events]
    assert (event.event_type, event.message, event.level) == (
        E.STEP_SKIPPED,
        "canceled!",
        logging.WARNING,
    )


def test_fail_step_reports_the_users_error_and_the_steps_metadata(events):
    entry = EventMetadataEntry.text("bad rows", "why")
    user_error = Failure("rows are bad", metadata_entries=[entry])
    emitter = StepEmitter("r1", "pipe", "load")
    failed = fail_step("load", emitter, StepError("Step failed", user_error, [entry]), 1.5)
    assert (failed.status, failed.duration, failed.error) == (StepStatus.FAILURE, 1.5, user_error)
    [event] = [EventRecord.from_dict(r) for r in events]
    assert event.event_type is E.STEP_FAILURE and event.message == "Step failed"
    error = event.data["error"]
    assert (error["type"], error["message"]) == ("Failure", "rows are bad")
    assert [e["label"] for e in error["metadata_entries"]] == ["why"]


def test_fail_step_keeps_a_remote_errors_type_and_traceback(events):
    remote = RemoteError("ZeroDivisionError", "division by zero", "Traceback: line 3")
    failed = fail_step("load", StepEmitter("r1", "pipe", "load"), StepError("failed", remote))
    error = EventRecord.from_dict(events[0]).data["error"]
    assert (error["type"], error["message"], error["traceback"]) == (
        "ZeroDivisionError",
        "division by zero",
        "Traceback: line 3",
    )
    assert str(pickle.loads(pickle.dumps(failed.error))) == "ZeroDivisionError: division by zero"


def test_fail_step_replaces_an_error_that_cannot_be_pickled(events):
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("no")

    failed = fail_step("load", StepEmitter("r1", "pipe", "load"), StepError("x", Unpicklable("u")))
    assert isinstance(failed.error, RuntimeError) and str(failed.error) == "Unpicklable: u"


# -- every place a step ends uses the rule ----------------------------------------------------


@solid
def numbers(_) -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2, 3]})


@solid
def frame_sum(_, frame: DaskDataFrame) -> DaskDataFrame:
    return frame.assign(b=frame.a * 2)


@solid(input_defs=[InputDefinition("after", Nothing)])
def report(_) -> int:
    return 1


@pipeline
def mixed():
    report(numbers())


@pytest.fixture
def prepared():
    """A prepared (not executed) run of ``mixed``, its events collected."""
    instance = DaskflowInstance.ephemeral()
    coordinator, _, _ = prepare_run(RunRequest(mixed, IN_PROCESS), instance)
    payload = coordinator.payload
    records = []
    register_local_sink(payload.run_id, records.append)
    yield payload, records
    unregister_local_sink(payload.run_id)
    clear_canceled(payload.run_id)
    instance.dispose()


def test_the_step_task_skips_as_canceled_when_the_run_was_canceled(prepared):
    payload, records = prepared
    set_canceled(payload.run_id)
    outcome = run_step(payload, "report", result("numbers", StepStatus.FAILURE))
    assert outcome.status is StepStatus.CANCELED
    assert EventRecord.from_dict(records[-1]).message.endswith("the run was canceled.")


def test_the_step_task_skips_after_a_failed_upstream_step(prepared):
    payload, records = prepared
    outcome = run_step(payload, "report", result("numbers", StepStatus.FAILURE))
    assert outcome.status is StepStatus.SKIPPED
    assert "numbers did not succeed" in EventRecord.from_dict(records[-1]).message


def test_the_commit_skips_as_canceled_when_an_upstream_step_was_canceled(prepared):
    payload, records = prepared
    spec = CommitSpec(compile_events=2, started_at=time.time())
    upstream = [result("numbers", StepStatus.FAILURE), result("x", StepStatus.CANCELED)]
    outcome = commit_step(payload, "report", spec, upstream, {}, {})
    assert outcome.status is StepStatus.CANCELED
    assert outcome.events_sent == 3  # the build's two and the STEP_SKIPPED
    assert EventRecord.from_dict(records[-1]).event_type is E.STEP_SKIPPED


def test_the_commit_skips_after_a_failed_upstream_step(prepared):
    payload, _ = prepared
    spec = CommitSpec(compile_events=0, started_at=time.time())
    outcome = commit_step(payload, "report", spec, [result("numbers", StepStatus.FAILURE)], {}, {})
    assert outcome.status is StepStatus.SKIPPED


@solid
def broken_frame(_) -> DaskDataFrame:
    raise ValueError("cannot build")


@pipeline
def broken_then_lazy():
    frame_sum(broken_frame())


def test_a_dask_step_after_one_that_failed_while_building_is_skipped():
    result_ = execute_pipeline(broken_then_lazy, IN_PROCESS, raise_on_error=False)
    statuses = {k: r.status for k, r in result_.step_results.items()}
    assert statuses == {"broken_frame": StepStatus.FAILURE, "frame_sum": StepStatus.SKIPPED}
    [skipped] = [e for e in result_.events if e.event_type is E.STEP_SKIPPED]
    assert skipped.message == (
        'Skipped step "frame_sum": upstream step(s) broken_frame did not succeed.'
    )
