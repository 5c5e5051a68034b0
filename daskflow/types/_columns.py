"""Dataframe schemas: ``Column`` rules and the per-partition check ``check_dataframe_partition``.

The check is pure, vectorised pandas and never raises on bad data: it returns one
``ColumnFailure`` per broken rule, so it can run inside each partition's Dask task
and the failures of all partitions can be merged with ``merge_column_failures``.

>>> import pandas as pd
>>> schema = DataFrameSchema({"sugars": Column(int, min_value=0), "name": str})
>>> frame = pd.DataFrame({"sugars": [3, -1, -2], "name": ["a", "b", "c"]})
>>> [f.message for f in check_dataframe_partition(schema, frame)]
['column "sugars": 2 rows below min_value 0']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.types._core import TypeCheck
from daskflow.types._dtypes import DtypeRule, dtype_mismatch, dtype_rule
from daskflow.types._summaries import Summary, all_allowed, summarize

__all__ = [
    "Column",
    "ColumnFailure",
    "DataFrameSchema",
    "check_dataframe_partition",
    "check_frame_structure",
    "merge_column_failures",
]

FrameCheck = Callable[[pd.DataFrame], "bool | TypeCheck | str | None"]


@dataclass(frozen=True)
class Column:
    """Rules for one column; ``dtype`` is matched by kind (see ``daskflow.types._dtypes``).

    >>> Column(float, min_value=0).dtype_rule.label
    'float'
    """

    dtype: Any = None
    nullable: bool = True
    min_value: Any = None
    max_value: Any = None
    allowed_values: Iterable[Any] | None = None
    unique: bool = False
    description: str | None = None
    dtype_rule: DtypeRule | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rule = None if self.dtype is None else dtype_rule(self.dtype)
        object.__setattr__(self, "dtype_rule", rule)
        if self.allowed_values is not None:
            object.__setattr__(self, "allowed_values", tuple(self.allowed_values))


@dataclass(frozen=True)
class ColumnFailure:
    """One broken rule: ``column`` is None for frame-level checks.

    ``rule`` is one of missing, duplicate, dtype, nullable, min_value, max_value,
    allowed_values, unique, strict, check. ``detail`` lets merged counts be re-worded.
    """

    column: str | None
    rule: str
    offending_rows: int
    message: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for events and metadata."""
        return {
            "column": self.column,
            "rule": self.rule,
            "offending_rows": self.offending_rows,
            "message": self.message,
        }


def _counted(column: str, rule: str, count: int, detail: str) -> ColumnFailure:
    """A failure whose message reads ``column "x": 3 rows <detail>``."""
    rows = "1 row" if count == 1 else f"{count} rows"
    return ColumnFailure(column, rule, count, f'column "{column}": {rows} {detail}', detail)


@dataclass(frozen=True)
class DataFrameSchema:
    """Columns (name -> ``Column``; a dtype spec is shorthand), frame checks, strictness.

    ``strict`` forbids columns the schema does not name.
    """

    columns: Mapping[str, Column]
    checks: Sequence[FrameCheck] = ()
    strict: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", as_columns(self.columns))
        checks = tuple(self.checks)
        for check in checks:
            if not callable(check):
                raise DaskflowInvalidDefinitionError(f"dataframe check {check!r} is not callable")
        object.__setattr__(self, "checks", checks)


def as_columns(specs: Mapping[str, Column | type | str]) -> dict[str, Column]:
    """Column rules by name; a type or dtype string is shorthand for ``Column(dtype=...)``."""
    return {
        name: spec if isinstance(spec, Column) else Column(dtype=spec)
        for name, spec in dict(specs).items()
    }


def check_dataframe_partition(schema: DataFrameSchema, pdf: pd.DataFrame) -> list[ColumnFailure]:
    """Every failure of ``pdf`` (a whole frame or one partition) against ``schema``.

    Data problems become failures, never exceptions; a frame check that raises, or
    returns something other than bool/TypeCheck/str/None, does raise (a user bug).

    >>> schema = DataFrameSchema({"x": int}, strict=True)
    >>> [f.rule for f in check_dataframe_partition(schema, pd.DataFrame({"y": [1]}))]
    ['missing', 'strict']
    """
    if not isinstance(pdf, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(pdf).__name__}")
    failures: list[ColumnFailure] = []
    present = pdf.columns
    for name, column in schema.columns.items():
        matches = _occurrences(present, name)
        if matches == 0:
            failures.append(ColumnFailure(name, "missing", len(pdf), f'missing column "{name}"'))
        elif matches > 1:
            failures.append(
                ColumnFailure(
                    name, "duplicate", len(pdf), f'column "{name}" appears {matches} times'
                )
            )
        else:
            failures.extend(_check_column(name, column, pdf[name]))
    if schema.strict:
        for extra in present:
            if extra not in schema.columns:
                failures.append(
                    ColumnFailure(
                        str(extra),
                        "strict",
                        len(pdf),
                        f'unexpected column "{extra}" (strict schema)',
                    )
                )
    failures.extend(_run_frame_checks(schema.checks, pdf))
    return failures


def _occurrences(present: pd.Index, name: str) -> int:
    """How many columns are called ``name`` (a hash lookup when names are unique)."""
    if present.is_unique:
        return int(name in present)
    return int((present == name).sum()) if len(present) else 0


_STRUCTURE_RULES = ("missing", "duplicate", "dtype", "strict")


def check_frame_structure(schema: DataFrameSchema, frame: Any) -> list[ColumnFailure]:
    """Only the column names and dtypes of ``frame`` (e.g. a lazy frame's empty ``_meta``).

    >>> schema = DataFrameSchema({"x": int, "y": Column(float, min_value=0)})
    >>> [f.message for f in check_frame_structure(schema, pd.DataFrame({"x": [1.5]}))]
    ['column "x": dtype float64, expected int', 'missing column "y"']
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    structure = DataFrameSchema(schema.columns, (), schema.strict)
    return [f for f in check_dataframe_partition(structure, frame) if f.rule in _STRUCTURE_RULES]


def _check_column(name: str, column: Column, series: pd.Series) -> list[ColumnFailure]:
    failures: list[ColumnFailure] = []
    dtype_ok = True
    if column.dtype_rule is not None:
        mismatch = dtype_mismatch(column.dtype_rule, series)
        if mismatch is not None:
            dtype_ok = False
            failures.append(
                ColumnFailure(name, "dtype", mismatch[0], f'column "{name}": {mismatch[1]}')
            )
    extremes = dtype_ok and (column.min_value is not None or column.max_value is not None)
    summary = summarize(series, extremes) if extremes or not column.nullable else None
    if summary is not None and not column.nullable and summary.nulls:
        failures.append(
            _counted(name, "nullable", summary.nulls, "with a null value (not nullable)")
        )
    if dtype_ok:
        failures.extend(_value_rules(name, column, series, summary))
    return failures


# A rule to count offending rows of: its name, the mask of offending rows, the wording.
_Rule = tuple[str, Callable[[], Any], str]


def _value_rules(
    name: str, column: Column, series: pd.Series, summary: Summary | None
) -> list[ColumnFailure]:
    """min/max/allowed/unique: each guarded so incomparable data becomes a failure."""
    failures = []
    for rule, offending_mask, detail in _suspect_rules(column, series, summary):
        try:
            count = int(offending_mask().sum())
        except (TypeError, ValueError) as exc:
            message = f'column "{name}": cannot apply {rule} ({type(exc).__name__}: {exc})'
            failures.append(ColumnFailure(name, rule, int(series.notna().sum()), message))
            continue
        if count:
            failures.append(_counted(name, rule, count, detail))
    return failures


def _suspect_rules(column: Column, series: pd.Series, summary: Summary | None) -> list[_Rule]:
    """The rules whose offending rows must be counted.

    Cheap summaries come first (min and max, the distinct values): offending rows are
    counted only for a rule the summary shows broken, so a passing partition pays one
    reduction per rule instead of a boolean mask per rule.
    """
    low, high = (summary.low, summary.high) if summary is not None else (None, None)
    low_rule, high_rule = column.min_value, column.max_value
    rules: list[_Rule] = []
    if low_rule is not None and not _holds(lambda: low >= low_rule):
        rules.append(("min_value", lambda: series < low_rule, f"below min_value {low_rule!r}"))
    if high_rule is not None and not _holds(lambda: high <= high_rule):
        rules.append(("max_value", lambda: series > high_rule, f"above max_value {high_rule!r}"))
    allowed = None if column.allowed_values is None else tuple(column.allowed_values)
    if allowed is not None and not all_allowed(series, allowed):
        mask = lambda: series.notna() & ~series.isin(allowed)  # noqa: E731
        rules.append(("allowed_values", mask, f"not in allowed_values {list(allowed)!r}"))
    if column.unique:
        mask = lambda: series[series.notna()].duplicated(keep=False)  # noqa: E731
        rules.append(("unique", mask, "with duplicated values (unique)"))
    return rules


def _holds(comparison: Callable[[], Any]) -> bool:
    """Whether a summary comparison is certainly true (NaN, None or an error: not sure)."""
    try:
        result = comparison()
    except (TypeError, ValueError):
        return False
    return result is True or result is np.True_


def _run_frame_checks(checks: Sequence[FrameCheck], pdf: pd.DataFrame) -> list[ColumnFailure]:
    failures = []
    for check in checks:
        check_name = getattr(check, "__name__", repr(check))
        message = _frame_check_failure(check_name, check(pdf))
        if message is not None:
            failures.append(ColumnFailure(None, "check", 0, message))
    return failures


def _frame_check_failure(check_name: str, result: Any) -> str | None:
    """The failure message of a frame check's result, or None if it passed."""
    if result is None or result is True:
        return None
    if isinstance(result, TypeCheck):
        return None if result.success else f'check "{check_name}": {result.description or "failed"}'
    if isinstance(result, str):
        return f'check "{check_name}": {result}'
    if isinstance(result, bool | np.bool_):
        return None if bool(result) else f'check "{check_name}" failed'
    raise TypeError(
        f'dataframe check "{check_name}" must return a bool, TypeCheck, str or None, '
        f"got {type(result).__name__} (for a Series of booleans, return .all())"
    )


def merge_column_failures(
    partitions: Iterable[Sequence[ColumnFailure]],
) -> list[ColumnFailure]:
    """Combine the failures of several partitions: same column and rule add up their rows.

    >>> part = [_counted("x", "min_value", 2, "below min_value 0")]
    >>> [f.message for f in merge_column_failures([part, part])]
    ['column "x": 4 rows below min_value 0']
    """
    merged: dict[tuple[str | None, str, str], ColumnFailure] = {}
    for failures in partitions:
        for failure in failures:
            key = (failure.column, failure.rule, failure.detail or failure.message)
            previous = merged.get(key)
            if previous is None:
                merged[key] = failure
            elif failure.detail and failure.column is not None:
                count = previous.offending_rows + failure.offending_rows
                merged[key] = _counted(failure.column, failure.rule, count, failure.detail)
            else:
                merged[key] = ColumnFailure(
                    failure.column,
                    failure.rule,
                    previous.offending_rows + failure.offending_rows,
                    previous.message,
                )
    return list(merged.values())
