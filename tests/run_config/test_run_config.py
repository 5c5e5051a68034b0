"""The run-config schema of a pipeline: assembled from solids, resources, execution."""

import jsonschema
import pytest

from daskflow import (
    DaskflowConfigError,
    Field,
    ModeDefinition,
    StringSource,
    pipeline,
    resolve_run_config,
    resource,
    run_config_json_schema,
    solid,
    validate_run_config,
)

CEREAL_CONFIG = {
    "solids": {
        "add_sugar_per_cup": {
            "config": {"delay": 0.1},
            "inputs": {"cereals": {"csv": {"path": "data/cereal.csv"}}},
        }
    },
    "resources": {"datalake": {"config": {"root_dir": "/tmp/lake"}}},
}


def test_cereal_config_validates_in_both_modes(cereal_module):
    p = cereal_module.compute_top_quartile_pipeline
    local = resolve_run_config(p, CEREAL_CONFIG, mode="local")
    assert local.solid_config("add_sugar_per_cup") == {"delay": 0.1}
    assert local.input_config("add_sugar_per_cup", "cereals")["csv"]["path"] == "data/cereal.csv"
    assert local.resources["datalake"]["config"] == {"root_dir": "/tmp/lake"}
    assert local.execution == {"threads": {"max_workers": None}}
    assert local.raw == CEREAL_CONFIG
    # the test mode's fake datalake has no config; unused config is still accepted for it
    assert resolve_run_config(p, CEREAL_CONFIG, mode="test").mode == "test"


def test_default_delay_is_filled_in(cereal_module):
    config = {"solids": {"add_sugar_per_cup": {"inputs": {"cereals": {"csv": {"path": "x.csv"}}}}}}
    resolved = resolve_run_config(cereal_module.compute_top_quartile_pipeline, config, "test")
    assert resolved.solid_config("add_sugar_per_cup") == {"delay": 1.0}


def test_bad_config_lists_every_error_with_its_path(cereal_module):
    p = cereal_module.compute_top_quartile_pipeline
    bad = {"solids": {"add_sugar_per_cup": {"config": {"delay": "abc", "dely": 1}}}}
    result = validate_run_config(p, bad, mode="local")
    assert not result.success
    paths = [e.path_str for e in result.errors]
    assert paths == [
        "solids.add_sugar_per_cup.config.delay",
        "solids.add_sugar_per_cup.config.dely",
        "solids.add_sugar_per_cup.inputs",
        "resources",
    ]
    with pytest.raises(DaskflowConfigError) as info:
        resolve_run_config(p, bad, mode="local")
    message = str(info.value)
    assert message.startswith(
        'Invalid run config for pipeline "compute_top_quartile_pipeline" (mode "local"): 4 errors'
    )
    assert 'expected a float, got the string "abc"' in message
    assert 'Did you mean "delay"?' in message
    assert "csv:" in message and "path: <string>" in message  # example of what to write
    assert "root_dir: <string>" in message


def test_misspelt_solid_name_gets_a_suggestion(cereal_module):
    config = {"solids": {"add_sugar_per_cups": {}}}
    result = validate_run_config(cereal_module.compute_top_quartile_pipeline, config, "test")
    assert any('Did you mean "add_sugar_per_cup"' in str(e) for e in result.errors)


def test_execution_block_choices(cereal_module):
    p = cereal_module.compute_top_quartile_pipeline
    base = {"solids": CEREAL_CONFIG["solids"]}
    for execution in (
        {"in_process": {}},
        {"threads": {"max_workers": 4}},
        {"dask": {"cluster": {"address": "tcp://127.0.0.1:8786"}}},
        {"dask": {"cluster": {"class": "distributed.LocalCluster", "kwargs": {"n_workers": 1}}}},
    ):
        resolved = resolve_run_config(p, {**base, "execution": execution}, "test")
        assert set(resolved.execution) == set(execution)
    local = resolve_run_config(p, {**base, "execution": {"dask": {}}}, "test").execution
    assert local["dask"]["cluster"]["local"]["n_workers"] == 2
    assert local["dask"]["performance_report"] is False


def test_execution_block_errors(cereal_module):
    p = cereal_module.compute_top_quartile_pipeline
    base = {"solids": CEREAL_CONFIG["solids"]}
    two = validate_run_config(p, {**base, "execution": {"threads": {}, "in_process": {}}}, "test")
    assert [e.path_str for e in two.errors] == ["execution"]
    cluster = validate_run_config(
        p,
        {**base, "execution": {"dask": {"cluster": {"local": {}, "address": "tcp://x:1"}}}},
        "test",
    )
    assert "choose exactly one of: local, address, class" in str(cluster.errors[0])
    kwargs = validate_run_config(
        p,
        {**base, "execution": {"dask": {"cluster": {"address": "tcp://x:1", "kwargs": {}}}}},
        "test",
    )
    assert kwargs.errors[0].path_str == "execution.dask.cluster.kwargs"


def test_secrets_from_env_are_redacted_and_tracked(monkeypatch):
    monkeypatch.setenv("DB_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("DB_PORT", "hunter3-not-a-port")

    @resource(config_schema={"password": StringSource, "port": Field(int, default_value=5432)})
    def db(init_context):
        return init_context.resource_config

    @solid(required_resource_keys={"db"}, config_schema={"port": Field(int)})
    def query(_):
        return 1

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"db": db})])
    def p():
        query()

    good = resolve_run_config(
        p,
        {
            "resources": {"db": {"config": {"password": {"env": "DB_PASSWORD"}}}},
            "solids": {"query": {"config": {"port": 1}}},
        },
    )
    assert good.resources["db"]["config"]["password"] == "hunter2-very-secret"
    assert "hunter2-very-secret" in good.secrets
    assert "hunter2-very-secret" not in repr(good.raw)

    from daskflow.config import IntSource

    @solid(config_schema={"port": IntSource})
    def listen(_):
        return 1

    @pipeline
    def q():
        listen()

    with pytest.raises(DaskflowConfigError) as info:
        resolve_run_config(q, {"solids": {"listen": {"config": {"port": {"env": "DB_PORT"}}}}})
    assert "hunter3" not in str(info.value)
    assert "DB_PORT" in str(info.value)


def test_json_schema_accepts_the_yaml_and_rejects_typos(cereal_module):
    schema = run_config_json_schema(cereal_module.compute_top_quartile_pipeline, "local")
    jsonschema.validate(CEREAL_CONFIG, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**CEREAL_CONFIG, "solidz": {}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        bad = {
            **CEREAL_CONFIG,
            "solids": {
                "add_sugar_per_cup": {
                    "config": {"delay": "abc"},
                    "inputs": CEREAL_CONFIG["solids"]["add_sugar_per_cup"]["inputs"],
                }
            },
        }
        jsonschema.validate(bad, schema)
    assert "add_sugar_per_cup" in schema["properties"]["solids"]["properties"]


def test_inputs_with_defaults_are_optional_and_scalars_load_from_config():
    @solid
    def greet(_, name: str, punctuation: str = "!") -> str:
        return f"hello {name}{punctuation}"

    @pipeline
    def p():
        greet()

    missing = validate_run_config(p, {})
    assert [e.path_str for e in missing.errors] == ["solids"]
    ok = resolve_run_config(p, {"solids": {"greet": {"inputs": {"name": "ann"}}}})
    assert ok.input_config("greet", "name") == "ann"
    assert ok.input_config("greet", "punctuation") is None


def test_unused_resources_are_not_in_the_schema():
    @resource(config_schema={"x": int})
    def unused(_):
        return 1

    @solid
    def s(_):
        return 1

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"unused": unused})])
    def p():
        s()

    assert validate_run_config(p, {}).success


def test_empty_yaml_entries_mean_no_keys(cereal_module):
    import yaml

    text = """
solids:
  add_sugar_per_cup:
    inputs:
      cereals:
        csv: {path: data/cereal.csv}
execution:
  in_process:
"""
    resolved = resolve_run_config(
        cereal_module.compute_top_quartile_pipeline, yaml.safe_load(text), "test"
    )
    assert resolved.execution == {"in_process": {}}
