"""Config type construction, ``resolve_config_type`` and ``Field`` definition rules."""

import enum
import typing

import pytest

from daskflow.config import (
    Any,
    Array,
    Bool,
    DaskflowInvalidDefinitionError,
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
    resolve_config_type,
    validate_config,
)


class Fruit(enum.Enum):
    APPLE = "apple"
    PEAR = "pear"


@pytest.mark.parametrize(
    ("obj", "expected"),
    [(int, Int), (float, Float), (str, String), (bool, Bool), (typing.Any, Any), (Any, Any)],
)
def test_resolve_python_scalars_and_any(obj, expected):
    assert resolve_config_type(obj) is expected


def test_resolve_none_means_no_config():
    assert resolve_config_type(None) is None


def test_resolve_config_type_instance_is_returned_unchanged():
    shape = Shape({"a": int})
    assert resolve_config_type(shape) is shape


def test_resolve_config_type_class_is_instantiated():
    resolved = resolve_config_type(Permissive)
    assert isinstance(resolved, Permissive)
    assert resolved.fields == {}


def test_resolve_config_type_class_needing_arguments_is_a_definition_error():
    with pytest.raises(DaskflowInvalidDefinitionError, match=r"Shape\(\.\.\.\)"):
        resolve_config_type(Shape)


def test_resolve_dict_and_list_recursively():
    resolved = resolve_config_type(
        {"files": [str], "opts": {"retries": Field(int, default_value=1)}}
    )
    assert isinstance(resolved, Shape)
    files = resolved.fields["files"].config_type
    assert isinstance(files, Array) and files.inner is String
    opts = resolved.fields["opts"]
    assert isinstance(opts.config_type, Shape)
    assert opts.is_required is False
    assert opts.default_value == {"retries": 1}


@pytest.mark.parametrize("bad", [object(), 3, "int", [int, str], [], dict, list])
def test_resolve_rejects_other_values_naming_them(bad):
    with pytest.raises(DaskflowInvalidDefinitionError) as info:
        resolve_config_type(bad)
    assert repr(bad) in str(info.value)


def test_resolve_error_lists_what_is_accepted():
    with pytest.raises(DaskflowInvalidDefinitionError, match="typing.Any.*one-element list"):
        resolve_config_type(object())


def test_bad_nested_field_names_its_key():
    with pytest.raises(DaskflowInvalidDefinitionError, match='field "inner"'):
        Shape({"outer": {"inner": 3.5}})


def test_field_names_must_be_strings():
    with pytest.raises(DaskflowInvalidDefinitionError, match="non-empty strings"):
        Shape({1: int})


def test_field_is_required_by_default():
    field = Field(int)
    assert field.is_required is True
    assert field.has_default is False


def test_field_with_default_is_optional():
    field = Field(int, default_value=3, description="tries")
    assert (field.is_required, field.has_default, field.default_value) == (False, True, 3)
    assert field.description == "tries"


def test_noneable_field_is_required_and_may_be_none_as_in_dagster():
    field = Field(Noneable(int))
    assert field.is_required is True and not field.has_default
    assert validate_config({"x": Noneable(int)}, {"x": None}).value == {"x": None}
    assert not validate_config({"x": Noneable(int)}, {}).success
    optional = Field(Noneable(int), default_value=None)
    assert optional.is_required is False and optional.default_value is None


def test_shape_with_all_optional_fields_defaults_to_filled_dict():
    field = Field(Shape({"a": Field(int, default_value=1), "b": Field(str, is_required=False)}))
    assert field.is_required is False
    assert field.default_value == {"a": 1}


def test_permissive_with_all_optional_fields_is_optional():
    field = Field(Permissive())
    assert field.is_required is False
    assert field.default_value == {}


def test_shape_with_a_required_field_stays_required():
    field = Field(Shape({"a": int, "b": Field(int, default_value=1)}))
    assert field.is_required is True
    assert not field.has_default


def test_selector_field_is_required_by_default():
    assert Field(Selector({"a": int, "b": Field(int, default_value=1)})).is_required is True


def test_selector_of_one_defaulted_field_fills_it_in():
    field = Field(Selector({"a": Field(int, default_value=1)}))
    assert field.is_required is False and field.default_value == {"a": 1}
    assert validate_config(Selector({"a": Field(int, default_value=1)}), {}).value == {"a": 1}
    assert validate_config({"s": field}, {}).value == {"s": {"a": 1}}


def test_explicitly_required_all_optional_shape_has_no_default():
    field = Field(Shape({"a": Field(int, default_value=1)}), is_required=True)
    assert field.is_required and not field.has_default


def test_required_field_with_default_is_a_definition_error():
    with pytest.raises(DaskflowInvalidDefinitionError, match="required and have a default"):
        Field(int, is_required=True, default_value=3)


@pytest.mark.parametrize(
    ("config", "default"),
    [
        (int, "3"),
        (int, True),
        (float, "1.5"),
        (str, 3),
        ([int], [1, "x"]),
        ({"a": int}, {"b": 1}),
        (Selector({"a": int, "b": int}), {"a": 1, "b": 2}),
    ],
)
def test_default_must_validate_against_the_type(config, default):
    with pytest.raises(DaskflowInvalidDefinitionError, match="invalid default value"):
        Field(config, default_value=default)


def test_bad_default_message_says_why():
    with pytest.raises(DaskflowInvalidDefinitionError) as info:
        Field({"delay": float}, default_value={"delay": "soon"})
    assert 'delay: expected a float, got the string "soon"' in str(info.value)


def test_default_with_env_source_is_not_read_at_definition_time(monkeypatch):
    monkeypatch.delenv("DASKFLOW_TEST_UNSET_AT_DEFINITION", raising=False)
    field = Field(IntSource, default_value={"env": "DASKFLOW_TEST_UNSET_AT_DEFINITION"})
    assert field.default_value == {"env": "DASKFLOW_TEST_UNSET_AT_DEFINITION"}


def test_enum_default_is_a_config_value_and_stays_a_string():
    field = Field({"fruit": Field(Enum.from_python_enum(Fruit), default_value="PEAR")})
    assert field.default_value == {"fruit": "PEAR"}


def test_field_rejects_none_type_and_bad_is_required():
    with pytest.raises(DaskflowInvalidDefinitionError, match="needs a config type"):
        Field(None)
    with pytest.raises(DaskflowInvalidDefinitionError, match="is_required"):
        Field(int, is_required="yes")


def test_selector_needs_a_field():
    with pytest.raises(DaskflowInvalidDefinitionError, match="at least one field"):
        Selector({})


def test_shape_needs_a_dict():
    with pytest.raises(DaskflowInvalidDefinitionError, match="needs a dict"):
        Shape([int])


def test_enum_definition_errors():
    with pytest.raises(DaskflowInvalidDefinitionError, match="non-empty list"):
        Enum("E", [])
    with pytest.raises(DaskflowInvalidDefinitionError, match="duplicate"):
        Enum("E", [EnumValue("A"), EnumValue("A")])
    with pytest.raises(DaskflowInvalidDefinitionError, match="non-empty string"):
        EnumValue(3)


def test_enum_from_python_enum():
    fruit = Enum.from_python_enum(Fruit)
    assert fruit.name == "Fruit"
    assert fruit.config_values == ["APPLE", "PEAR"]
    assert [v.python_value for v in fruit.values] == [Fruit.APPLE, Fruit.PEAR]


def test_enum_value_python_value_defaults_to_config_value():
    assert EnumValue("A").python_value == "A"
    assert EnumValue("A", python_value=None).python_value is None


def test_scalar_union_definition_checks():
    union = ScalarUnion(str, {"path": str})
    assert union.scalar_type is String
    assert isinstance(union.non_scalar_schema, Shape)
    with pytest.raises(DaskflowInvalidDefinitionError, match="scalar_type"):
        ScalarUnion({"a": int}, {"b": int})
    with pytest.raises(DaskflowInvalidDefinitionError, match="non_scalar_schema"):
        ScalarUnion(str, int)


def test_noneable_and_array_resolve_their_inner_type():
    assert Noneable(int).inner is Int
    assert Array({"a": str}).inner.fields["a"].config_type is String
    with pytest.raises(DaskflowInvalidDefinitionError, match="Array needs a config type"):
        Array(None)
