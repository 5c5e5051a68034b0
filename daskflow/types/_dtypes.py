"""Column dtype specs for dataframe schemas, matched by kind across pandas' dtype families.

A spec is a python type (``float`` matches float64, Float64, float32 and
``double[pyarrow]``), a kind name (``"int"``, ``"string"``, ``"datetime"``...), or a
concrete dtype (``"float32"``, ``pd.Int64Dtype()``) matched exactly. Datetime and
timedelta dtypes match any resolution (pandas picks ns/us/s depending on the source).

>>> import pandas as pd
>>> rule = dtype_rule(float)
>>> rule.label, dtype_mismatch(rule, pd.Series([1.5], dtype="Float64"))
('float', None)
>>> dtype_mismatch(dtype_rule("float32"), pd.Series([1.5]))
(1, 'dtype float64, expected float32')
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from daskflow.config import DaskflowInvalidDefinitionError

__all__ = ["DtypeRule", "dtype_mismatch", "dtype_rule"]

_ANY_TZ = "*"
_KIND_NAMES = {
    "float": "float",
    "floating": "float",
    "int": "int",
    "integer": "int",
    "bool": "bool",
    "boolean": "bool",
    "str": "str",
    "string": "str",
    "datetime": "datetime",
    "timedelta": "timedelta",
    "category": "category",
    "object": "object",
}
_PYTHON_KINDS = {
    float: "float",
    int: "int",
    bool: "bool",
    str: "str",
    object: "object",
    datetime.datetime: "datetime",
    datetime.timedelta: "timedelta",
}


@dataclass(frozen=True)
class DtypeRule:
    """A parsed dtype spec: a ``kind`` family, or an ``exact`` dtype when kind is None.

    ``tz`` only concerns datetimes: ``"*"`` any zone, ``""`` naive, else that zone.
    """

    label: str
    kind: str | None
    exact: Any = None
    tz: str = _ANY_TZ


def dtype_rule(spec: Any) -> DtypeRule:
    """Parse a column dtype spec, raising ``DaskflowInvalidDefinitionError`` if unknown."""
    if isinstance(spec, type) and spec in _PYTHON_KINDS:
        return DtypeRule(spec.__name__, _PYTHON_KINDS[spec])
    if isinstance(spec, str) and spec in _KIND_NAMES:
        return DtypeRule(spec, _KIND_NAMES[spec])
    if isinstance(spec, type) and not issubclass(spec, np.generic):
        raise DaskflowInvalidDefinitionError(
            f"unsupported column dtype {spec.__name__}: use float, int, bool, str, "
            "datetime.datetime, a dtype string such as 'float32', or a pandas dtype"
        )
    try:
        dtype = pdt.pandas_dtype(spec)
    except (TypeError, ValueError) as exc:
        raise DaskflowInvalidDefinitionError(f"unknown column dtype {spec!r}: {exc}") from None
    label = spec if isinstance(spec, str) else str(dtype)
    if dtype.kind == "M":
        return DtypeRule(label, "datetime", tz=_tz_name(dtype))
    if dtype.kind == "m":
        return DtypeRule(label, "timedelta")
    return DtypeRule(label, None, exact=dtype)


def _tz_name(dtype: Any) -> str:
    tz = getattr(dtype, "tz", None)
    if isinstance(dtype, pd.ArrowDtype):
        tz = dtype.pyarrow_dtype.tz
    return "" if tz is None else str(tz)


def _is_string_dtype(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        arrow = dtype.pyarrow_dtype
        return (
            pa.types.is_string(arrow)
            or pa.types.is_large_string(arrow)
            or pa.types.is_string_view(arrow)
        )
    return False


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _kind_matches(rule: DtypeRule, dtype: Any) -> bool:
    kind = rule.kind
    if kind == "float":
        return pdt.is_float_dtype(dtype)
    if kind == "int":
        return pdt.is_integer_dtype(dtype)
    if kind == "bool":
        return pdt.is_bool_dtype(dtype)
    if kind == "str":
        return _is_string_dtype(dtype)
    if kind == "datetime":
        return pdt.is_datetime64_any_dtype(dtype) and rule.tz in (_ANY_TZ, _tz_name(dtype))
    if kind == "timedelta":
        return getattr(dtype, "kind", None) == "m"
    if kind == "category":
        return isinstance(dtype, pd.CategoricalDtype)
    if kind == "object":
        return _is_object(dtype)
    return dtype == rule.exact


def _non_str_rows(series: pd.Series) -> int:
    """Rows of an object column holding something other than a str (nulls excepted)."""
    if pdt.infer_dtype(series, skipna=True) in ("string", "empty"):
        return 0
    is_str = series.map(lambda value: isinstance(value, str)).astype(bool)
    return int((series.notna() & ~is_str).sum())


def dtype_mismatch(rule: DtypeRule, series: pd.Series) -> tuple[int, str] | None:
    """``None`` if ``series`` matches, else ``(offending_rows, message_tail)``.

    An object column matches ``str`` when all its non-null values are str; then only
    the rows that are not count as offending.
    """
    dtype = series.dtype
    if rule.kind == "str" and _is_object(dtype):
        bad = _non_str_rows(series)
        return None if bad == 0 else (bad, f"{_rows(bad)} not str (dtype object)")
    if _kind_matches(rule, dtype):
        return None
    return len(series), f"dtype {dtype}, expected {rule.label}"


def _rows(count: int) -> str:
    return f"{count} row is" if count == 1 else f"{count} rows are"
