"""What a solid's context offers beyond config/resources/log: Dagster's pipeline, mode,
solid, run config and tag accessors."""

from __future__ import annotations

from daskflow import (
    Field,
    ModeDefinition,
    StringSource,
    execute_pipeline,
    pipeline,
    solid,
)

seen: dict[str, object] = {}


@solid(config_schema={"token": Field(StringSource)})
def inspect(context):
    seen["pipeline"] = context.pipeline_def.name
    seen["mode"] = context.mode_def.name
    seen["solid"] = context.solid.name
    seen["run_config"] = context.run_config
    seen["has_team"] = context.has_tag("team")
    seen["team"] = context.get_tag("team")
    seen["missing"] = context.get_tag("nope")
    seen["tags"] = context.tags
    return 1


@pipeline(
    mode_defs=[ModeDefinition("dev")],
    tags={"owner": "data"},
)
def inspected():
    inspect()


def test_context_exposes_pipeline_mode_solid_run_config_and_tags(monkeypatch):
    monkeypatch.setenv("DASKFLOW_TEST_TOKEN", "s3cr3t-value")
    config = {
        "solids": {"inspect": {"config": {"token": {"env": "DASKFLOW_TEST_TOKEN"}}}},
        "execution": {"in_process": {}},
    }
    result = execute_pipeline(inspected, config, mode="dev", tags={"team": "blue"})
    assert result.success
    assert seen["pipeline"] == "inspected"
    assert seen["mode"] == "dev"
    assert seen["solid"] == "inspect"
    assert seen["has_team"] is True and seen["team"] == "blue" and seen["missing"] is None
    assert seen["tags"]["owner"] == "data" and seen["tags"]["team"] == "blue"
    # the run config as given: the env source, never the secret value
    assert seen["run_config"]["solids"]["inspect"]["config"]["token"] == {
        "env": "DASKFLOW_TEST_TOKEN"
    }
    assert "s3cr3t-value" not in repr(seen["run_config"])
