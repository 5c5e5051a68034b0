"""Types as Dagster code uses them: Set, Tuple, nesting, keys, type checks using
resources, defaults checked at definition, Nothing misuse, one registration per class."""

from __future__ import annotations

import pytest

from daskflow import (
    DaskflowType,
    InputDefinition,
    Int,
    List,
    ModeDefinition,
    Nothing,
    Optional,
    OutputDefinition,
    ResourceDefinition,
    String,
    TypeCheck,
    execute_pipeline,
    execute_solid,
    pipeline,
    solid,
)
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.types import Set, Tuple, TypeCheckContext, register_python_type

IN_PROCESS = {"execution": {"in_process": {}}}
CTX = TypeCheckContext.empty()


def test_set_and_tuple_types():
    assert Set[Int].type_check(CTX, {1, 2}).success
    assert not Set[Int].type_check(CTX, {1, "a"}).success
    pair = Tuple[Int, String]
    assert pair.display_name == "Tuple[Int, String]"
    assert pair.type_check(CTX, (1, "a")).success
    assert not pair.type_check(CTX, (1, 2)).success
    assert not pair.type_check(CTX, (1,)).success
    assert pair is Tuple[int, str]


def test_python_annotations_of_sets_and_tuples():
    @solid
    def f(_context, s: set[int], t: tuple[int, str]) -> Set[String]:
        return {str(x) for x in s} | {t[1]}

    assert [i.daskflow_type.display_name for i in f.input_defs] == [
        "Set[Int]",
        "Tuple[Int, String]",
    ]
    result = execute_solid(f, input_values={"s": {1}, "t": (2, "b")})
    assert result.output_value() == {"1", "b"}


def test_optional_and_list_nest():
    nested = Optional[List[Optional[Int]]]
    assert nested.display_name == "Optional[List[Optional[Int]]]"
    assert nested.type_check(CTX, None).success
    assert nested.type_check(CTX, [1, None]).success
    assert not nested.type_check(CTX, [1, "x"]).success


def test_set_and_tuple_load_from_config():
    @solid(input_defs=[InputDefinition("s", Set[Int]), InputDefinition("t", Tuple[Int, String])])
    def show(_context, s, t):
        return (s, t)

    @pipeline
    def p():
        show()

    config = {**IN_PROCESS, "solids": {"show": {"inputs": {"s": [1, 2, 2], "t": [3, "x"]}}}}
    assert execute_pipeline(p, config).output_for_solid("show") == ({1, 2}, (3, "x"))


def test_key_unique_name_and_dagster_argument_order():
    even = DaskflowType(lambda _ctx, v: v % 2 == 0, key="Even", description="even ints")
    assert even.name == even.key == even.unique_name == "Even"
    named = DaskflowType(type_check_fn=lambda _ctx, v: True, name="Named", key="pkg.Named")
    assert named.key == "pkg.Named" and named.name == "Named"


def test_a_type_check_may_use_resources():
    def below_limit(context, value):
        return TypeCheck(value < context.resources.limit, "above the limit")

    limited = DaskflowType("Limited", below_limit, required_resource_keys={"limit"})

    @solid(output_defs=[OutputDefinition(limited)])
    def emit(_context):
        return 5

    assert emit.required_resource_keys == {"limit"}
    ok = ModeDefinition("ok", {"limit": ResourceDefinition.hardcoded_resource(10)})
    low = ModeDefinition("low", {"limit": ResourceDefinition.hardcoded_resource(3)})

    @pipeline(mode_defs=[ok, low])
    def p():
        emit()

    assert execute_pipeline(p, IN_PROCESS, mode="ok").success
    assert not execute_pipeline(p, IN_PROCESS, mode="low", raise_on_error=False).success


def test_default_values_are_type_checked_at_definition():
    with pytest.raises(DaskflowInvalidDefinitionError, match="fails the type check"):
        InputDefinition("x", Int, default_value="foo")
    with pytest.raises(DaskflowInvalidDefinitionError, match="Nothing"):
        InputDefinition("after", Nothing, default_value=None)
    assert InputDefinition("x", Optional[Int], default_value=None).default_value is None


def test_nothing_cannot_be_nested():
    with pytest.raises(DaskflowInvalidDefinitionError, match=r"List\[Nothing\]"):
        List[Nothing]
    with pytest.raises(DaskflowInvalidDefinitionError, match=r"Optional\[Nothing\]"):
        Optional[Nothing]


def test_register_python_type_refuses_to_replace_a_registration():
    class Point:
        pass

    first = DaskflowType("Point", lambda _ctx, v: isinstance(v, Point))
    register_python_type(Point, first)
    assert register_python_type(Point, first) is first  # the same again is fine
    with pytest.raises(DaskflowInvalidDefinitionError, match="already registered"):
        register_python_type(Point, DaskflowType("Point2", lambda _ctx, v: True))
