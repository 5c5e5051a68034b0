"""Property-based tests: arbitrary schemas against arbitrary values never crash validation.

Either validation succeeds (and its output validates again), or it returns errors with
string paths that ``DaskflowConfigError`` can render; no other exception may escape.
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daskflow.config import (
    Any,
    Array,
    Bool,
    BoolSource,
    ConfigError,
    DaskflowConfigError,
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
    config_to_json_schema,
    example_config,
    format_yaml_example,
    validate_config,
)
from daskflow.config._types import FieldsType

KEYS = ["a", "b", "c", "env", "dely"]
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def valid_example(config_type):
    """A value that must validate against ``config_type`` (used to build defaults)."""
    simple = {
        Int: 1,
        Float: 1.5,
        String: "s",
        Bool: True,
        Any: None,
        StringSource: "s",
        IntSource: 2,
        BoolSource: False,
    }
    for known, value in simple.items():
        if config_type is known:
            return value
    if isinstance(config_type, Enum):
        return config_type.config_values[0]
    if isinstance(config_type, Noneable):
        return None
    if isinstance(config_type, Array):
        return [valid_example(config_type.inner)]
    if isinstance(config_type, Selector):
        name, field = next(iter(config_type.fields.items()))
        return {name: valid_example(field.config_type)}
    if isinstance(config_type, FieldsType):
        return {
            name: valid_example(field.config_type)
            for name, field in config_type.fields.items()
            if field.is_required
        }
    if isinstance(config_type, ScalarUnion):
        return valid_example(config_type.scalar_type)
    raise AssertionError(config_type)


enums = st.lists(
    st.sampled_from(["RED", "GREEN", "BLUE", "a"]), min_size=1, max_size=3, unique=True
).map(lambda names: Enum("Color", [EnumValue(n, python_value=i) for i, n in enumerate(names)]))
scalars = st.sampled_from([Int, Float, String, Bool, Any, StringSource, IntSource, BoolSource])


def make_field(config_type, kind):
    if kind == "default":
        return Field(config_type, default_value=valid_example(config_type))
    if kind == "optional":
        return Field(config_type, is_required=False, description="optional")
    if kind == "required":
        return Field(config_type, is_required=True)
    return config_type  # let Field's own rules decide


def fields_of(children):
    field = st.builds(
        make_field, children, st.sampled_from(["default", "optional", "required", "plain"])
    )
    return st.dictionaries(st.sampled_from(KEYS), field, max_size=4)


def extend(children):
    return st.one_of(
        fields_of(children).map(Shape),
        fields_of(children).map(Permissive),
        fields_of(children).filter(bool).map(Selector),
        children.map(Noneable),
        children.map(Array),
        st.builds(
            ScalarUnion, st.sampled_from([Int, String, Bool]), fields_of(children).map(Shape)
        ),
    )


config_types = st.recursive(st.one_of(scalars, enums), extend, max_leaves=12)

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["RED", "GREEN", "true", "1"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


def check_outcome(config_type, value):
    result = validate_config(config_type, value)
    if result.success:
        assert result.errors == []
        again = validate_config(config_type, result.value)
        assert again.success, (result.value, again.errors)
        return
    assert result.value is None
    for error in result.errors:
        assert isinstance(error, ConfigError)
        assert isinstance(error.path, tuple)
        assert all(isinstance(part, str) for part in error.path)
        assert error.message and isinstance(error.expected, str)
        assert str(error).startswith(error.path_str + ": ")
    text = str(DaskflowConfigError(result.errors))
    assert text.startswith("Invalid config: ")
    assert len(text.splitlines()) >= len(result.errors) + 1


@SETTINGS
@given(config_types, values)
def test_arbitrary_values_never_crash_validation(config_type, value):
    check_outcome(config_type, value)


@SETTINGS
@given(config_types, st.data())
def test_near_valid_values_and_exports(config_type, data):
    value = valid_example(config_type)
    assert validate_config(config_type, value).success
    mutated = data.draw(st.one_of(st.just(value), values), label="value")
    check_outcome(config_type, {"wrapped": mutated} if data.draw(st.booleans()) else mutated)
    schema = config_to_json_schema(config_type)
    assert schema["$schema"].endswith("2020-12/schema")
    format_yaml_example(example_config(config_type, include_optional=True), indent=2)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([IntSource, BoolSource, StringSource]),
    st.text(
        st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=12,
    ).map(lambda text: f"SECRET-{text}"),
    st.sampled_from(["wrapped", "listed", "bare"]),
)
def test_env_values_never_appear_in_errors(source, secret, layout):
    name = "DASKFLOW_PROPERTY_SECRET"
    os.environ[name] = secret
    try:
        schema = {"bare": source, "wrapped": {"value": source}, "listed": [source]}[layout]
        ref = {"env": name}
        value = {"bare": ref, "wrapped": {"value": ref}, "listed": [ref, "x"]}[layout]
        result = validate_config({"x": schema, "n": int}, {"x": value, "n": "bad"})
    finally:
        del os.environ[name]
    assert secret in result.secrets
    assert secret not in str(DaskflowConfigError(result.errors))
    assert all(secret not in (e.expected + (e.received or "")) for e in result.errors)
