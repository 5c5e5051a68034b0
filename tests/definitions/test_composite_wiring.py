"""Composites built as in Dagster 0.9: ``CompositeSolidDefinition(name, solid_defs,
input_mappings, output_mappings, config_mapping, dependencies, ...)``, run for real, and the
definition errors of the explicit form (each naming the composite, solid and input/output)."""

from __future__ import annotations

import pytest

from daskflow import (
    CompositeSolidDefinition,
    ConfigMapping,
    DependencyDefinition,
    Field,
    InputDefinition,
    Int,
    MultiDependencyDefinition,
    OutputDefinition,
    PipelineDefinition,
    SolidInvocation,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
    solid,
)
from daskflow.errors import DaskflowConfigError, DaskflowInvalidDefinitionError
from daskflow.types import DaskflowType

IN_PROCESS = {"execution": {"in_process": {}}}


@lambda_solid(input_defs=[InputDefinition("num", Int)], output_def=OutputDefinition(Int))
def add_one(num):
    return num + 1


@solid(config_schema={"by": int}, input_defs=[InputDefinition("num", Int)])
def multiply(context, num):
    return num * context.solid_config["by"]


@lambda_solid(input_defs=[InputDefinition("nums", list)])
def total(nums):
    return sum(nums)


def add_two() -> CompositeSolidDefinition:
    """Dagster 0.9's own docstring example."""
    return CompositeSolidDefinition(
        "add_two",
        solid_defs=[add_one],
        dependencies={
            SolidInvocation("add_one", "adder_1"): {},
            SolidInvocation("add_one", "adder_2"): {"num": DependencyDefinition("adder_1")},
        },
        input_mappings=[InputDefinition("num", Int).mapping_to("adder_1", "num")],
        output_mappings=[OutputDefinition(Int).mapping_from("adder_2")],
    )


def test_an_explicit_composite_runs_with_its_input_from_run_config():
    composite = add_two()
    assert [i.name for i in composite.input_defs] == ["num"]
    assert [o.name for o in composite.output_defs] == ["result"]
    p = PipelineDefinition([composite], name="p")

    result = execute_pipeline(p, {**IN_PROCESS, "solids": {"add_two": {"inputs": {"num": 3}}}})

    assert result.output_for_solid("add_two") == 5
    assert result.result_for_handle("add_two.adder_2").output_value() == 5
    assert p.graph.node_names == ["add_two.adder_1", "add_two.adder_2"]


def test_an_explicit_composite_is_wired_by_a_pipeline_and_called_in_a_body():
    @lambda_solid(output_def=OutputDefinition(Int))
    def ten():
        return 10

    composite = add_two()
    wiring = {"add_two": {"num": DependencyDefinition("ten")}}
    explicit = PipelineDefinition([ten, composite], name="explicit", dependencies=wiring)

    @pipeline
    def traced():
        add_one.alias("last")(composite(ten()))

    assert execute_pipeline(explicit, IN_PROCESS).output_for_solid("add_two") == 12
    assert execute_pipeline(traced, IN_PROCESS).output_for_solid("last") == 13


def test_one_composite_input_feeds_several_inner_inputs_and_fan_in():
    composite = CompositeSolidDefinition(
        "sum_both",
        [add_one, total],
        input_mappings=[
            InputDefinition("n", Int).mapping_to("first", "num"),
            InputDefinition("n", Int).mapping_to("second", "num"),
        ],
        output_mappings=[OutputDefinition(Int, "sum").mapping_from("total")],
        dependencies={
            SolidInvocation("add_one", "first"): {},
            SolidInvocation("add_one", "second"): {},
            "total": {
                "nums": MultiDependencyDefinition(
                    [DependencyDefinition("first"), DependencyDefinition("second")]
                )
            },
        },
    )
    p = PipelineDefinition([composite], name="p")

    result = execute_pipeline(p, {**IN_PROCESS, "solids": {"sum_both": {"inputs": {"n": 4}}}})

    assert [i.name for i in composite.input_defs] == ["n"]
    assert result.output_for_solid("sum_both", "sum") == 10


def test_config_mapping_maps_the_composite_config_onto_inner_solids():
    composite = CompositeSolidDefinition(
        "scaled",
        [add_one, multiply],
        input_mappings=[InputDefinition("num", Int).mapping_to("add_one", "num")],
        output_mappings=[OutputDefinition(Int).mapping_from("multiply")],
        config_mapping=ConfigMapping(
            config_fn=lambda cfg: {"multiply": {"config": {"by": cfg["factor"] * 10}}},
            config_schema={"factor": Field(int, default_value=1)},
        ),
        dependencies={"multiply": {"num": DependencyDefinition("add_one")}},
    )
    p = PipelineDefinition([composite], name="p")
    inputs = {"inputs": {"num": 1}}

    configured = {"solids": {"scaled": {**inputs, "config": {"factor": 3}}}}
    assert execute_pipeline(p, {**IN_PROCESS, **configured}).output_for_solid("scaled") == 60
    by_default = {"solids": {"scaled": inputs}}
    assert execute_pipeline(p, {**IN_PROCESS, **by_default}).output_for_solid("scaled") == 20
    with pytest.raises(DaskflowConfigError, match="factor"):
        bad = {"solids": {"scaled": {**inputs, "config": {"factor": "x"}}}}
        execute_pipeline(p, {**IN_PROCESS, **bad})


def test_configured_works_on_an_explicit_composite_with_config_mapping():
    composite = CompositeSolidDefinition(
        "scaled",
        [multiply],
        input_mappings=[InputDefinition("num", Int).mapping_to("multiply", "num")],
        output_mappings=[OutputDefinition(Int).mapping_from("multiply")],
        config_mapping=ConfigMapping(lambda cfg: {"multiply": {"config": cfg}}, {"by": int}),
    )
    by_seven = composite.configured({"by": 7}, name="by_seven")
    p = PipelineDefinition([by_seven], name="p")

    config = {**IN_PROCESS, "solids": {"by_seven": {"inputs": {"num": 2}}}}
    assert execute_pipeline(p, config).output_for_solid("by_seven") == 14
    assert by_seven.name == "by_seven" and composite.name == "scaled"


def test_explicit_composites_nest_and_map_an_inner_composite_output():
    inner = add_two()
    outer = CompositeSolidDefinition(
        "add_three",
        [inner, add_one],
        input_mappings=[InputDefinition("start", Int).mapping_to("add_two", "num")],
        output_mappings=[
            OutputDefinition(Int, "plus_two").mapping_from("add_two"),
            OutputDefinition(Int, "plus_three").mapping_from("add_one"),
        ],
        dependencies={"add_one": {"num": DependencyDefinition("add_two")}},
    )

    @pipeline
    def p():
        outer()

    result = execute_pipeline(p, {**IN_PROCESS, "solids": {"add_three": {"inputs": {"start": 1}}}})

    assert result.output_for_solid("add_three", "plus_two") == 3
    assert result.output_for_solid("add_three", "plus_three") == 4
    assert "add_three.add_two.adder_1" in p.graph.node_names


def test_an_explicit_composite_nests_in_a_decorated_one_and_vice_versa():
    @composite_solid
    def decorated(num: int):
        return add_one(num)

    explicit = CompositeSolidDefinition(
        "explicit",
        [decorated],
        input_mappings=[InputDefinition("n", Int).mapping_to("decorated", "num")],
        output_mappings=[OutputDefinition(Int).mapping_from("decorated")],
    )

    @composite_solid
    def outermost(n: int):
        return explicit(n)

    @pipeline
    def p():
        outermost()

    config = {**IN_PROCESS, "solids": {"outermost": {"inputs": {"n": 5}}}}
    assert execute_pipeline(p, config).output_for_solid("outermost") == 6


def test_positional_inputs_order_a_call_in_a_body():
    @lambda_solid(input_defs=[InputDefinition("a", Int), InputDefinition("b", Int)])
    def minus(a, b):
        return a - b

    composite = CompositeSolidDefinition(
        "minus_c",
        [minus],
        input_mappings=[
            InputDefinition("a", Int).mapping_to("minus", "a"),
            InputDefinition("b", Int).mapping_to("minus", "b"),
        ],
        output_mappings=[OutputDefinition(Int).mapping_from("minus")],
        positional_inputs=["b", "a"],
    )

    @lambda_solid(output_def=OutputDefinition(Int))
    def ten():
        return 10

    @lambda_solid(output_def=OutputDefinition(Int))
    def one():
        return 1

    @pipeline
    def p():
        composite(ten(), one())  # b=10, a=1

    assert execute_pipeline(p, IN_PROCESS).output_for_solid("minus_c") == -9


# -- definition errors: each names the composite, the solid and the input or output --------


def _composite(**kwargs):
    arguments = {
        "input_mappings": [InputDefinition("num", Int).mapping_to("add_one", "num")],
        "output_mappings": [OutputDefinition(Int).mapping_from("add_one")],
        **kwargs,
    }
    return CompositeSolidDefinition("comp", [add_one], **arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"input_mappings": [InputDefinition("num").mapping_to("nope", "num")]},
            r'composite solid "comp": input "num" maps to solid "nope", which is not in the '
            r"composite \(solids: add_one\)",
        ),
        (
            {"input_mappings": [InputDefinition("num").mapping_to("add_one", "nmu")]},
            r'composite solid "comp": input "num" maps to solid "add_one", input "nmu", but the '
            r"solid has no such input; its inputs are: num",
        ),
        (
            {"output_mappings": [OutputDefinition().mapping_from("nope")]},
            r'composite solid "comp": output "result" maps from nope.result, but solid "nope" is '
            r"not in the composite",
        ),
        (
            {"output_mappings": [OutputDefinition().mapping_from("add_one", "total")]},
            r'composite solid "comp": output "result" maps from add_one.total, but solid '
            r'"add_one" has no output "total"; its outputs are: result',
        ),
        (
            {"output_mappings": [OutputDefinition().mapping_from_input("nope")]},
            r"composite solid \"comp\": output \"result\" maps from input 'nope', but the "
            r"composite has no such input",
        ),
        (
            {"input_mappings": [InputDefinition("num")]},
            r'composite solid "comp": input_mappings take InputDefinition\(...\).mapping_to',
        ),
        (
            {"output_mappings": [OutputDefinition()]},
            r'composite solid "comp": output_mappings take OutputDefinition\(...\).mapping_from',
        ),
        (
            {"dependencies": {"nope": {}}},
            r'composite solid "comp": dependencies name solid "nope", which is not in solid_defs',
        ),
        (
            {"positional_inputs": ["other"]},
            r'composite solid "comp": positional_inputs \[\'other\'\] must name its inputs',
        ),
        (
            {"input_defs": [InputDefinition("num")]},
            r'composite solid "comp": input_defs and output_defs go with a body function',
        ),
        (
            {"config_mapping": {"by": int}},
            r'composite solid "comp": config_mapping must be a ConfigMapping',
        ),
    ],
)
def test_a_wrong_mapping_is_a_definition_error_naming_where(kwargs, message):
    with pytest.raises(DaskflowInvalidDefinitionError, match=message):
        _composite(**kwargs)


def test_an_inner_input_fed_twice_is_rejected():
    @lambda_solid(output_def=OutputDefinition(Int))
    def one():
        return 1

    with pytest.raises(
        DaskflowInvalidDefinitionError,
        match=r'composite solid "comp": input "num" maps to solid "add_one", input "num", which '
        r"a dependency \(one.result\) already feeds",
    ):
        CompositeSolidDefinition(
            "comp",
            [one, add_one],
            input_mappings=[InputDefinition("num", Int).mapping_to("add_one", "num")],
            dependencies={"add_one": {"num": DependencyDefinition("one")}},
        )


def test_one_input_name_with_two_definitions_is_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match='input "n" is mapped with two'):
        CompositeSolidDefinition(
            "comp",
            [add_one, multiply],
            input_mappings=[
                InputDefinition("n", Int).mapping_to("add_one", "num"),
                InputDefinition("n", Int, default_value=2).mapping_to("multiply", "num"),
            ],
        )


Opaque = DaskflowType(name="Opaque", type_check_fn=lambda _, value: True)


@lambda_solid(input_defs=[InputDefinition("thing", Opaque)])
def use_thing(thing):
    return thing


def test_an_unmapped_required_inner_input_is_rejected_in_both_forms():
    message = (
        r'composite solid "comp": input "thing" of solid "use_thing" is not mapped from a '
        r'composite input nor fed by another solid, has no default_value, and its type "Opaque" '
        "has no loader"
    )
    with pytest.raises(DaskflowInvalidDefinitionError, match=message):
        CompositeSolidDefinition("comp", [use_thing])
    with pytest.raises(DaskflowInvalidDefinitionError, match=message):

        @composite_solid(name="comp")
        def _body():
            use_thing()


def test_an_unmapped_inner_input_with_a_loader_is_set_under_the_composite():
    composite = CompositeSolidDefinition(
        "comp", [add_one], output_mappings=[OutputDefinition(Int).mapping_from("add_one")]
    )
    p = PipelineDefinition([composite], name="p")

    config = {"solids": {"comp": {"solids": {"add_one": {"inputs": {"num": 41}}}}}}
    assert execute_pipeline(p, {**IN_PROCESS, **config}).output_for_solid("comp") == 42


def test_a_body_with_explicit_only_arguments_is_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match="go with a list of solid_defs"):
        CompositeSolidDefinition(
            "comp", lambda: add_one(), input_mappings=[InputDefinition("n").mapping_to("a", "b")]
        )


def test_a_single_solid_instead_of_a_list_is_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match='got "add_one" alone, put it in a'):
        CompositeSolidDefinition("comp", add_one)


def test_fan_in_index_is_rejected_with_a_way_out():
    with pytest.raises(DaskflowInvalidDefinitionError, match="fan_in_index is not supported"):
        InputDefinition("n").mapping_to("total", "nums", fan_in_index=0)
