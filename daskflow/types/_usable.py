"""Dagster's names for the type helpers: a class usable as a type, checking a value.

>>> @usable_as_daskflow_type
... class Point:
...     pass
>>> from daskflow.types._annotations import resolve_daskflow_type
>>> resolve_daskflow_type(Point).name
'Point'
>>> check_daskflow_type(int, "x").success
False
"""

from __future__ import annotations

from typing import Any, TypeVar

from daskflow.types._annotations import register_python_type, resolve_daskflow_type
from daskflow.types._builtins import PythonObjectDaskflowType
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._loaders import type_loader, type_materializer

__all__ = [
    "check_daskflow_type",
    "daskflow_type_loader",
    "daskflow_type_materializer",
    "make_python_type_usable_as_daskflow_type",
    "usable_as_daskflow_type",
]

T = TypeVar("T", bound=type)

daskflow_type_loader = type_loader
daskflow_type_materializer = type_materializer
make_python_type_usable_as_daskflow_type = register_python_type


def usable_as_daskflow_type(
    cls: T | None = None, *, name: str | None = None, description: str | None = None
) -> Any:
    """Class decorator: annotations of the class resolve to a ``PythonObjectDaskflowType``."""

    def register(klass: T) -> T:
        register_python_type(klass, PythonObjectDaskflowType(klass, name, description))
        return klass

    return register if cls is None else register(cls)


def check_daskflow_type(daskflow_type: object, value: Any) -> TypeCheck:
    """Type-check ``value`` against a type (or anything that resolves to one), outside a run."""
    resolved: DaskflowType = resolve_daskflow_type(daskflow_type)
    return resolved.type_check(TypeCheckContext.empty(), value)
