"""resolve_daskflow_type and register_python_type."""

import inspect
import typing

import dask.dataframe as dd
import pandas as pd
import pytest

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.types import (
    Any,
    Bool,
    DaskDataFrame,
    DaskflowType,
    DataFrame,
    Dict,
    Float,
    Int,
    List,
    Optional,
    PythonObjectDaskflowType,
    String,
    dataframe_type,
    register_python_type,
    resolve_daskflow_type,
)


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (None, Any),
        (inspect.Parameter.empty, Any),
        (typing.Any, Any),
        (int, Int),
        (float, Float),
        (str, String),
        (bool, Bool),
        (dict, Dict),
        (dict[str, int], Dict),
        (typing.Dict[str, int], Dict),  # noqa: UP006
        (list, List[Any]),
        (typing.List, List[Any]),  # noqa: UP006
        (List, List[Any]),
        (pd.DataFrame, DataFrame),
        (dd.DataFrame, DaskDataFrame),
    ],
)
def test_simple_annotations(annotation, expected):
    assert resolve_daskflow_type(annotation) is expected


def test_optional_and_list_annotations():
    assert resolve_daskflow_type(int | None) is Optional[Int]
    assert resolve_daskflow_type(None | int) is Optional[Int]
    assert resolve_daskflow_type(typing.Optional[str]) is Optional[String]  # noqa: UP045
    assert resolve_daskflow_type(list[str]) is List[String]
    assert resolve_daskflow_type(typing.List[float]) is List[Float]  # noqa: UP006
    nested = resolve_daskflow_type(list[dict | None] | None)
    assert nested.display_name == "Optional[List[Optional[Dict]]]"
    assert resolve_daskflow_type(pd.DataFrame | None) is Optional[DataFrame]
    assert resolve_daskflow_type(typing.Annotated[int, "meta"]) is Int


def test_daskflow_types_resolve_to_themselves():
    custom = DaskflowType("Custom", lambda _ctx, _value: True)
    assert resolve_daskflow_type(custom) is custom
    assert resolve_daskflow_type(list[custom]) is List[custom]


def test_custom_classes_are_cached_python_object_types():
    class Thing:
        pass

    resolved = resolve_daskflow_type(Thing)
    assert isinstance(resolved, PythonObjectDaskflowType)
    assert resolved.name == "Thing" and resolved is resolve_daskflow_type(Thing)
    assert resolved.type_check(None, Thing()).success
    assert not resolved.type_check(None, object()).success
    assert resolve_daskflow_type(list[Thing]) is List[resolved]


def test_registered_classes():
    class Point:
        pass

    point_type = DaskflowType("Point", lambda _ctx, value: isinstance(value, Point))
    assert register_python_type(Point, point_type) is point_type
    assert resolve_daskflow_type(Point) is point_type
    assert resolve_daskflow_type(Point | None) is Optional[point_type]


def test_registration_can_refine_pandas_frames():
    schema_type = dataframe_type("Refined", {"a": int})

    class MyFrame(pd.DataFrame):
        pass

    register_python_type(MyFrame, schema_type)
    assert resolve_daskflow_type(MyFrame) is schema_type
    assert resolve_daskflow_type(pd.DataFrame) is DataFrame


def test_register_rejects_bad_arguments():
    with pytest.raises(DaskflowInvalidDefinitionError, match="needs a class"):
        register_python_type("Point", Int)
    with pytest.raises(DaskflowInvalidDefinitionError, match="DaskflowType"):
        register_python_type(int, int)


@pytest.mark.parametrize(
    "annotation",
    [int | str, typing.Union[int, str, None], 3, "int", typing.TypeVar("T")],  # noqa: UP007
)
def test_unsupported_annotations(annotation):
    with pytest.raises(DaskflowInvalidDefinitionError, match="cannot use"):
        resolve_daskflow_type(annotation)


def test_string_annotation_message_explains():
    with pytest.raises(DaskflowInvalidDefinitionError, match="get_type_hints"):
        resolve_daskflow_type("pd.DataFrame")
