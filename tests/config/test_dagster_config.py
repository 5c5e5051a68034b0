"""Config semantics Dagster code relies on: Map, Enum(enum_values=...), enum defaults given
as config strings, and the scalar names usable both as config and as types."""

from __future__ import annotations

import enum

import pytest

import daskflow
from daskflow.config import (
    DaskflowInvalidDefinitionError,
    Enum,
    EnumValue,
    Field,
    Map,
    resolve_config_type,
    validate_config,
)


class Color(enum.Enum):
    RED = 1
    BLUE = 2


def test_map_validates_keys_and_values():
    schema = {"counts": Map(str, int)}
    assert validate_config(schema, {"counts": {"a": 1, "b": 2}}).value == {
        "counts": {"a": 1, "b": 2}
    }
    errors = validate_config(schema, {"counts": {"a": "x", 3: 1}}).errors
    assert sorted(e.path_str for e in errors) == ["counts.3", "counts.a"]
    assert validate_config(Map(int, str), {1: "one"}).value == {1: "one"}
    with pytest.raises(DaskflowInvalidDefinitionError, match="scalar"):
        Map([int], str)


def test_enum_takes_enum_values_by_keyword():
    levels = Enum("Level", enum_values=[EnumValue("LOW", 1), EnumValue("HIGH", 10)])
    assert levels.enum_values[1].python_value == 10
    assert validate_config(levels, "HIGH").value == 10


def test_enum_defaults_are_config_strings_not_python_members():
    color = Enum.from_python_enum(Color)
    assert Field(color, default_value="RED").default_value == "RED"
    with pytest.raises(DaskflowInvalidDefinitionError, match="default"):
        Field(color, default_value=Color.RED)
    assert validate_config({"c": Field(color, default_value="BLUE")}, {}).value == {"c": Color.BLUE}


@pytest.mark.parametrize(
    ("name", "value", "bad"),
    [("Int", 3, "3"), ("String", "x", 3), ("Float", 1.5, "x"), ("Bool", True, 1)],
)
def test_scalar_names_are_config_types_too(name, value, bad):
    scalar = getattr(daskflow, name)
    assert resolve_config_type(scalar) is getattr(daskflow.config, name)
    assert validate_config({"v": Field(scalar)}, {"v": value}).success
    assert not validate_config({"v": scalar}, {"v": bad}).success


def test_any_is_a_config_type_too():
    assert validate_config({"v": daskflow.Any}, {"v": [1, {"a": 2}]}).success


def test_a_type_without_config_counterpart_is_rejected_as_config():
    with pytest.raises(DaskflowInvalidDefinitionError, match="config"):
        resolve_config_type(daskflow.Nothing)


def test_config_scalars_are_input_types_too():
    @daskflow.solid(input_defs=[daskflow.InputDefinition("x", daskflow.config.Int)])
    def takes(_context, x):
        return x

    assert takes.input_defs[0].daskflow_type is daskflow.Int
