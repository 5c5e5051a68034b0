"""Flattening composites whose outputs pass an input straight through, in the decorator and
explicit forms: the consumer is fed by whatever feeds the composite input (an upstream
solid, run config at the composite, or the input's default), through nesting too."""

from __future__ import annotations

import pytest

from daskflow import (
    CompositeSolidDefinition,
    DependencyDefinition,
    InputDefinition,
    Int,
    OutputDefinition,
    PipelineDefinition,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
)
from daskflow.errors import DaskflowConfigError

IN_PROCESS = {"execution": {"in_process": {}}}


@lambda_solid(input_defs=[InputDefinition("num", Int)], output_def=OutputDefinition(Int))
def add_one(num):
    return num + 1


@lambda_solid(output_def=OutputDefinition(Int))
def seven():
    return 7


@lambda_solid(input_defs=[InputDefinition("value", Int)])
def show(value):
    return value


@composite_solid(
    input_defs=[InputDefinition("x", Int)],
    output_defs=[OutputDefinition(Int, "same"), OutputDefinition(Int, "plus")],
)
def decorated(x):
    return {"same": x, "plus": add_one(x)}


explicit = CompositeSolidDefinition(
    "explicit",
    [add_one],
    input_mappings=[InputDefinition("x", Int).mapping_to("add_one", "num")],
    output_mappings=[
        OutputDefinition(Int, "same").mapping_from_input("x"),
        OutputDefinition(Int, "plus").mapping_from("add_one"),
    ],
)

FORMS = pytest.mark.parametrize("composite", [decorated, explicit], ids=["decorated", "explicit"])


@FORMS
def test_a_pass_through_output_is_the_upstream_output(composite):
    @pipeline
    def p():
        same, plus = composite(seven())
        show(same)
        show.alias("show_plus")(plus)

    result = execute_pipeline(p, IN_PROCESS)

    assert p.solid_named("show").inputs["value"][0].node == "seven"
    assert result.output_for_solid("show") == 7
    assert result.output_for_solid("show_plus") == 8
    assert result.output_for_solid(composite.name, "same") == 7
    assert result.result_for_handle(composite.name).output_values == {"same": 7, "plus": 8}


@FORMS
def test_a_pass_through_of_an_input_set_by_run_config_feeds_the_consumer(composite):
    @pipeline
    def p():
        same, _plus = composite()
        show(same)

    config = {**IN_PROCESS, "solids": {composite.name: {"inputs": {"x": 3}}}}
    result = execute_pipeline(p, config)

    assert result.output_for_solid("show") == 3
    assert result.output_for_solid(composite.name, "plus") == 4
    with pytest.raises(DaskflowConfigError, match=f"{composite.name}:\n +inputs:\n +x"):
        execute_pipeline(p, IN_PROCESS)
    with pytest.raises(KeyError, match='output "same" of composite .* is its input "x", which no'):
        result.output_for_solid(composite.name, "same")


def test_a_pass_through_only_composite_takes_its_input_from_run_config_or_its_default():
    @composite_solid(input_defs=[InputDefinition("x", Int, default_value=5)])
    def identity(x):
        return x

    @pipeline
    def p():
        show(identity())

    assert p.graph.node_names == ["show"]
    assert execute_pipeline(p, IN_PROCESS).output_for_solid("show") == 5
    config = {**IN_PROCESS, "solids": {"identity": {"inputs": {"x": 9}}}}
    assert execute_pipeline(p, config).output_for_solid("show") == 9


def test_pass_through_composes_across_nested_composites():
    @composite_solid(input_defs=[InputDefinition("x", Int)])
    def inner(x):
        return x

    outer = CompositeSolidDefinition(
        "outer",
        [inner, add_one],
        input_mappings=[InputDefinition("y", Int).mapping_to("inner", "x")],
        output_mappings=[
            OutputDefinition(Int, "through").mapping_from("inner"),
            OutputDefinition(Int, "plus").mapping_from("add_one"),
        ],
        dependencies={"add_one": {"num": DependencyDefinition("inner")}},
    )
    p = PipelineDefinition(
        [seven, outer, show],
        name="p",
        dependencies={
            "outer": {"y": DependencyDefinition("seven")},
            "show": {"value": DependencyDefinition("outer", "through")},
        },
    )

    result = execute_pipeline(p, IN_PROCESS)

    assert result.output_for_solid("show") == 7
    assert result.output_for_solid("outer", "plus") == 8
    assert result.output_for_solid("outer", "through") == 7
    assert result.result_for_handle("outer.inner").output_value() == 7
