"""Dagster's result and event API, and ``raise_on_error`` re-raising the user's error."""

from __future__ import annotations

import pytest

from daskflow import (
    AssetMaterialization,
    CompositeSolidExecutionResult,
    DaskflowType,
    DaskflowTypeCheckDidNotPass,
    EventMetadataEntry,
    ExpectationResult,
    Failure,
    InputDefinition,
    Int,
    Output,
    OutputDefinition,
    TypeCheck,
    composite_solid,
    execute_pipeline,
    execute_solids_within_pipeline,
    lambda_solid,
    pipeline,
    solid,
)

IN_PROCESS = {"execution": {"in_process": {}}}


@solid(output_defs=[OutputDefinition(Int, "a"), OutputDefinition(Int, "b")])
def two_outputs(_):
    yield AssetMaterialization("lake.table", "a table", [EventMetadataEntry.int(3, "rows")])
    yield ExpectationResult(True, "non_empty")
    yield Output(1, "a")
    yield Output(2, "b")


@lambda_solid(input_defs=[InputDefinition("x", Int)])
def double(x):
    return 2 * x


@composite_solid(output_defs=[OutputDefinition(Int, "doubled_a")])
def comp():
    a, _b = two_outputs()
    return {"doubled_a": double(a)}


@pipeline
def dagster_results():
    comp()


def test_solid_results_outputs_and_user_events():
    result = execute_pipeline(dagster_results, IN_PROCESS)
    inner = result.result_for_handle("comp.two_outputs")
    assert inner.output_values == {"a": 1, "b": 2}
    assert inner.output_value("b") == 2
    [mat] = inner.materializations_during_compute
    assert mat.asset_key.to_string() == "lake.table" and mat.metadata_entries[0].value == 3
    [expectation] = inner.expectation_results_during_compute
    assert expectation.success and expectation.label == "non_empty"
    assert inner.solid.definition is two_outputs and inner.success and not inner.skipped
    with pytest.raises(KeyError, match='no output "c"'):
        inner.output_value("c")


def test_a_composite_result_gives_its_mapped_outputs_and_inner_results():
    result = execute_pipeline(dagster_results, IN_PROCESS)
    composite = result.result_for_solid("comp")
    assert isinstance(composite, CompositeSolidExecutionResult)
    assert composite.success
    assert composite.output_values == {"doubled_a": 2}
    assert result.output_for_solid("comp", "doubled_a") == 2
    assert composite.result_for_solid("double").output_value() == 2
    assert [r.solid_name for r in composite.solid_result_list] == [
        "comp.two_outputs",
        "comp.double",
    ]
    assert [r.solid_name for r in result.solid_result_list] == ["comp"]


def test_event_lists_and_predicates():
    result = execute_pipeline(dagster_results, IN_PROCESS)
    assert result.event_list is result.events
    assert all(e.step_key for e in result.step_event_list)
    by_key = result.events_by_step_key
    assert sorted(by_key) == ["comp.double", "comp.two_outputs"]
    assert [e.is_step_success for e in by_key["comp.double"]][-1]
    assert result.event_list[-1].is_pipeline_success
    assert any(e.is_step_materialization for e in by_key["comp.two_outputs"])
    assert any(e.is_expectation_result for e in by_key["comp.two_outputs"])
    assert any(e.is_successful_output for e in by_key["comp.double"])


def test_raise_on_error_reraises_the_users_exception_with_a_note():
    @solid
    def broken(_context):
        raise ZeroDivisionError("boom")

    @pipeline
    def p():
        broken()

    with pytest.raises(ZeroDivisionError, match="boom") as info:
        execute_pipeline(p, IN_PROCESS)
    assert any('raised by solid "broken"' in note for note in info.value.__notes__)
    result = execute_pipeline(p, IN_PROCESS, raise_on_error=False)
    failure = result.result_for_solid("broken").failure_data
    assert failure.error.cls_name == "ZeroDivisionError"
    assert failure.error.message.startswith("ZeroDivisionError: boom")
    assert failure["type"] == "ZeroDivisionError"


def test_failure_metadata_is_the_user_failure_data():
    @solid
    def fails(_context):
        raise Failure("bad rows", [EventMetadataEntry.int(7, "bad")])

    @pipeline
    def p():
        fails()

    result = execute_pipeline(p, IN_PROCESS, raise_on_error=False)
    data = result.result_for_solid("fails").failure_data.user_failure_data
    assert data.description == "bad rows" and data.metadata_entries[0].value == 7
    with pytest.raises(Failure, match="bad rows"):
        execute_pipeline(p, IN_PROCESS)


def test_a_failed_type_check_raises_with_its_metadata_and_type():
    positive = DaskflowType(
        name="Positive",
        type_check_fn=lambda _ctx, v: TypeCheck(
            v > 0, "not positive", [EventMetadataEntry.int(v, "v")]
        ),
    )

    @solid(output_defs=[OutputDefinition(positive)])
    def negative(_context):
        return -1

    @pipeline
    def p():
        negative()

    with pytest.raises(DaskflowTypeCheckDidNotPass, match="not positive") as info:
        execute_pipeline(p, IN_PROCESS)
    assert info.value.daskflow_type is positive
    assert info.value.metadata_entries[0].value == -1


def test_execute_solids_within_pipeline_with_input_values():
    @lambda_solid
    def start():
        raise AssertionError("not run")

    @lambda_solid(input_defs=[InputDefinition("x", Int)])
    def plus_one(x):
        return x + 1

    @pipeline
    def p():
        double(plus_one(start()))

    results = execute_solids_within_pipeline(
        p, ["plus_one", "double"], input_values={"plus_one": {"x": 4}}, run_config=IN_PROCESS
    )
    assert results["plus_one"].output_value() == 5
    assert results["double"].output_value() == 10


def test_ctrl_c_with_a_logger_turned_on_still_cancels_the_run(tmp_path):
    import threading

    from daskflow import DaskflowInstance, RunStatus, execute_pipeline_iterator

    release = threading.Event()

    @solid
    def waits(_context):
        release.wait(10)
        return 1

    @lambda_solid(input_defs=[InputDefinition("x", Int)])
    def after(x):
        return x

    @pipeline
    def p():
        after(waits())

    instance = DaskflowInstance.from_home(tmp_path)
    config = {
        "execution": {"threads": {}},
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    events = execute_pipeline_iterator(p, config, instance=instance)
    run_id = next(e.run_id for e in events if e.is_step_start and e.step_key == "waits")
    try:
        with pytest.raises(KeyboardInterrupt):
            events.throw(KeyboardInterrupt)
        assert instance.run_storage.get_run(run_id).status == RunStatus.CANCELED
    finally:
        release.set()
        instance.dispose()
