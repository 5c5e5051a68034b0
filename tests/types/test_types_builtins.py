"""Builtin types: scalars, Nothing, Dict, Optional/List composition, python classes."""

import pickle
from fractions import Fraction

import numpy as np
import pytest

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.types import (
    Any,
    Bool,
    DaskflowTypeCheckError,
    Dict,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    PythonObjectDaskflowType,
    String,
    TypeCheckContext,
)
from daskflow.types._builtins import list_of, optional_of

CTX = TypeCheckContext.empty()


def passes(daskflow_type, value):
    return daskflow_type.type_check(CTX, value).success


@pytest.mark.parametrize(
    ("daskflow_type", "good", "bad"),
    [
        (Any, [None, 1, "x", object()], []),
        (Int, [0, -3, 2**70, np.int64(4), np.uint8(1)], [True, 1.0, "1", None, np.bool_(True)]),
        (
            Float,
            [1.5, 2, np.float64(1.0), np.float32(2.0), np.int32(3), Fraction(1, 3)],
            [True, np.bool_(False), "1.0", None, 1j],
        ),
        (String, ["", "x"], [b"x", 1, None]),
        (Bool, [True, False, np.bool_(True)], [1, 0, "True", None]),
        (Nothing, [None], [0, "", False, []]),
        (Dict, [{}, {"a": 1}], [[("a", 1)], None, "{}"]),
    ],
)
def test_builtin_pass_and_fail(daskflow_type, good, bad):
    for value in good:
        assert passes(daskflow_type, value), value
    for value in bad:
        result = daskflow_type.type_check(CTX, value)
        assert not result.success, value
        assert f'for type "{daskflow_type.name}"' in result.description


def test_only_nothing_is_nothing():
    assert Nothing.is_nothing
    assert not any(t.is_nothing for t in (Any, Int, Float, String, Bool, Dict, Optional[Int]))


def test_optional():
    optional_int = Optional[Int]
    assert optional_int.display_name == "Optional[Int]"
    assert passes(optional_int, None) and passes(optional_int, 3)
    failed = optional_int.type_check(CTX, "3")
    assert not failed.success and 'for type "Int"' in failed.description
    assert optional_int.inner_types == (Int,)
    assert Optional[Int] is optional_int is Optional[int] is optional_of(Int)
    assert Optional[Optional[Int]] is optional_int


def test_list():
    list_int = List[Int]
    assert list_int.display_name == "List[Int]" and List[int] is list_int
    assert passes(list_int, []) and passes(list_int, [1, 2, 3])
    assert not passes(list_int, (1, 2))
    failed = list_int.type_check(CTX, [1, "a", 3, None])
    assert not failed.success
    assert failed.description.startswith("2 of 4 elements of List[Int] failed; first at index 1")
    assert 'Value of type "str"' in failed.description


def test_composition_and_display_names():
    nested = List[Optional[List[String]]]
    assert nested.display_name == "List[Optional[List[String]]]"
    assert nested.inner_types == (Optional[List[String]], List[String], String)
    assert passes(nested, [None, ["a"], []])
    failed = nested.type_check(CTX, [None, ["a", 1]])
    assert not failed.success and "first at index 1" in failed.description
    assert Optional[Dict].display_name == "Optional[Dict]"
    assert passes(List[Dict], [{}, {"k": 1}]) and not passes(List[Dict], [{}, []])
    assert passes(List[Any], [1, "x", None])


def test_nested_check_error_is_not_wrapped_twice():
    from daskflow.types import DaskflowType

    broken = DaskflowType("Broken", lambda _ctx, _value: 1 / 0)
    with pytest.raises(DaskflowTypeCheckError) as info:
        List[broken].type_check(CTX, [1])
    assert info.value.type_name == "Broken"
    assert isinstance(info.value.original, ZeroDivisionError)


def test_builtins_pickle_to_the_same_instances():
    for t in (Any, Int, Float, String, Bool, Nothing, Dict, Optional[Int], List[List[String]]):
        assert pickle.loads(pickle.dumps(t)) is t


class Animal:
    pass


class Dog(Animal):
    pass


def test_python_object_type():
    animal = PythonObjectDaskflowType(Animal)
    assert animal.name == "Animal" and animal.python_type is Animal
    assert passes(animal, Dog()) and not passes(animal, "dog")
    named = PythonObjectDaskflowType(Dog, name="Doggo", description="a dog")
    assert (named.name, named.description) == ("Doggo", "a dog")
    number = PythonObjectDaskflowType((int, float))
    assert number.name == "Union[int, float]"
    assert passes(number, 1) and passes(number, 1.5) and not passes(number, "1")
    assert pickle.loads(pickle.dumps(animal)).type_check(CTX, Dog()).success
    with pytest.raises(DaskflowInvalidDefinitionError):
        PythonObjectDaskflowType("Animal")


def test_optional_and_list_builders_share_instances():
    assert list_of(Int) is List[Int]
    assert optional_of(list_of(Int)) is Optional[list[int]]
