import pytest

from daskflow import (
    DaskflowConfigError,
    Field,
    ModeDefinition,
    PresetDefinition,
    ResourceDefinition,
    build_resources,
    resource,
)
from daskflow.errors import DaskflowInvalidDefinitionError, DaskflowResourceError


def test_resource_config_is_validated_with_defaults():
    @resource(config_schema={"root_dir": str, "fmt": Field(str, default_value="parquet")})
    def lake(init_context):
        return dict(init_context.resource_config)

    with build_resources({"lake": lake}, {"lake": {"config": {"root_dir": "/tmp/x"}}}) as res:
        assert res.lake == {"root_dir": "/tmp/x", "fmt": "parquet"}

    with pytest.raises(DaskflowConfigError) as info, build_resources({"lake": lake}, {}):
        pass
    assert "resources.lake.config" in str(info.value)


def test_generator_teardown_runs_after_success_and_failure():
    log = []

    @resource
    def tracked(_):
        log.append("up")
        yield "value"
        log.append("down")  # no try/finally: daskflow still runs this on failure

    with build_resources({"t": tracked}) as res:
        assert res.t == "value"
    assert log == ["up", "down"]

    with pytest.raises(RuntimeError), build_resources({"t": tracked}):
        raise RuntimeError("step failed")
    assert log == ["up", "down", "up", "down"]


def test_dependencies_are_initialised_first_and_torn_down_last():
    order = []

    @resource
    def base(_):
        order.append("base up")
        yield "base"
        order.append("base down")

    @resource(required_resource_keys={"base"})
    def client(init_context):
        order.append("client up")
        yield f"client of {init_context.resources.base}"
        order.append("client down")

    with build_resources({"client": client, "base": base}, keys=["client"]) as res:
        assert res.client == "client of base"
    assert order == ["base up", "client up", "client down", "base down"]


def test_init_failure_names_the_resource_and_tears_down_the_rest():
    torn = []

    @resource
    def ok(_):
        yield 1
        torn.append("ok")

    @resource
    def broken(_):
        raise ValueError("no credentials")

    expected = 'resource "zz_broken" failed to initialise: ValueError: no credentials'
    with (
        pytest.raises(DaskflowResourceError, match=expected),
        build_resources({"a_ok": ok, "zz_broken": broken}),
    ):
        pass
    assert torn == ["ok"]


def test_hardcoded_and_none_resources():
    with build_resources(
        {"h": ResourceDefinition.hardcoded_resource(42), "n": ResourceDefinition.none_resource()}
    ) as res:
        assert (res.h, res.n) == (42, None)


def test_resource_cycles_and_missing_dependencies_are_definition_errors():
    @resource(required_resource_keys={"b"})
    def a(_):
        return 1

    @resource(required_resource_keys={"a"})
    def b(_):
        return 2

    with (
        pytest.raises(DaskflowInvalidDefinitionError, match="cycle"),
        build_resources({"a": a, "b": b}),
    ):
        pass
    with (
        pytest.raises(DaskflowInvalidDefinitionError, match="requires resource 'b'"),
        build_resources({"a": a}),
    ):
        pass


def test_mode_requires_resource_definitions():
    with pytest.raises(DaskflowInvalidDefinitionError, match="must be a ResourceDefinition"):
        ModeDefinition("m", {"lake": object()})


def test_preset_from_files_merges_yaml(tmp_path):
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text("solids:\n  s:\n    config: {x: 1, y: 2}\n")
    second.write_text("solids:\n  s:\n    config: {y: 3}\n")
    preset = PresetDefinition.from_files("p", [first, second], mode="local")
    assert preset.run_config == {"solids": {"s": {"config": {"x": 1, "y": 3}}}}
    assert preset.mode == "local"
    with pytest.raises(DaskflowInvalidDefinitionError, match="not found"):
        PresetDefinition.from_files("p", [tmp_path / "missing.yaml"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    with pytest.raises(DaskflowInvalidDefinitionError, match="mapping at the top"):
        PresetDefinition.from_files("p", [bad])
