"""``config_to_json_schema``: the exported schema accepts and rejects what validation does."""

import enum

import pytest

from daskflow.config import (
    Any,
    Array,
    BoolSource,
    Enum,
    Field,
    IntSource,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    StringSource,
    config_to_json_schema,
    validate_config,
)

jsonschema = pytest.importorskip("jsonschema")


class Mode(enum.Enum):
    FAST = "fast"
    SAFE = "safe"


SCHEMA = Shape(
    {
        "delay": Field(float, default_value=0.5, description="seconds between polls"),
        "name": str,
        "count": Field(Noneable(int), default_value=None),
        "files": [str],
        "mode": Enum.from_python_enum(Mode),
        "source": Selector({"csv": {"path": str}, "parquet": {"path": str, "engine": Any}}),
        "extra": Permissive({"keep": bool}),
        "target": ScalarUnion(str, {"path": str}),
        "token": StringSource,
        "port": IntSource,
        "debug": Field(BoolSource, is_required=False),
    },
    description="everything at once",
)

VALID = [
    {
        "name": "a",
        "files": [],
        "mode": "FAST",
        "source": {"csv": {"path": "x"}},
        "extra": {"keep": True, "other": 1},
        "target": "t",
        "token": "abc",
        "port": 1,
    },
    {
        "delay": 2,
        "name": "a",
        "count": None,
        "files": ["x", "y"],
        "mode": "SAFE",
        "source": {"parquet": {"path": "x", "engine": None}},
        "extra": {"keep": False},
        "target": {"path": "p"},
        "token": {"env": "TOKEN"},
        "port": {"env": "PORT"},
        "debug": {"env": "DEBUG"},
    },
]

INVALID = [
    {},  # missing required keys
    {**VALID[0], "unknown": 1},
    {**VALID[0], "delay": "slow"},
    {**VALID[0], "count": "3"},
    {**VALID[0], "files": [1]},
    {**VALID[0], "mode": "SLOW"},
    {**VALID[0], "source": {}},
    {**VALID[0], "source": {"csv": {"path": "x"}, "parquet": {"path": "y"}}},
    {**VALID[0], "extra": {"keep": "yes"}},
    {**VALID[0], "target": 3},
    {**VALID[0], "token": {"env": "A", "x": 1}},
    {**VALID[0], "port": True},
]


def check(schema, document):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema).is_valid(document)


@pytest.mark.parametrize("document", VALID)
def test_valid_documents_pass_both(document, monkeypatch):
    for name, value in {"TOKEN": "t", "PORT": "1", "DEBUG": "no"}.items():
        monkeypatch.setenv(name, value)
    assert validate_config(SCHEMA, document).success
    assert check(config_to_json_schema(SCHEMA), document)


@pytest.mark.parametrize("document", INVALID)
def test_invalid_documents_fail_both(document):
    assert not validate_config(SCHEMA, document).success
    assert not check(config_to_json_schema(SCHEMA), document)


def test_shape_layout_description_and_defaults():
    schema = config_to_json_schema(SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["description"] == "everything at once"
    assert schema["additionalProperties"] is False
    assert schema["required"] == [
        "name",
        "files",
        "mode",
        "source",
        "extra",
        "target",
        "token",
        "port",
    ]
    assert schema["properties"]["delay"] == {
        "type": "number",
        "description": "seconds between polls",
        "default": 0.5,
    }
    assert schema["properties"]["count"] == {"type": ["integer", "null"], "default": None}
    assert schema["properties"]["extra"]["additionalProperties"] is True
    assert schema["properties"]["mode"]["enum"] == ["FAST", "SAFE"]
    assert schema["properties"]["target"]["anyOf"][0] == {"type": "string"}


def test_selector_allows_exactly_one_property():
    schema = config_to_json_schema(Selector({"a": int, "b": int}))
    assert (schema["minProperties"], schema["maxProperties"]) == (1, 1)
    assert check(schema, {"a": 1}) and not check(schema, {}) and not check(schema, {"c": 1})


def test_noneable_of_complex_type_uses_any_of():
    schema = config_to_json_schema(Noneable({"a": int}))
    assert check(schema, None) and check(schema, {"a": 1}) and not check(schema, {"a": "x"})
    assert "anyOf" in schema


def test_array_and_no_config():
    assert config_to_json_schema(Array(int))["items"] == {"type": "integer"}
    assert config_to_json_schema(None)["type"] == "null"


def test_non_json_defaults_are_left_out():
    schema = config_to_json_schema({"x": Field(float, default_value=float("inf"))})
    assert "default" not in schema["properties"]["x"]
