"""``validate_config`` on every config type: accepted values, post-processing and errors."""

import enum
import math

import pytest

from daskflow.config import (
    Any,
    Array,
    Bool,
    Enum,
    EnumValue,
    Field,
    Float,
    Int,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    String,
    validate_config,
)


def only_error(result):
    assert not result.success
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(
    ("config_type", "value", "expected"),
    [
        (Int, 3, 3),
        (Int, -(10**30), -(10**30)),
        (Float, 2, 2.0),
        (Float, 2.5, 2.5),
        (String, "", ""),
        (String, "x", "x"),
        (Bool, False, False),
        (Any, {"a": [1]}, {"a": [1]}),
        (Any, None, None),
    ],
)
def test_scalars_accept_their_values(config_type, value, expected):
    result = validate_config(config_type, value)
    assert result.success and result.errors == []
    assert result.value == expected
    assert type(result.value) is type(expected)


@pytest.mark.parametrize(
    ("config_type", "value", "message"),
    [
        (Int, True, "expected an int, got the boolean True."),
        (Int, 1.0, "expected an int, got the float 1.0."),
        (Int, "3", 'expected an int, got the string "3".'),
        (Float, False, "expected a float, got the boolean False."),
        (Float, "abc", 'expected a float, got the string "abc".'),
        (String, 5, "expected a string, got the integer 5."),
        (Bool, 1, "expected a bool, got the integer 1."),
        (Bool, "true", 'expected a bool, got the string "true".'),
        (Int, [1], "expected an int, got a list of 1 item: [1]."),
        (Float, {"a": 1}, 'expected a float, got a dict with keys "a".'),
    ],
)
def test_scalars_reject_other_values(config_type, value, message):
    error = only_error(validate_config(config_type, value))
    assert error.message == message
    assert error.path == ()
    assert error.path_str == "<root>"


def test_quoted_number_and_bool_get_a_hint():
    assert only_error(validate_config(Int, "3")).hint == "Write the number without quotes."
    assert "without quotes" in only_error(validate_config(Bool, "false")).hint
    assert "quotes" in only_error(validate_config(String, 12)).hint


def test_float_rejects_ints_too_large_for_a_float():
    error = only_error(validate_config(Float, 10**400))
    assert "too large" in error.hint


def test_float_accepts_nan():
    assert math.isnan(validate_config(Float, float("nan")).value)


def test_long_received_values_are_truncated():
    error = only_error(validate_config(Int, "x" * 500))
    assert len(error.received) < 80
    assert error.received.endswith('..."')


def test_none_where_not_noneable():
    error = only_error(validate_config({"delay": float}, {"delay": None}))
    assert error.path == ("delay",)
    assert error.message == "expected a float, got null (None)."
    assert "Noneable" in error.hint
    assert error.received == "null (None)"


def test_noneable_accepts_none_and_inner_values():
    assert validate_config(Noneable(int), None).value is None
    assert validate_config(Noneable(int), 4).value == 4
    assert only_error(validate_config(Noneable(int), "4")).expected == "int"


def test_shape_fills_defaults_and_omits_optional_fields_without_default():
    schema = {
        "name": str,
        "retries": Field(int, default_value=3),
        "tag": Field(str, is_required=False),
        "timeout": Field(Noneable(float)),
        "nested": {"depth": Field(int, default_value=2), "mode": Field(str, is_required=False)},
    }
    result = validate_config(schema, {"name": "x"})
    assert result.success
    assert result.value == {"name": "x", "retries": 3, "timeout": None, "nested": {"depth": 2}}


def test_given_values_win_over_defaults_and_floats_are_converted():
    schema = {"delay": Field(float, default_value=1.5), "n": Field(int, default_value=1)}
    assert validate_config(schema, {"delay": 2, "n": 7}).value == {"delay": 2.0, "n": 7}


def test_shape_rejects_non_dicts():
    error = only_error(validate_config({"a": int}, ["a"]))
    assert error.message == "expected a dict with keys a, got a list of 1 item: ['a']."


def test_unknown_key_with_did_you_mean_and_allowed_keys():
    error = only_error(validate_config({"delay": Field(float, default_value=1.0)}, {"dely": 1}))
    assert error.path == ("dely",)
    assert error.message == 'unknown key "dely". Did you mean "delay"?'
    assert error.hint == "Allowed keys here: delay."


def test_unknown_key_without_close_match():
    error = only_error(validate_config({"alpha": Field(int, default_value=1)}, {"zzz": 1}))
    assert error.message == 'unknown key "zzz".'
    assert error.hint == "Allowed keys here: alpha."


def test_unknown_key_in_empty_shape():
    error = only_error(validate_config(Shape({}), {"x": 1}))
    assert error.hint == "No keys are allowed here."


def test_missing_required_key_shows_an_example():
    schema = {
        "source": Field(
            {"path": str, "sep": Field(str, default_value=","), "columns": [str]},
            description="where to read from.",
        )
    }
    error = only_error(validate_config(schema, {}))
    assert error.path == ("source",)
    assert error.message == 'missing required key "source" (where to read from).'
    assert error.hint == (
        "For example:\n  source:\n    path: <string>\n    columns:\n      - <string>"
    )


def test_paths_are_prefixed_with_the_given_path():
    result = validate_config(
        {"delay": float}, {"delay": "x"}, path=("solids", "add_sugar_per_cup", "config")
    )
    assert only_error(result).path_str == "solids.add_sugar_per_cup.config.delay"


def test_five_independent_errors_are_all_reported():
    schema = {"a": int, "b": str, "c": [float], "d": {"e": bool}, "f": Selector({"x": int})}
    value = {"a": "1", "b": 2, "c": [1.0, "two"], "d": {}, "f": {"y": 1}, "g": 0}
    result = validate_config(schema, value)
    assert not result.success
    assert result.value is None
    assert [e.path_str for e in result.errors] == ["a", "b", "c.1", "d.e", "f.y", "g"]


def test_permissive_keeps_extra_keys_and_checks_declared_ones():
    schema = Permissive({"a": int, "b": Field(int, default_value=5)})
    assert validate_config(schema, {"a": 1, "extra": [1, 2]}).value == {
        "a": 1,
        "extra": [1, 2],
        "b": 5,
    }
    assert only_error(validate_config(schema, {"a": "x", "extra": 1})).path == ("a",)
    assert validate_config(Permissive(), {"anything": None}).value == {"anything": None}


def test_selector_accepts_exactly_one_key():
    selector = Selector({"csv": {"path": str}, "parquet": {"path": str}})
    result = validate_config(selector, {"parquet": {"path": "a.pq"}})
    assert result.value == {"parquet": {"path": "a.pq"}}
    assert type(result.value) is dict


def test_selector_with_two_keys():
    selector = Selector({"a": int, "b": int, "c": int})
    error = only_error(validate_config(selector, {"a": 1, "b": 2}))
    assert error.message == "choose exactly one of: a, b, c; got: a, b."


def test_selector_with_no_key_shows_first_option():
    selector = Selector({"csv": {"path": str}, "parquet": {"path": str}})
    error = only_error(validate_config(selector, {}))
    assert error.message == "choose exactly one of: csv, parquet; got: nothing."
    assert error.hint == "For example:\n  csv:\n    path: <string>"


def test_selector_unknown_key_and_inner_errors():
    selector = Selector({"csv": {"path": str}, "parquet": {"path": str}})
    error = only_error(validate_config(selector, {"cvs": {"path": "a"}}))
    assert error.message == 'unknown key "cvs". Did you mean "csv"?'
    error = only_error(validate_config(selector, {"csv": {"path": 1}}))
    assert error.path == ("csv", "path")
    assert only_error(validate_config(selector, "csv")).message.startswith(
        "expected a dict with exactly one of the keys csv, parquet"
    )


def test_array_values_and_element_errors_carry_the_index():
    schema = {"files": [str]}
    assert validate_config(schema, {"files": ("a", "b")}).value == {"files": ["a", "b"]}
    result = validate_config(schema, {"files": ["a", "b", 3, None]})
    assert [e.path_str for e in result.errors] == ["files.2", "files.3"]
    assert only_error(validate_config(Array(int), "1,2")).message.startswith(
        "expected a list of int, got"
    )


class Color(enum.Enum):
    RED = 1
    GREEN = 2


def test_enum_converts_to_python_values():
    color = Enum.from_python_enum(Color)
    assert validate_config(color, "GREEN").value is Color.GREEN
    assert validate_config(color, Color.RED).value is Color.RED  # already converted
    custom = Enum("Level", [EnumValue("LOW", python_value=1), EnumValue("HIGH", 10)])
    assert validate_config({"level": custom}, {"level": "HIGH"}).value == {"level": 10}


def test_enum_bad_value_lists_allowed_values():
    error = only_error(validate_config(Enum.from_python_enum(Color), "GREN"))
    assert error.message == 'expected a Color (one of "RED", "GREEN"), got the string "GREN".'
    assert error.hint == 'Did you mean "GREEN"? Allowed values: RED, GREEN.'
    assert (
        "Allowed values: RED, GREEN."
        in only_error(validate_config(Enum.from_python_enum(Color), 1)).hint
    )


def test_enum_default_is_converted_at_validation_time():
    schema = {"color": Field(Enum.from_python_enum(Color), default_value="RED")}
    assert validate_config(schema, {}).value == {"color": Color.RED}


def test_scalar_union_takes_a_scalar_or_the_non_scalar_schema():
    union = ScalarUnion(str, {"path": str, "sep": Field(str, default_value=",")})
    assert validate_config(union, "a.csv").value == "a.csv"
    assert validate_config(union, {"path": "a.csv"}).value == {"path": "a.csv", "sep": ","}
    error = only_error(validate_config(union, 3))
    assert error.message == "expected a string or dict with keys path, sep, got the integer 3."
    error = only_error(validate_config(union, {"path": 3}))
    assert error.path == ("path",)


def test_validating_a_field_uses_its_default_for_none():
    field = Field({"root": Field(str, default_value="/tmp")})
    assert validate_config(field, None).value == {"root": "/tmp"}
    assert validate_config(field, {"root": "/data"}).value == {"root": "/data"}


def test_validating_a_required_field_with_none_is_a_missing_key():
    field = Field({"root_dir": str})
    error = only_error(validate_config(field, None, path=("resources", "lake", "config")))
    assert error.path_str == "resources.lake.config"
    assert error.message == 'missing required key "config".'
    assert error.hint == "For example:\n  config:\n    root_dir: <string>"


def test_no_config_schema_accepts_only_nothing():
    assert validate_config(None, None).success
    assert validate_config(None, {}).success
    assert only_error(validate_config(None, {"a": 1})).message.startswith("no config is accepted")


def test_non_string_keys_are_reported_not_crashed():
    error = only_error(validate_config({"a": Field(int, default_value=1)}, {1: "x"}))
    assert error.path == ("1",)
    assert error.message == "the key 1 is an int, not a string."


def test_successful_result_revalidates():
    schema = {"color": Enum.from_python_enum(Color), "n": float, "sel": Selector({"x": [int]})}
    first = validate_config(schema, {"color": "RED", "n": 1, "sel": {"x": [1]}})
    again = validate_config(schema, first.value)
    assert again.success and again.value == first.value


def test_validating_an_any_field_with_none_keeps_none():
    assert validate_config(Field(Any), None).value is None
    assert validate_config(Field(Any, is_required=False), {"x": 1}).value == {"x": 1}
