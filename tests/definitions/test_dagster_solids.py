"""Dagster 0.9 solid semantics: the context parameter, ``@lambda_solid``, Dagster's
constructor signatures, names and docstrings kept."""

from __future__ import annotations

import pytest

from daskflow import (
    DependencyDefinition,
    InputDefinition,
    Int,
    MultiDependencyDefinition,
    Nothing,
    OutputDefinition,
    PipelineDefinition,
    SolidDefinition,
    SolidInvocation,
    execute_pipeline,
    execute_solid,
    lambda_solid,
    pipeline,
    solid,
)
from daskflow.errors import DaskflowInvalidDefinitionError

IN_PROCESS = {"execution": {"in_process": {}}}


@pytest.mark.parametrize("param", ["context", "_", "_context", "ctx", "info", "c"])
def test_the_first_parameter_is_the_context_whatever_its_name(param):
    namespace: dict = {}
    exec(f"def hello({param}):\n    return {param}.solid_name", namespace)
    hello = solid(namespace["hello"])
    assert hello.has_context_arg and hello.input_defs == ()

    @pipeline
    def p():
        hello()

    assert execute_pipeline(p, IN_PROCESS).output_for_solid("hello") == "hello"


def test_context_named_anything_with_explicit_input_defs():
    @solid(input_defs=[InputDefinition("num", Int)])
    def add_one(_context, num):
        return num + 1

    assert [i.name for i in add_one.input_defs] == ["num"]
    assert execute_solid(add_one, input_values={"num": 1}).output_value() == 2


def test_an_annotated_or_defaulted_first_parameter_is_an_input():
    @solid
    def add(a: int, b: int = 2) -> int:
        return a + b

    @solid
    def echo(x=1):
        return x

    assert not add.has_context_arg and not echo.has_context_arg
    assert [i.name for i in echo.input_defs] == ["x"]


def test_lambda_solid_has_no_context_and_one_output():
    @lambda_solid
    def two():
        return 2

    @lambda_solid(input_defs=[InputDefinition("x", Int)], output_def=OutputDefinition(Int))
    def double(x):
        return 2 * x

    @pipeline
    def p():
        double(two())

    assert double.output_defs[0].daskflow_type is Int
    assert execute_pipeline(p, IN_PROCESS).output_for_solid("double") == 4
    assert double(3) == 6  # outside a pipeline body it is the function


def test_lambda_solid_rejects_generators():
    with pytest.raises(DaskflowInvalidDefinitionError, match="lambda solid"):

        @lambda_solid
        def gen():
            yield 1


def test_decorated_solids_keep_name_and_docstring():
    @solid
    def documented(_):
        """Says hello."""

    @lambda_solid
    def plain():
        """Plain."""

    assert documented.__name__ == "documented" and documented.__doc__ == "Says hello."
    assert plain.__name__ == "plain" and plain.__doc__ == "Plain."
    assert documented.description == "Says hello."


def test_solid_definition_takes_dagster_positional_arguments():
    def compute(context, inputs):
        yield daskflow_output(inputs["x"] * 10)

    times_ten = SolidDefinition(
        "times_ten", [InputDefinition("x", Int)], compute, [OutputDefinition(Int)]
    )
    assert execute_solid(times_ten, input_values={"x": 4}).output_value() == 40


def daskflow_output(value):
    from daskflow import Output

    return Output(value)


def test_solid_decorator_takes_dagster_positional_arguments():
    @solid("renamed", "a description", [InputDefinition("x", Int)], [OutputDefinition(Int)])
    def original(_, x):
        return x

    assert original.name == "renamed" and original.description == "a description"


def test_a_nothing_input_must_not_be_a_parameter():
    with pytest.raises(DaskflowInvalidDefinitionError, match="type Nothing"):

        @solid(input_defs=[InputDefinition("after", Nothing)])
        def wrong(_, after):
            return 1


@lambda_solid
def one():
    return 1


@lambda_solid
def add(a, b):
    return a + b


@lambda_solid(input_defs=[InputDefinition("nums", list)])
def total(nums):
    return sum(nums)


def test_pipeline_definition_with_aliases_and_fan_in_without_the_dsl():
    p = PipelineDefinition(
        [one, add, total],
        "explicit",
        dependencies={
            SolidInvocation("one", alias="first"): {},
            SolidInvocation("one", alias="second"): {},
            SolidInvocation("add", alias="sum", tags={"team": "a"}): {
                "a": DependencyDefinition("first"),
                "b": DependencyDefinition("second"),
            },
            "total": {
                "nums": MultiDependencyDefinition(
                    [DependencyDefinition("first"), DependencyDefinition("sum")]
                )
            },
        },
    )
    assert sorted(p.graph.node_names) == ["first", "second", "sum", "total"]
    assert p.solid_named("sum").tags == {"team": "a"}
    result = execute_pipeline(p, IN_PROCESS)
    assert result.output_for_solid("sum") == 2
    assert result.output_for_solid("total") == 3


def test_pipeline_definition_name_is_optional():
    p = PipelineDefinition(solid_defs=[one])
    assert p.name == "__pipeline__"
    assert execute_pipeline(p, IN_PROCESS).output_for_solid("one") == 1


def test_a_nothing_output_cannot_feed_a_value_input():
    @solid(output_defs=[OutputDefinition(Nothing)])
    def start(_):
        pass

    @lambda_solid(input_defs=[InputDefinition("x", Int)])
    def use(x):
        return x

    with pytest.raises(DaskflowInvalidDefinitionError, match="of type Nothing"):
        PipelineDefinition([start, use], dependencies={"use": {"x": DependencyDefinition("start")}})


def test_nothing_dependencies_order_solids():
    seen = []

    @solid(output_defs=[OutputDefinition(Nothing)])
    def first(_):
        seen.append("first")

    @solid(input_defs=[InputDefinition("after", Nothing)])
    def second(_):
        seen.append("second")
        return len(seen)

    @pipeline
    def p():
        second(first())

    assert execute_pipeline(p, IN_PROCESS).output_for_solid("second") == 2
    assert seen == ["first", "second"]
