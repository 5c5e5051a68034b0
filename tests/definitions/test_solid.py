import pytest

from daskflow import (
    Field,
    InputDefinition,
    OutputDefinition,
    RetryPolicy,
    SolidDefinition,
    solid,
)
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.types import DataFrame


def test_bare_decorator_infers_inputs_and_output_from_annotations():
    @solid
    def filter_below_cutoff(_, cereals: DataFrame, cutoff: float) -> DataFrame:
        return cereals[cereals["sugar_per_cup"] > cutoff]

    assert isinstance(filter_below_cutoff, SolidDefinition)
    assert filter_below_cutoff.name == "filter_below_cutoff"
    assert [(i.name, i.daskflow_type.name) for i in filter_below_cutoff.input_defs] == [
        ("cereals", "PandasDataFrame"),
        ("cutoff", "Float"),
    ]
    assert [(o.name, o.daskflow_type.name) for o in filter_below_cutoff.output_defs] == [
        ("result", "PandasDataFrame")
    ]
    assert filter_below_cutoff.has_context_arg


def test_without_context_param_every_parameter_is_an_input():
    @solid
    def add(a: int, b: int = 2) -> int:
        return a + b

    assert not add.has_context_arg
    assert [i.name for i in add.input_defs] == ["a", "b"]
    assert add.input_defs[1].default_value == 2 and add.input_defs[1].has_default
    assert not add.input_defs[0].has_default


def test_context_param_named_context_is_skipped():
    @solid
    def f(context, x):
        return x

    assert f.has_context_arg and [i.name for i in f.input_defs] == ["x"]
    assert f.input_defs[0].daskflow_type.name == "Any"


def test_decorator_arguments_are_kept():
    policy = RetryPolicy(max_retries=2, delay=0.5)

    @solid(
        name="renamed",
        description="desc",
        config_schema={"n": Field(int, default_value=3)},
        required_resource_keys={"lake", "db"},
        tags={"team": "data"},
        retry_policy=policy,
    )
    def original(context):
        return context

    assert original.name == "renamed"
    assert original.description == "desc"
    assert original.config_field.config_type.fields["n"].default_value == 3
    assert original.required_resource_keys == frozenset({"lake", "db"})
    assert original.tags == {"team": "data"}
    assert original.retry_policy is policy


def test_docstring_is_the_default_description():
    @solid
    def documented(_):
        """Does a thing."""

    assert documented.description == "Does a thing."


def test_explicit_defs_must_match_parameters():
    with pytest.raises(DaskflowInvalidDefinitionError, match="parameter.*b.*no InputDefinition"):

        @solid(input_defs=[InputDefinition("a")])
        def f(_, a, b):
            pass

    with pytest.raises(DaskflowInvalidDefinitionError, match="no such parameter"):

        @solid(input_defs=[InputDefinition("a"), InputDefinition("zzz")])
        def g(_, a):
            pass


def test_explicit_defs_with_kwargs_accept_any_inputs():
    @solid(
        input_defs=[InputDefinition("a", int), InputDefinition("b", str)],
        output_defs=[OutputDefinition(int, "x"), OutputDefinition(str, "y")],
    )
    def f(_, **inputs):
        yield from ()

    assert [i.daskflow_type.name for i in f.input_defs] == ["Int", "String"]
    assert [o.name for o in f.output_defs] == ["x", "y"]


def test_generator_solid_defaults_to_one_any_output():
    @solid
    def gen(_) -> int:
        yield 1

    assert gen.is_generator
    assert [(o.name, o.daskflow_type.name) for o in gen.output_defs] == [("result", "Any")]


def test_duplicate_output_names_are_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match="output 'a' twice"):

        @solid(output_defs=[OutputDefinition(name="a"), OutputDefinition(name="a")])
        def f(_):
            pass


@pytest.mark.parametrize("bad", ["has-dash", "has.dot", "1starts_with_digit", ""])
def test_invalid_names_are_rejected(bad):
    with pytest.raises(DaskflowInvalidDefinitionError, match="invalid solid name"):

        @solid(name=bad)
        def f(_):
            pass


def test_varargs_are_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match=r"\*args is not supported"):

        @solid
        def f(_, *args):
            pass


def test_direct_call_outside_a_pipeline_runs_the_function():
    @solid
    def double(_, x: int) -> int:
        return 2 * x

    assert double(None, 21) == 42


def test_bad_retry_policy_and_config_schema_are_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match="RetryPolicy"):

        @solid(retry_policy=3)
        def f(_):
            pass

    with pytest.raises(DaskflowInvalidDefinitionError):

        @solid(config_schema=object())
        def g(_):
            pass


def test_string_annotations_are_resolved():
    from tests.definitions import future_annotated

    solid_def = future_annotated.typed_later
    assert [i.daskflow_type.name for i in solid_def.input_defs] == ["Int", "String"]
    assert solid_def.output_defs[0].daskflow_type.name == "Float"
