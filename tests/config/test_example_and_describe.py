"""``example_config``, ``format_yaml_example`` and ``describe_config_type``."""

import enum

import pytest
import yaml

from daskflow.config import (
    Any,
    Array,
    Bool,
    BoolSource,
    Enum,
    EnumValue,
    Field,
    Float,
    Int,
    IntSource,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    String,
    StringSource,
    describe_config_type,
    example_config,
    format_yaml_example,
)


class Mode(enum.Enum):
    FAST = 1
    SAFE = 2


@pytest.mark.parametrize(
    ("config_type", "expected"),
    [
        (Int, "<int>"),
        (Float, "<float>"),
        (String, "<string>"),
        (Bool, "<bool>"),
        (Any, "<any>"),
        (StringSource, "<string>"),
        (IntSource, "<int>"),
        (BoolSource, "<bool>"),
        (Noneable(int), "<int>"),
        (Array(float), ["<float>"]),
        (Enum.from_python_enum(Mode), "<FAST|SAFE>"),
        (ScalarUnion(str, {"p": int}), "<string>"),
        (None, None),
    ],
)
def test_example_of_simple_types(config_type, expected):
    assert example_config(config_type) == expected


def test_example_of_shape_shows_required_fields_only():
    schema = {
        "path": str,
        "sep": Field(str, default_value=","),
        "opt": Field(int, is_required=False),
        "read": Selector({"csv": {"header": bool}, "json": {"lines": bool}}),
        "extra": Permissive({"x": int}),
    }
    assert example_config(schema) == {
        "path": "<string>",
        "read": {"csv": {"header": "<bool>"}},
        "extra": {"x": "<int>"},
    }


def test_example_with_optional_fields_uses_defaults():
    schema = {
        "path": str,
        "sep": Field(str, default_value=","),
        "opt": Field(int, is_required=False),
    }
    assert example_config(schema, include_optional=True) == {
        "path": "<string>",
        "sep": ",",
        "opt": "<int>",
    }


def test_many_enum_values_are_abbreviated():
    big = Enum("Big", [EnumValue(f"V{i}") for i in range(8)])
    assert example_config(big) == "<V0|V1|V2|V3|V4|...>"


def test_format_yaml_example_nested_and_indented():
    value = {
        "solids": {
            "load": {
                "config": {
                    "files": ["<string>", {"path": "<string>", "n": 1}],
                    "empty": {},
                    "none": None,
                    "flag": True,
                }
            }
        }
    }
    text = format_yaml_example(value, indent=4)
    assert text == "\n".join(
        [
            "    solids:",
            "      load:",
            "        config:",
            "          files:",
            "            - <string>",
            "            - path: <string>",
            "              n: 1",
            "          empty: {}",
            "          none: null",
            "          flag: true",
        ]
    )
    assert yaml.safe_load(text) == value


@pytest.mark.parametrize(
    "value",
    [
        {"a": "yes", "b": "1.5", "c": "x: y", "d": "", "e": "#hash", "f": "multi\nline"},
        [[1, 2], [{"a": [3]}]],
        {"k with space": -2.5, "n": 10**20},
        "plain",
        3,
        [],
        {},
    ],
)
def test_format_yaml_example_round_trips(value):
    assert yaml.safe_load(format_yaml_example(value)) == value


@pytest.mark.parametrize(
    ("config_type", "expected"),
    [
        (Float, "float"),
        (Int, "int"),
        (String, "string"),
        (Bool, "bool"),
        (Any, "any value"),
        (Shape({"delay": float, "name": str}), "dict with keys delay, name"),
        (Shape({}), "empty dict"),
        (Permissive(), "dict"),
        (Permissive({"a": int}), "dict with keys a (other keys allowed)"),
        (Selector({"csv": str, "parquet": str}), "one of: csv, parquet"),
        (Array(int), "list of int"),
        (Noneable(float), "float or null"),
        (StringSource, "string or {env: VAR}"),
        (IntSource, "int or {env: VAR}"),
        (Enum.from_python_enum(Mode), 'Mode (one of "FAST", "SAFE")'),
        (ScalarUnion(str, [str]), "string or list of string"),
    ],
)
def test_describe_config_type(config_type, expected):
    assert describe_config_type(config_type) == expected


def test_describe_many_keys_is_abbreviated():
    shape = Shape({f"k{i}": int for i in range(15)})
    assert describe_config_type(shape).endswith(", ... (5 more)")
