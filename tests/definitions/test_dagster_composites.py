"""Composite solids as in Dagster 0.9: inputs from run config and defaults, config_fn
with or without a schema, a single returned handle mapped, unused inputs rejected."""

from __future__ import annotations

import pytest

from daskflow import (
    DaskflowConfigMappingFunctionError,
    Field,
    InputDefinition,
    Int,
    OutputDefinition,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
    solid,
)
from daskflow.errors import DaskflowConfigError, DaskflowInvalidDefinitionError
from daskflow.run_config import validate_run_config

IN_PROCESS = {"execution": {"in_process": {}}}


@lambda_solid(input_defs=[InputDefinition("x", Int)])
def double(x):
    return 2 * x


@solid(config_schema={"by": int}, input_defs=[InputDefinition("x", Int)])
def add_config(context, x):
    return x + context.solid_config["by"]


def test_a_composite_input_is_set_from_run_config():
    @composite_solid(input_defs=[InputDefinition("num", Int)])
    def quadruple(num):
        return double(double(num))

    @pipeline
    def p():
        quadruple()

    config = {**IN_PROCESS, "solids": {"quadruple": {"inputs": {"num": 3}}}}
    assert execute_pipeline(p, config).output_for_solid("quadruple") == 12
    with pytest.raises(DaskflowConfigError, match="quadruple:\n +inputs:\n +num"):
        execute_pipeline(p, IN_PROCESS)


def test_a_composite_input_default_is_used_when_nothing_sets_it():
    @composite_solid(input_defs=[InputDefinition("num", Int, default_value=5)])
    def twice(num):
        return double(num)

    @pipeline
    def p():
        twice()

    assert execute_pipeline(p, IN_PROCESS).output_for_solid("twice") == 10
    config = {**IN_PROCESS, "solids": {"twice": {"inputs": {"num": 1}}}}
    assert execute_pipeline(p, config).output_for_solid("twice") == 2


def test_a_parent_config_fn_sets_an_inner_composite_input():
    @composite_solid(input_defs=[InputDefinition("num", Int)])
    def inner(num):
        return double(num)

    @composite_solid(
        config_schema={"start": int},
        config_fn=lambda cfg: {"inner": {"inputs": {"num": cfg["start"]}}},
    )
    def outer():
        return inner()

    @pipeline
    def p():
        outer()

    config = {**IN_PROCESS, "solids": {"outer": {"config": {"start": 4}}}}
    assert execute_pipeline(p, config).output_for_solid("outer") == 8


def test_config_fn_without_config_schema_takes_any_config():
    seen = []

    def mapping(config):
        seen.append(config)
        return {"add_config": {"config": {"by": 1}}}

    @composite_solid(input_defs=[InputDefinition("x", Int)], config_fn=mapping)
    def plus_one(x):
        return add_config(x)

    @pipeline
    def p():
        plus_one(double())

    # The composite's input x is connected to double: it is double's input that is set.
    config = {**IN_PROCESS, "solids": {"double": {"inputs": {"x": 2}}}}
    assert execute_pipeline(p, config).output_for_solid("plus_one") == 5
    assert seen == [{}]


def test_a_single_returned_handle_maps_to_the_one_declared_output():
    @composite_solid(
        input_defs=[InputDefinition("x", Int)], output_defs=[OutputDefinition(Int, "doubled")]
    )
    def named(x):
        return double(x)

    assert [o.name for o in named.output_defs] == ["doubled"]

    @lambda_solid(input_defs=[InputDefinition("v", Int)])
    def show(v):
        return v

    @pipeline
    def p():
        show(named())

    config = {**IN_PROCESS, "solids": {"named": {"inputs": {"x": 21}}}}
    assert execute_pipeline(p, config).output_for_solid("show") == 42


def test_an_unused_composite_input_is_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match="unmapped input.*unused"):

        @composite_solid(input_defs=[InputDefinition("x", Int), InputDefinition("unused", Int)])
        def c(x, unused):
            return double(x)


def test_a_raising_config_fn_raises_its_own_error():
    def broken(_config):
        raise KeyError("nope")

    @composite_solid(config_schema={"a": int}, config_fn=broken)
    def c():
        return add_config.alias("inner")(double())

    @pipeline
    def p():
        c()

    with pytest.raises(DaskflowConfigMappingFunctionError, match="KeyError") as info:
        validate_run_config(p, {"solids": {"c": {"config": {"a": 1}}}})
    assert isinstance(info.value.__cause__, KeyError)


def test_dagster_08_style_config_fn_taking_a_context_still_works():
    @composite_solid(
        input_defs=[InputDefinition("x", Int)],
        config_schema={"by": Field(int, default_value=7)},
        config_fn=lambda _context, cfg: {"add_config": {"config": {"by": cfg["by"]}}},
    )
    def plus(x):
        return add_config(x)

    @pipeline
    def p():
        plus()

    config = {**IN_PROCESS, "solids": {"plus": {"inputs": {"x": 1}}}}
    assert execute_pipeline(p, config).output_for_solid("plus") == 8
