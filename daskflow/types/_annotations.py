"""From python annotations to daskflow types: ``resolve_daskflow_type`` and friends.

Solids declare inputs and outputs with ordinary annotations (``int``, ``list[str]``,
``pandas.DataFrame | None``, a class); this module maps them to ``DaskflowType``s.

>>> resolve_daskflow_type(int | None).display_name
'Optional[Int]'
>>> resolve_daskflow_type(list[str]).display_name
'List[String]'
>>> Optional[List[int]].display_name
'Optional[List[Int]]'
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Callable

from daskflow.config import ConfigType, DaskflowInvalidDefinitionError
from daskflow.types._builtins import (
    Any,
    Bool,
    Dict,
    Float,
    Int,
    PythonObjectDaskflowType,
    String,
    list_of,
    optional_of,
)
from daskflow.types._collections import set_of, tuple_of
from daskflow.types._core import DaskflowType
from daskflow.types._dask import DaskDataFrame, DaskSeries
from daskflow.types._dataframe import DataFrame

__all__ = ["List", "Optional", "Set", "Tuple", "register_python_type", "resolve_daskflow_type"]

_SCALARS: dict[type, DaskflowType] = {int: Int, float: Float, str: String, bool: Bool}
_REGISTERED: dict[type, DaskflowType] = {}
_PYTHON_OBJECT_TYPES: dict[type, DaskflowType] = {}


class _TypeFactory:
    """A subscriptable builder: ``Optional[Int]``, ``List[str]`` (python types resolved)."""

    def __init__(self, name: str, build: Callable[[DaskflowType], DaskflowType]) -> None:
        self._name = name
        self._build = build

    def __getitem__(self, item: object) -> DaskflowType:
        return self._build(resolve_daskflow_type(item))

    def __repr__(self) -> str:
        return f"daskflow.types.{self._name}"


class _TupleFactory:
    """``Tuple[Int, str]``: one type per element."""

    def __getitem__(self, items: object) -> DaskflowType:
        elements = items if isinstance(items, tuple) else (items,)
        return tuple_of(tuple(resolve_daskflow_type(e) for e in elements))

    def __repr__(self) -> str:
        return "daskflow.types.Tuple"


def _no_nothing(
    kind: str, build: Callable[[DaskflowType], DaskflowType]
) -> Callable[[DaskflowType], DaskflowType]:
    def checked(inner: DaskflowType) -> DaskflowType:
        if inner.is_nothing:
            raise DaskflowInvalidDefinitionError(
                f"{kind}[Nothing] is not a type: Nothing carries no value; use Nothing alone "
                "for an ordering-only input or output"
            )
        return build(inner)

    return checked


Optional = _TypeFactory("Optional", _no_nothing("Optional", optional_of))
List = _TypeFactory("List", _no_nothing("List", list_of))
Set = _TypeFactory("Set", _no_nothing("Set", set_of))
Tuple = _TupleFactory()


def register_python_type(python_type: type, daskflow_type: DaskflowType) -> DaskflowType:
    """Make annotations of ``python_type`` resolve to ``daskflow_type``; returns the latter.

    >>> class Point: ...
    >>> PointType = PythonObjectDaskflowType(Point, name="Point2D")
    >>> register_python_type(Point, PointType) is resolve_daskflow_type(Point)
    True
    """
    if not isinstance(python_type, type):
        raise DaskflowInvalidDefinitionError(
            f"register_python_type needs a class, got {python_type!r}"
        )
    if not isinstance(daskflow_type, DaskflowType):
        raise DaskflowInvalidDefinitionError(
            f"register_python_type maps {python_type.__name__} to a DaskflowType, "
            f"got {daskflow_type!r}"
        )
    registered = _REGISTERED.get(python_type)
    if registered is not None and registered is not daskflow_type:
        raise DaskflowInvalidDefinitionError(
            f"{python_type.__name__} is already registered to the type "
            f'"{registered.display_name}"; register each python class once'
        )
    _REGISTERED[python_type] = daskflow_type
    return daskflow_type


def resolve_daskflow_type(annotation: object) -> DaskflowType:
    """The DaskflowType for an annotation (or a DaskflowType, returned as is).

    >>> resolve_daskflow_type(None) is Any, resolve_daskflow_type(bool) is Bool
    (True, True)
    """
    if isinstance(annotation, DaskflowType):
        return annotation
    if isinstance(annotation, ConfigType):
        return _from_config_scalar(annotation)
    if annotation is None or annotation is inspect.Parameter.empty or annotation is typing.Any:
        return Any
    if annotation is List:
        return list_of(Any)
    if isinstance(annotation, type) and annotation in _REGISTERED:
        return _REGISTERED[annotation]
    origin = typing.get_origin(annotation)
    if origin is not None:
        return _resolve_generic(annotation, origin)
    if isinstance(annotation, type):
        return _resolve_class(annotation)
    raise DaskflowInvalidDefinitionError(_unsupported(annotation))


def _resolve_generic(annotation: object, origin: object) -> DaskflowType:
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return resolve_daskflow_type(args[0])
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        if len(others) == 1 and len(others) < len(args):
            return optional_of(resolve_daskflow_type(others[0]))
        raise DaskflowInvalidDefinitionError(
            f"cannot use {annotation!r} as a daskflow type: only `X | None` unions are "
            "supported; define a DaskflowType (e.g. PythonObjectDaskflowType((A, B))) instead"
        )
    if origin is list:
        return List[args[0]] if args else list_of(Any)
    if origin in (set, frozenset):
        return Set[args[0]] if args else set_of(Any)
    if origin is tuple:
        return Tuple[args] if args and args[-1] is not Ellipsis else PythonObjectDaskflowType(tuple)
    if origin is dict:
        return Dict
    raise DaskflowInvalidDefinitionError(_unsupported(annotation))


def _from_config_scalar(config_type: ConfigType) -> DaskflowType:
    """``InputDefinition("x", daskflow.config.Int)``: the config scalars name types too."""
    for daskflow_type in (Any, Int, Float, String, Bool):
        if daskflow_type.as_config_type() is config_type:
            return daskflow_type
    raise DaskflowInvalidDefinitionError(
        f"the config type {config_type!r} is not a daskflow type; the config scalars Int, "
        "Float, String, Bool and Any are, and so are List[...], Optional[...] and DaskflowTypes"
    )


def _resolve_class(cls: type) -> DaskflowType:
    if cls in _SCALARS:
        return _SCALARS[cls]
    if cls is list:
        return list_of(Any)
    if cls in (set, frozenset):
        return set_of(Any)
    if cls is dict:
        return Dict
    pandas = sys.modules.get("pandas")
    if pandas is not None and cls is pandas.DataFrame:
        return DataFrame
    dask_dataframe = sys.modules.get("dask.dataframe")  # a dask class implies it is imported
    if dask_dataframe is not None and issubclass(cls, dask_dataframe.DataFrame):
        return DaskDataFrame
    if dask_dataframe is not None and issubclass(cls, dask_dataframe.Series):
        return DaskSeries
    if cls not in _PYTHON_OBJECT_TYPES:
        _PYTHON_OBJECT_TYPES[cls] = PythonObjectDaskflowType(cls)
    return _PYTHON_OBJECT_TYPES[cls]


def _unsupported(annotation: object) -> str:
    hint = ""
    if isinstance(annotation, str):
        hint = (
            " (a string annotation: resolve it first, e.g. with typing.get_type_hints, "
            "which `from __future__ import annotations` requires)"
        )
    return (
        f"cannot use {annotation!r} as a daskflow type{hint}; use a class, int/float/str/bool, "
        "list[X], dict, X | None, or a DaskflowType"
    )
