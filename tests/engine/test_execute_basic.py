"""Running pipelines on the in-process and threaded schedulers."""

import logging

import pytest

from daskflow import (
    AssetMaterialization,
    DaskflowConfigError,
    EventMetadataEntry,
    ExpectationResult,
    Failure,
    Field,
    InputDefinition,
    ModeDefinition,
    Output,
    OutputDefinition,
    RetryPolicy,
    RetryRequested,
    execute_pipeline,
    execute_solid,
    pipeline,
    resource,
    solid,
)
from daskflow.events import DaskflowEventType as E
from daskflow.events import StepStatus
from daskflow.types import Nothing

IN_PROCESS = {"execution": {"in_process": {}}}
THREADS = {"execution": {"threads": {"max_workers": 4}}}


@solid
def one(_) -> int:
    return 1


@solid
def add(_, a: int, b: int) -> int:
    return a + b


@pytest.mark.parametrize("config", [IN_PROCESS, THREADS])
def test_values_flow_and_events_are_complete(config):
    @pipeline
    def p():
        add(one(), one())

    result = execute_pipeline(p, config)
    assert result.success
    assert result.output_for_solid("add") == 2
    types = result.event_types
    assert types[0] == E.PIPELINE_START and types[-1] == E.PIPELINE_SUCCESS
    assert types.count(E.STEP_START) == 3 and types.count(E.STEP_SUCCESS) == 3
    add_events = [e.event_type for e in result.result_for_solid("add").events]
    assert add_events.count(E.STEP_INPUT) == 2 and add_events.count(E.STEP_OUTPUT) == 1
    assert add_events.count(E.LOADED_INPUT) == 2  # read back from the default fs IO manager
    assert E.HANDLED_OUTPUT in add_events


def test_config_errors_raise_before_anything_runs():
    ran = []

    @solid(config_schema={"n": int})
    def needs_config(context):
        ran.append(1)

    @pipeline
    def p():
        needs_config()

    with pytest.raises(DaskflowConfigError, match="solids.needs_config.config.n"):
        execute_pipeline(p, {"solids": {"needs_config": {"config": {"n": "x"}}}})
    assert ran == []


def test_user_events_logs_and_multiple_outputs():
    @solid(output_defs=[OutputDefinition(int, "a"), OutputDefinition(int, "b")])
    def two(context):
        context.log.info("hello from %s", "two")
        context.log.warning("careful")
        yield AssetMaterialization(
            "lake.table", metadata_entries=[EventMetadataEntry.int(3, "rows")]
        )
        yield ExpectationResult(True, label="non_empty")
        yield Output(1, "a")
        yield Output(2, "b")

    @pipeline
    def p():
        a, b = two()
        add(a, b)

    result = execute_pipeline(p, IN_PROCESS)
    assert result.output_for_solid("add") == 3
    assert result.output_for_solid("two", "b") == 2
    logs = [e for e in result.events if e.event_type == E.LOG]
    assert [(e.message, e.level) for e in logs] == [
        ("hello from two", logging.INFO),
        ("careful", logging.WARNING),
    ]
    mats = result.result_for_solid("two").materializations
    assert mats[0].data["asset_key"] == "lake.table"
    assert mats[0].data["metadata_entries"][0]["value"] == 3
    assert E.STEP_EXPECTATION_RESULT in result.event_types


def test_failure_skips_downstream_and_independent_branches_finish():
    @solid
    def boom(_) -> int:
        raise ValueError("bad data in row 7")

    @pipeline
    def p():
        add(boom(), one())
        one.alias("independent")()

    result = execute_pipeline(p, THREADS, raise_on_error=False)
    assert not result.success
    assert result.result_for_solid("boom").step_result.status == StepStatus.FAILURE
    assert result.result_for_solid("add").skipped
    assert result.result_for_solid("independent").success
    failure = result.result_for_solid("boom").failure_data
    assert failure["type"] == "ValueError"
    assert 'raise ValueError("bad data in row 7")' in failure["traceback"]
    assert result.event_types[-1] == E.PIPELINE_FAILURE


def test_raise_on_error_reraises_the_user_error_naming_the_solid():
    class MyError(Exception):
        pass

    @solid
    def broken(_):
        raise MyError("nope")

    @pipeline
    def p():
        broken()

    with pytest.raises(MyError, match="nope") as info:
        execute_pipeline(p, IN_PROCESS)
    assert any('solid "broken"' in note for note in info.value.__notes__)


def test_type_check_failures_fail_the_step():
    @solid
    def wrong(_) -> int:
        return "not an int"

    @pipeline
    def p():
        wrong()

    result = execute_pipeline(p, IN_PROCESS, raise_on_error=False)
    outputs = [e for e in result.events if e.event_type == E.STEP_OUTPUT]
    assert outputs[0].data["type_check"]["success"] is False
    failure = result.result_for_solid("wrong").failure_data
    assert 'Type check failed for output "result" of solid "wrong"' in failure["message"]


def test_failure_with_metadata():
    @solid
    def fails(_):
        raise Failure("3 rows invalid", [EventMetadataEntry.int(3, "rows")])

    @pipeline
    def p():
        fails()

    result = execute_pipeline(p, IN_PROCESS, raise_on_error=False)
    data = result.result_for_solid("fails").failure_data
    assert data["metadata_entries"][0]["value"] == 3


def test_retry_policy_and_retry_requested():
    attempts = {"policy": 0, "requested": 0}

    @solid(retry_policy=RetryPolicy(max_retries=2, delay=0.01))
    def flaky(_) -> int:
        attempts["policy"] += 1
        if attempts["policy"] < 3:
            raise ConnectionError("try again")
        return 5

    @solid
    def asks(_) -> int:
        attempts["requested"] += 1
        if attempts["requested"] < 2:
            raise RetryRequested(max_retries=1)
        return 6

    @pipeline
    def p():
        add(flaky(), asks())

    result = execute_pipeline(p, IN_PROCESS)
    assert result.output_for_solid("add") == 11
    assert result.event_types.count(E.STEP_UP_FOR_RETRY) == 3


def test_resources_are_per_mode_scoped_and_torn_down_on_failure():
    log = []

    @resource(config_schema={"name": str})
    def db(init_context):
        log.append("up " + init_context.resource_config["name"])
        yield init_context.resource_config["name"]
        log.append("down")

    @resource
    def other(_):
        return "other"

    seen = {}

    @solid(required_resource_keys={"db"})
    def query(context):
        seen["db"] = context.resources.db
        seen["has_other"] = hasattr(context.resources, "other")
        raise RuntimeError("query failed")

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"db": db, "other": other})])
    def p():
        query()

    result = execute_pipeline(
        p, {**IN_PROCESS, "resources": {"db": {"config": {"name": "x"}}}}, raise_on_error=False
    )
    assert not result.success
    assert seen == {"db": "x", "has_other": False}
    assert log == ["up x", "down"]


def test_inputs_from_config_defaults_and_nothing():
    @solid
    def greet(_, name: str, punctuation: str = "!") -> str:
        return f"hello {name}{punctuation}"

    @solid(input_defs=[InputDefinition("after", Nothing)])
    def last(_) -> str:
        return "done"

    @pipeline
    def p():
        last(after=greet())

    result = execute_pipeline(
        p, {**IN_PROCESS, "solids": {"greet": {"inputs": {"name": {"value": "ann"}}}}}
    )
    assert result.output_for_solid("greet") == "hello ann!"
    assert result.output_for_solid("last") == "done"


def test_solid_config_defaults_reach_the_context():
    @solid(config_schema={"factor": Field(int, default_value=3)})
    def scale(context, x: int) -> int:
        return x * context.solid_config["factor"]

    assert execute_solid(scale, input_values={"x": 2}).output_value() == 6
    result = execute_solid(
        scale, input_values={"x": 2}, run_config={"solids": {"scale": {"config": {"factor": 5}}}}
    )
    assert result.output_value() == 10


def test_selection_runs_a_subset_with_inputs_from_config():
    @pipeline
    def p():
        add(one(), one.alias("other")())

    result = execute_pipeline(
        p,
        {**IN_PROCESS, "solids": {"add": {"inputs": {"a": 10, "b": 20}}}},
        solid_selection=["add"],
    )
    assert list(result.step_results) == ["add"]
    assert result.output_for_solid("add") == 30
    expected = r"missing required key \"solids\"(.|\n)*a: <int>"
    with pytest.raises(DaskflowConfigError, match=expected):
        execute_pipeline(p, IN_PROCESS, solid_selection="add")


def test_secrets_from_env_never_reach_events_or_storage(monkeypatch, tmp_path):
    from daskflow import StringSource
    from daskflow.instance import DaskflowInstance

    monkeypatch.setenv("LAKE_TOKEN", "tok-very-secret-123")

    @resource(config_schema={"token": StringSource})
    def lake(init_context):
        return init_context.resource_config["token"]

    @solid(required_resource_keys={"lake"})
    def leaky(context):
        context.log.info(f"connecting with token {context.resources.lake}")
        return len(context.resources.lake)

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"lake": lake})])
    def p():
        leaky()

    config = {**IN_PROCESS, "resources": {"lake": {"config": {"token": {"env": "LAKE_TOKEN"}}}}}
    with DaskflowInstance.from_home(tmp_path) as instance:
        result = execute_pipeline(p, config, instance=instance)
        assert result.output_for_solid("leaky") == len("tok-very-secret-123")
        stored = instance.event_storage.get_events(result.run_id)
        text = " ".join(s.record.message + repr(s.record.data) for s in stored)
        assert "connecting with token ***" in text
        assert "tok-very-secret" not in text
        run = instance.run_storage.get_run(result.run_id)
        assert run.run_config["resources"]["lake"]["config"]["token"] == {"env": "LAKE_TOKEN"}


def test_execute_solid_names_dagsters_argument_order_when_inputs_come_second():
    from daskflow import DaskflowInvalidDefinitionError, execute_solid, solid

    @solid
    def double(x: int) -> int:
        return 2 * x

    with pytest.raises(DaskflowInvalidDefinitionError, match="input_values="):
        execute_solid(double, {"x": 2})
    assert execute_solid(double, input_values={"x": 2}).output_value() == 4
