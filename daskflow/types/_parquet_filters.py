"""Parquet row filters from YAML, made to fit the dataset's column types.

YAML gives filter literals as strings, numbers or dates, and pyarrow refuses to compare a
``date32`` column with the string ``"1998-09-02"``. ``typed_filters`` converts each literal
to the Python value of its column's arrow type (read lazily: one parquet footer), and
reports what cannot be converted with the filter's config path.

>>> import pyarrow as pa
>>> schema = pa.schema([("l_shipdate", pa.date32()), ("l_tax", pa.decimal128(12, 2))])
>>> date, taxes = typed_filters([["l_shipdate", "<=", "1998-09-02"],
...                              ["l_tax", "in", ["0.02", 0.04]]], lambda: schema)
>>> date, taxes[2]
(('l_shipdate', '<=', datetime.date(1998, 9, 2)), [Decimal('0.02'), Decimal('0.04')])
>>> try:
...     typed_filters([["l_shipdate", "<", "1998-02-30"]], lambda: schema)
... except DaskflowTypeLoadError as exc:
...     print(exc.config_key, "|", str(exc).split("): ", 1)[1][:72])
parquet.filters[0] | column "l_shipdate" holds date32[day] values; "1998-02-30" is not a date
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable
from typing import Any

from daskflow.errors import DaskflowTypeLoadError

__all__ = ["normalise_filters", "parquet_schema", "typed_filters"]

OPERATORS = ("=", "==", "!=", "<", "<=", ">", ">=", "in", "not in")
_KEY = "parquet.filters"


def _error(path: str, predicate: Any, problem: str) -> DaskflowTypeLoadError:
    shown = (
        json.dumps(list(predicate), default=str)
        if isinstance(predicate, list | tuple)
        else repr(predicate)
    )
    return DaskflowTypeLoadError(
        f'DaskDataFrame loader: config "{path}" ({shown}): {problem}', config_key=path
    )


def normalise_filters(filters: Any) -> list[tuple[str, Any, Any]] | list[list[tuple]]:
    """``[(col, op, value), ...]`` (AND) or ``[[...], [...]]`` (OR of ANDs), checked.

    Each predicate is a list of three: a column name, an operator, a value (a list for
    ``in``/``not in``). A bad one is reported with its path, e.g. ``parquet.filters[1][0]``.
    """
    if not isinstance(filters, list | tuple) or not filters:
        raise DaskflowTypeLoadError(
            f'DaskDataFrame loader: "{_KEY}" must be a non-empty list of [column, op, value] '
            f"predicates (or a list of such lists), got {filters!r}",
            config_key=_KEY,
        )
    if all(
        isinstance(item, list | tuple) and item and isinstance(item[0], str) for item in filters
    ):
        return [_predicate(item, f"{_KEY}[{i}]") for i, item in enumerate(filters)]
    groups = []
    for i, group in enumerate(filters):
        if not isinstance(group, list | tuple) or not group:
            raise _error(
                f"{_KEY}[{i}]",
                group,
                "expected a [column, op, value] predicate or a non-empty list of them",
            )
        groups.append([_predicate(item, f"{_KEY}[{i}][{j}]") for j, item in enumerate(group)])
    return groups


def _predicate(item: Any, path: str) -> tuple[str, str, Any]:
    if not isinstance(item, list | tuple) or len(item) != 3 or not isinstance(item[0], str):
        raise _error(path, item, "expected [column, op, value]")
    column, op, value = item
    if op not in OPERATORS:
        raise _error(
            path,
            item,
            f"unknown operator {op!r}; use one of " + ", ".join(repr(o) for o in OPERATORS),
        )
    if op in ("in", "not in") and not isinstance(value, list | tuple | set):
        raise _error(path, item, f'"{op}" needs a list of values, got {value!r}')
    return column, op, value


def typed_filters(filters: Any, schema: Callable[[], Any]) -> list:
    """``normalise_filters`` with every literal converted to its column's arrow type.

    ``schema()`` returns the dataset's ``pyarrow.Schema``; it is called once, and only when
    a literal could need converting (a string, a date or a number).
    """
    normalised = normalise_filters(filters)
    grouped = bool(normalised) and isinstance(normalised[0], list)
    groups = normalised if grouped else [normalised]
    found: list[Any] = []

    def arrow_schema() -> Any:
        if not found:
            found.append(schema())
        return found[0]

    converted = []
    for i, group in enumerate(groups):
        out = []
        for j, predicate in enumerate(group):
            path = f"{_KEY}[{i}][{j}]" if grouped else f"{_KEY}[{j}]"
            out.append(_typed(predicate, path, arrow_schema))
        converted.append(out)
    return converted if grouped else converted[0]


def _typed(predicate: tuple[str, str, Any], path: str, schema: Callable[[], Any]) -> tuple:
    column, op, value = predicate
    values = list(value) if op in ("in", "not in") else [value]
    if not any(_may_need_conversion(v) for v in values):
        return predicate
    arrow = schema()
    if column not in arrow.names:
        raise _error(
            path,
            predicate,
            f'the dataset has no column "{column}" (its columns: {", ".join(arrow.names)})',
        )
    arrow_type = arrow.field(column).type
    typed = [_convert(v, arrow_type, path, predicate, column) for v in values]
    return column, op, typed if op in ("in", "not in") else typed[0]


def _may_need_conversion(value: Any) -> bool:
    return isinstance(value, str | datetime.date | int | float) and not isinstance(value, bool)


def _convert(value: Any, arrow_type: Any, path: str, predicate: Any, column: str) -> Any:
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    types = pa.types
    try:
        if types.is_date(arrow_type):
            return _to_date(value)
        if types.is_timestamp(arrow_type):
            return _to_timestamp(value, arrow_type.tz)
        if types.is_decimal(arrow_type):
            return _to_decimal(value)
        if types.is_integer(arrow_type) and isinstance(value, str):
            return int(value)
        if types.is_floating(arrow_type) and isinstance(value, str):
            return float(value)
        is_text = types.is_string(arrow_type) or types.is_large_string(arrow_type)
        if is_text and not isinstance(value, str):
            raise TypeError(f"a {type(value).__name__}, not a string")
        return value
    except (TypeError, ValueError, ArithmeticError, pd.errors.OutOfBoundsDatetime) as exc:
        raise _error(
            path,
            predicate,
            f'column "{column}" holds {arrow_type} values; '
            f"{json.dumps(value, default=str)} is not "
            f"{_expected(arrow_type)}: {exc}",
        ) from exc


def _expected(arrow_type: Any) -> str:
    import pyarrow as pa

    if pa.types.is_date(arrow_type):
        return "a date (write it as YYYY-MM-DD, e.g. 1998-09-02)"
    if pa.types.is_timestamp(arrow_type):
        return "a timestamp (e.g. 1998-09-02 or 1998-09-02T12:30:00)"
    if pa.types.is_decimal(arrow_type):
        return 'a decimal number (e.g. "0.05")'
    if pa.types.is_integer(arrow_type):
        return "an integer"
    if pa.types.is_floating(arrow_type):
        return "a number"
    return f"a {arrow_type} value"


def _to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise TypeError(f"a {type(value).__name__}, not a date")


def _to_timestamp(value: Any, tz: str | None) -> Any:
    import pandas as pd

    if not isinstance(value, str | datetime.date):
        raise TypeError(f"a {type(value).__name__}, not a timestamp")
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        raise ValueError("not a time")
    if tz is not None:
        stamp = stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)
    elif stamp.tzinfo is not None:
        raise ValueError("the column has no time zone; write the timestamp without one")
    return stamp


def _to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        number = decimal.Decimal(str(value).strip())
        if not number.is_finite():
            raise ValueError("not a finite number")
        return number
    raise TypeError(f"a {type(value).__name__}, not a number")


def parquet_schema(path: str, storage_options: dict[str, Any] | None) -> Any:
    """The arrow schema of the parquet dataset at ``path`` (a file, directory or glob).

    Reads the footer of one file (directories: hive partition columns included).
    """
    import pyarrow.dataset as ds
    from fsspec.core import get_fs_token_paths

    fs, _, paths = get_fs_token_paths(path, storage_options=dict(storage_options or {}))
    if not paths:
        raise FileNotFoundError(path)
    if len(paths) == 1 and fs.isdir(paths[0]):
        return ds.dataset(paths[0], filesystem=fs, format="parquet", partitioning="hive").schema
    if not fs.exists(paths[0]):
        raise FileNotFoundError(path)
    return ds.dataset(paths[0], filesystem=fs, format="parquet").schema
