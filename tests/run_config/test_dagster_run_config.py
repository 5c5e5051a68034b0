"""Run config in Dagster's shapes: loggers, outputs (materializations), config for every
resource of the mode, any config for solids without a schema."""

from __future__ import annotations

import pandas as pd
import pytest

from daskflow import (
    DataFrame,
    EventMetadataEntry,
    Field,
    ModeDefinition,
    OutputDefinition,
    String,
    execute_pipeline,
    pipeline,
    resource,
    solid,
)
from daskflow.run_config import run_config_schema, validate_run_config
from daskflow.types import DaskflowType, type_materializer

IN_PROCESS = {"execution": {"in_process": {}}}


@solid
def make_frame(_context) -> DataFrame:
    return pd.DataFrame({"a": [1, 2, 3]})


@pipeline
def frames():
    make_frame()


def test_console_logger_config_in_dagster_shape():
    config = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    resolved = validate_run_config(frames, config).raise_if_invalid()
    assert resolved.loggers["console"]["config"] == {"log_level": "ERROR", "name": "daskflow"}
    assert not validate_run_config(frames, {"loggers": {"console": {"log_level": "ERROR"}}}).success
    assert not validate_run_config(frames, {"loggers": {"nope": {}}}).success


def test_console_logger_prints_at_its_level(capsys):
    @solid
    def talk(context):
        context.log.info("quiet info")
        context.log.error("loud error")

    @pipeline
    def p():
        talk()

    execute_pipeline(p, {**IN_PROCESS, "loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    err = capsys.readouterr().err
    assert "loud error" in err and "quiet info" not in err
    execute_pipeline(p, IN_PROCESS)
    assert capsys.readouterr().err == ""  # no logger named in run config: nothing printed


def test_outputs_block_calls_the_materializer(tmp_path):
    target = tmp_path / "frame.csv"
    config = {
        **IN_PROCESS,
        "solids": {"make_frame": {"outputs": [{"result": {"csv": {"path": str(target)}}}]}},
    }
    result = execute_pipeline(frames, config)
    assert pd.read_csv(target)["a"].tolist() == [1, 2, 3]
    [mat] = result.result_for_solid("make_frame").materializations_during_compute
    assert mat.asset_key.to_string() == "make_frame.result"
    assert {e.label: e.value for e in mat.metadata_entries}["row_count"] == 3


def test_outputs_block_with_a_custom_materializer():
    written = []

    @type_materializer({"label": str})
    def remember(_context, config, value):
        written.append((config["label"], value))
        return EventMetadataEntry.text(config["label"], "label")

    labelled = DaskflowType("Labelled", lambda _ctx, v: True, materializer=remember)

    @solid(output_defs=[OutputDefinition(labelled, "out")])
    def emit(_context):
        return 7

    @pipeline
    def p():
        emit()

    config = {**IN_PROCESS, "solids": {"emit": {"outputs": [{"out": {"label": "x"}}]}}}
    execute_pipeline(p, config)
    assert written == [("x", 7)]
    bad = {**IN_PROCESS, "solids": {"emit": {"outputs": [{"out": {"lbl": "x"}}]}}}
    assert not validate_run_config(p, bad).success


def test_every_resource_of_the_mode_is_configurable():
    @resource(config_schema={"url": str})
    def unused(init_context):
        return init_context.resource_config["url"]

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"unused": unused})])
    def p():
        make_frame()

    assert "unused" in run_config_schema(p).fields["resources"].config_type.fields
    assert validate_run_config(p, {}).success  # not used: its config is optional
    assert validate_run_config(p, {"resources": {"unused": {"config": {"url": "x"}}}}).success
    assert not validate_run_config(p, {"resources": {"unused": {"config": {"u": "x"}}}}).success


def test_a_solid_without_config_schema_accepts_any_config():
    @solid
    def reads(context):
        return context.solid_config

    @pipeline
    def p():
        reads()

    config = {**IN_PROCESS, "solids": {"reads": {"config": {"any": ["thing"]}}}}
    assert execute_pipeline(p, config).output_for_solid("reads") == {"any": ["thing"]}


@pytest.mark.parametrize("schema", [String, Field(String, default_value="d")])
def test_scalar_type_names_as_solid_config_schema(schema):
    @solid(config_schema=schema)
    def echo(context):
        return context.solid_config

    @pipeline
    def p():
        echo()

    config = {**IN_PROCESS, "solids": {"echo": {"config": "hi"}}}
    assert execute_pipeline(p, config).output_for_solid("echo") == "hi"
