import pytest

from daskflow import (
    DependencyDefinition,
    InputDefinition,
    ModeDefinition,
    OutputDefinition,
    PipelineDefinition,
    PresetDefinition,
    pipeline,
    resource,
    solid,
)
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.types import Nothing


@solid
def one(_) -> int:
    return 1


@solid
def add(_, a: int, b: int) -> int:
    return a + b


@solid
def total(_, nums: list) -> int:
    return sum(nums)


@solid(output_defs=[OutputDefinition(int, "evens"), OutputDefinition(int, "odds")])
def split(_, n: int):
    yield from ()


def _inputs(p, node):
    return {k: [str(r) for r in v] for k, v in p.solid_named(node).inputs.items()}


def test_keyword_and_positional_inputs_and_reuse_are_traced():
    @pipeline
    def p():
        x = one()
        add(x, b=one())

    assert p.graph.node_names == ["one", "one_2", "add"]
    assert _inputs(p, "add") == {"a": ["one.result"], "b": ["one_2.result"]}
    assert p.graph.downstream_of("one") == ["add"]


def test_same_solid_three_times_gets_suffixes():
    @pipeline
    def p():
        add(add(one(), one()), one())

    assert p.graph.node_names == ["one", "one_2", "one_3", "add", "add_2"]


def test_alias_names_the_node():
    @pipeline
    def p():
        add.alias("first_sum")(one.alias("left")(), one.alias("right")())

    assert p.graph.node_names == ["left", "right", "first_sum"]
    assert p.solid_named("first_sum").definition is add


def test_fan_in_list():
    @pipeline
    def p():
        total([one(), one(), one()])

    node = p.solid_named("total")
    assert node.fan_in == frozenset({"nums"})
    assert [str(r) for r in node.inputs["nums"]] == ["one.result", "one_2.result", "one_3.result"]


def test_several_outputs_unpacked_and_by_attribute():
    @pipeline
    def p():
        evens, odds = split(one())
        add(evens, split.alias("again")(one()).odds)
        add(odds, odds)

    assert _inputs(p, "add") == {"a": ["split.evens"], "b": ["again.odds"]}
    assert _inputs(p, "add_2") == {"a": ["split.odds"], "b": ["split.odds"]}


def test_nothing_inputs_order_without_data():
    @solid(input_defs=[InputDefinition("after", Nothing)])
    def last(_):
        return 1

    @pipeline
    def p():
        last(after=one())

    assert p.graph.node_names == ["one", "last"]


def test_unpacking_a_single_output_fails():
    with pytest.raises(DaskflowInvalidDefinitionError, match="single output"):

        @pipeline
        def p():
            a, b = one()


def test_passing_all_outputs_of_a_multi_output_solid_fails():
    with pytest.raises(DaskflowInvalidDefinitionError, match="unpack them"):

        @pipeline
        def p():
            add(split(one()), one())


def test_input_wired_twice_fails():
    with pytest.raises(DaskflowInvalidDefinitionError, match='input "a" is wired twice'):

        @pipeline
        def p():
            x = one()
            add(x, a=x)


def test_unknown_input_name_suggests_the_right_one():
    with pytest.raises(
        DaskflowInvalidDefinitionError, match='unknown input "bb". Did you mean "b"'
    ):

        @pipeline
        def p():
            add(one(), bb=one())


def test_too_many_positional_inputs():
    with pytest.raises(DaskflowInvalidDefinitionError, match="3 positional inputs"):

        @pipeline
        def p():
            add(one(), one(), one())


def test_constants_are_not_inputs():
    with pytest.raises(DaskflowInvalidDefinitionError, match="expected the output of another"):

        @pipeline
        def p():
            add(one(), 5)


def test_required_input_without_loader_must_be_connected():
    class Unloadable:
        pass

    @solid
    def needs(_, thing: Unloadable):
        return thing

    with pytest.raises(
        DaskflowInvalidDefinitionError, match='input "thing" of solid "needs" is not connected'
    ):

        @pipeline
        def p():
            needs()


def test_unconnected_inputs_with_loader_or_default_are_fine():
    @solid
    def with_default(_, x: object = None):
        return x

    @pipeline
    def p():
        add(with_default(), one())
        add.alias("from_config")()

    assert p.solid_named("from_config").unconnected_inputs()


def test_duplicate_alias_fails():
    with pytest.raises(DaskflowInvalidDefinitionError, match="two solids are named 'x'"):

        @pipeline
        def p():
            one.alias("x")()
            one.alias("x")()


def test_two_different_definitions_with_one_name_fail():
    @solid(name="one")
    def other_one(_) -> int:
        return 2

    with pytest.raises(DaskflowInvalidDefinitionError, match="two different solid definitions"):

        @pipeline
        def p():
            add(one(), other_one())


def test_missing_resource_key_in_a_mode_is_named():
    @resource
    def lake(_):
        return {}

    @solid(required_resource_keys={"datalake"})
    def save(_):
        pass

    with pytest.raises(DaskflowInvalidDefinitionError) as info:

        @pipeline(
            mode_defs=[
                ModeDefinition("test", {"datalake": lake}),
                ModeDefinition("prod", {"warehouse": lake}),
            ]
        )
        def p():
            save()

    message = str(info.value)
    assert 'solid "save" requires resource "datalake", which mode "prod"' in message
    assert 'mode "test"' not in message


def test_all_problems_are_listed_at_once():
    @solid(required_resource_keys={"db"}, output_defs=[OutputDefinition(io_manager_key="s3")])
    def save(_, x: object):
        pass

    with pytest.raises(DaskflowInvalidDefinitionError) as info:

        @pipeline(preset_defs=[PresetDefinition("nightly", mode="missing")])
        def p():
            save()

    message = str(info.value)
    for part in ('input "x"', 'resource "db"', 'resource "s3"', 'preset "nightly"'):
        assert part in message


def test_empty_body_and_parameters_fail():
    with pytest.raises(DaskflowInvalidDefinitionError, match="calls no solid"):

        @pipeline
        def empty():
            pass

    with pytest.raises(DaskflowInvalidDefinitionError, match="takes no parameters"):

        @pipeline
        def params(x):
            one()


def test_pipeline_is_not_callable():
    @pipeline
    def p():
        one()

    with pytest.raises(DaskflowInvalidDefinitionError, match="execute_pipeline"):
        p()


def test_explicit_dependencies_and_cycle_detection():
    p = PipelineDefinition(
        name="explicit",
        solid_defs=[one, add],
        dependencies={"add": {"a": DependencyDefinition("one"), "b": DependencyDefinition("one")}},
    )
    assert p.graph.node_names == ["one", "add"]

    @solid
    def inc(_, x: int) -> int:
        return x + 1

    @solid
    def dec(_, x: int) -> int:
        return x - 1

    with pytest.raises(DaskflowInvalidDefinitionError, match="cycle among: inc, dec"):
        PipelineDefinition(
            name="cyclic",
            solid_defs=[inc, dec],
            dependencies={
                "inc": {"x": DependencyDefinition("dec")},
                "dec": {"x": DependencyDefinition("inc")},
            },
        )


def test_explicit_dependencies_bad_references():
    with pytest.raises(DaskflowInvalidDefinitionError, match='no input "zz"'):
        PipelineDefinition(
            name="p",
            solid_defs=[one, add],
            dependencies={"add": {"zz": DependencyDefinition("one")}},
        )
    with pytest.raises(DaskflowInvalidDefinitionError, match='has no output "nope"'):
        PipelineDefinition(
            name="p",
            solid_defs=[one, add],
            dependencies={
                "add": {"a": DependencyDefinition("one", "nope"), "b": DependencyDefinition("one")}
            },
        )
    with pytest.raises(DaskflowInvalidDefinitionError, match="not in solid_defs"):
        PipelineDefinition([one], "p", dependencies={"ghost": {}})


def test_modes_and_presets_lookup():
    @pipeline(
        mode_defs=[ModeDefinition("a"), ModeDefinition("b")],
        preset_defs=[PresetDefinition("pb", {"solids": {}}, mode="b")],
    )
    def p():
        one()

    assert p.get_mode("b").name == "b"
    assert p.get_preset("pb").mode == "b"
    with pytest.raises(DaskflowInvalidDefinitionError, match='no mode "c"; modes: a, b'):
        p.get_mode("c")
    with pytest.raises(DaskflowInvalidDefinitionError, match='no preset "x"'):
        p.get_preset("x")
    with pytest.raises(DaskflowInvalidDefinitionError, match="mode names must be unique"):

        @pipeline(mode_defs=[ModeDefinition("a"), ModeDefinition("a")])
        def q():
            one()


def test_graph_ancestors_and_descendants():
    @pipeline
    def p():
        x = one()
        add(add(x, x), one())

    g = p.graph
    assert g.ancestors(["add_2"]) == {"add", "one", "one_2"}
    assert g.ancestors(["add_2"], depth=1) == {"add", "one_2"}
    assert g.descendants(["one"]) == {"add", "add_2"}
