import pytest

from daskflow import Field, composite_solid, pipeline, solid, validate_run_config
from daskflow.errors import DaskflowInvalidDefinitionError


@solid(config_schema={"factor": int})
def scale(context, x: int) -> int:
    return x * context.solid_config["factor"]


@solid
def one(_) -> int:
    return 1


def test_composite_flattens_with_prefixed_names_and_mapped_io():
    @composite_solid
    def scale_twice(x: int):
        return scale.alias("second")(scale(x))

    @pipeline
    def p():
        scale.alias("after")(scale_twice(one()))

    assert p.graph.node_names == ["one", "scale_twice.scale", "scale_twice.second", "after"]
    assert [str(r) for r in p.solid_named("scale_twice.scale").inputs["x"]] == ["one.result"]
    assert [str(r) for r in p.solid_named("after").inputs["x"]] == ["scale_twice.second.result"]
    assert p.solid_named("scale_twice.second").handle == ("scale_twice", "second")


def test_config_without_mapping_is_nested_under_solids():
    @composite_solid
    def wrapped(x: int):
        return scale(x)

    @pipeline
    def p():
        wrapped(one())

    config = {"solids": {"wrapped": {"solids": {"scale": {"config": {"factor": 3}}}}}}
    result = validate_run_config(p, config)
    assert result.success, result.errors
    assert result.resolved.solid_config("wrapped.scale") == {"factor": 3}


def test_config_mapping_fills_inner_config():
    @composite_solid(
        config_schema={"f": Field(int, default_value=2)},
        config_fn=lambda cfg: {"scale": {"config": {"factor": cfg["f"] * 10}}},
    )
    def mapped(x: int):
        return scale(x)

    @pipeline
    def p():
        mapped(one())

    result = validate_run_config(p, {"solids": {"mapped": {"config": {"f": 4}}}})
    assert result.success, result.errors
    assert result.resolved.solid_config("mapped.scale") == {"factor": 40}
    assert validate_run_config(p, {}).resolved.solid_config("mapped.scale") == {"factor": 20}


def test_bad_config_mapping_output_is_reported_with_its_path():
    @composite_solid(
        config_schema={"f": int}, config_fn=lambda cfg: {"scale": {"config": {"factor": "oops"}}}
    )
    def broken(x: int):
        return scale(x)

    @pipeline
    def p():
        broken(one())

    result = validate_run_config(p, {"solids": {"broken": {"config": {"f": 1}}}})
    assert not result.success
    assert 'config_fn of composite solid "broken"' in str(result.errors[0])
    assert result.errors[0].path_str.startswith("solids.broken.config")


def test_nested_composites_and_passthrough_outputs():
    @composite_solid
    def inner(x: int):
        return {"scaled": scale(x), "same": x}

    @composite_solid
    def outer(x: int):
        return inner(x)

    @pipeline
    def p():
        r = outer(one())
        scale.alias("use_same")(r.same)
        scale.alias("use_scaled")(r.scaled)

    assert [o.name for o in outer.output_defs] == ["scaled", "same"]
    assert "outer.inner.scale" in p.graph.node_names
    assert [str(r) for r in p.solid_named("use_same").inputs["x"]] == ["one.result"]
    assert [str(r) for r in p.solid_named("use_scaled").inputs["x"]] == ["outer.inner.scale.result"]
    config = {
        "solids": {
            "outer": {"solids": {"inner": {"solids": {"scale": {"config": {"factor": 2}}}}}},
            "use_same": {"config": {"factor": 1}},
            "use_scaled": {"config": {"factor": 1}},
        }
    }
    result = validate_run_config(p, config)
    assert result.success, result.errors
    assert result.resolved.solid_config("outer.inner.scale") == {"factor": 2}


def test_composite_config_schema_needs_a_config_fn():
    with pytest.raises(DaskflowInvalidDefinitionError, match="config_schema needs a config_fn"):

        @composite_solid(config_schema={"a": int})
        def c(x):
            return scale(x)


def test_composite_body_must_return_handles():
    with pytest.raises(DaskflowInvalidDefinitionError, match="must return a solid's output"):

        @composite_solid
        def c(x):
            return 5


def test_composite_called_outside_a_body_fails():
    @composite_solid
    def c(x: int):
        return scale(x)

    with pytest.raises(DaskflowInvalidDefinitionError, match="only be called inside"):
        c(1)
