"""Columns a checked upstream output already vouches for: their rules are not checked twice.

Solids often hand columns on unchanged: a filter keeps some rows, a projection or a
``drop`` keeps some columns, an ``assign`` adds others, an inner merge copies rows of
either side. A value such a column holds in the output is a value it held in the
upstream output, whose rules were checked partition by partition (in memory: inside
each partition's task; persisted: before each part was written). So a downstream rule
that the upstream rule implies (same dtype rule, not nullable, a min, a max or allowed
values at least as strict) cannot fail, and checking it again only costs time.

:class:`CheckedFrames` records the checked outputs of a run's graph (by expression name)
and, given a new output's collection, walks each schema column back through the
operations above (nothing else: any other operation may change values) to a checked
output. ``unique`` is proven only without a merge (which can repeat rows); frame-level
checks always run. This reads the unoptimized expressions of Dask's ``dask_expr`` (private
classes, imported defensively: if they move, nothing is proven and every rule is checked).

>>> import pandas as pd, dask.dataframe as dd
>>> from daskflow.types import Column, DataFrameSchema
>>> upstream = dd.from_pandas(pd.DataFrame({"x": [1, 2], "y": [3, 4]}), npartitions=1)
>>> checked = CheckedFrames()
>>> rules = DataFrameSchema({"x": Column(int, min_value=0), "y": Column(int, min_value=3)})
>>> checked.add(upstream, rules)
>>> downstream = upstream[upstream.x > 1].assign(z=upstream.x * 2)
>>> wanted = DataFrameSchema({"x": Column(int, min_value=-5), "z": Column(int, min_value=0)})
>>> left = checked.unproven(downstream, wanted)
>>> left.columns["x"] == Column(), left.columns["z"] == wanted.columns["z"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from daskflow.types import Column, DataFrameSchema

__all__ = ["CheckedFrames"]


@dataclass(frozen=True)
class _Origin:
    """The rule a checked output holds for a column, and whether rows were only kept."""

    rule: Column
    rows_kept_once: bool  # False after a merge: a value may now appear several times


class CheckedFrames:
    """The outputs of a run's graph whose declared schema holds in every partition."""

    def __init__(self) -> None:
        self._schemas: dict[str, DataFrameSchema] = {}

    def add(self, collection: Any, schema: DataFrameSchema | None) -> None:
        """Record that every partition of ``collection`` satisfies ``schema``."""
        name = _expr_name(collection)
        if name is not None and schema is not None:
            self._schemas[name] = schema

    def unproven(self, collection: Any, schema: DataFrameSchema) -> DataFrameSchema:
        """``schema`` without the column rules a checked upstream output already proves."""
        if not self._schemas or _ops() is None:
            return schema
        expr = getattr(collection, "expr", None)
        if expr is None or not isinstance(getattr(expr, "_meta", None), pd.DataFrame):
            return schema
        columns = {
            name: _remaining(rule, self._origin(expr, name))
            for name, rule in schema.columns.items()
        }
        return DataFrameSchema(columns, schema.checks, schema.strict)

    def _origin(self, expr: Any, column: str) -> _Origin | None:
        """Where ``column`` of ``expr`` comes from unchanged, if from a checked output."""
        kept_once = True
        while expr is not None:
            schema = self._schemas.get(expr._name)
            if schema is not None:
                rule = schema.columns.get(column)
                return None if rule is None else _Origin(rule, kept_once)
            ops = _ops()
            if ops is not None and isinstance(expr, ops.Merge):
                kept_once = False
            expr = _operand_holding(expr, column)
        return None


def _operand_holding(expr: Any, column: str) -> Any:
    """The frame whose ``column`` ``expr`` hands on unchanged (rows kept or copied)."""
    ops = _ops()
    if ops is None:
        return None
    if isinstance(expr, ops.Filter | ops.Drop):
        return expr.frame
    if isinstance(expr, ops.Projection):
        return expr.frame if column in _names(expr.operand("columns")) else None
    if isinstance(expr, ops.Assign):
        return None if column in expr.keys else expr.frame
    if isinstance(expr, ops.Merge):
        return _merge_side(expr, column)
    return None


def _remaining(rule: Column, origin: _Origin | None) -> Column:
    """The parts of ``rule`` that ``origin``'s rule does not imply."""
    if origin is None:
        return rule
    up = origin.rule
    same_dtype = rule.dtype is None or (up.dtype is not None and up.dtype_rule == rule.dtype_rule)
    low, high = rule.min_value, rule.max_value
    return Column(
        dtype=None if same_dtype else rule.dtype,
        nullable=rule.nullable or not up.nullable,
        min_value=None if low is None or _at_least(up.min_value, low) else low,
        max_value=None if high is None or _at_least(high, up.max_value) else high,
        allowed_values=_unproven_allowed(rule.allowed_values, up.allowed_values),
        unique=rule.unique and not (up.unique and origin.rows_kept_once),
        description=rule.description,
    )


def _at_least(value: Any, bound: Any) -> bool:
    """Whether ``value >= bound`` certainly holds (None or incomparable: not proven)."""
    if value is None or bound is None:
        return False
    try:
        return bool(value >= bound)
    except (TypeError, ValueError):
        return False


def _unproven_allowed(wanted: Iterable[Any] | None, upstream: Iterable[Any] | None) -> Any:
    if wanted is None:
        return None
    wanted = tuple(wanted)
    if upstream is not None and all(value in wanted for value in upstream):
        return None
    return wanted


def _merge_side(merge: Any, column: str) -> Any:
    """The side of a merge a column comes from unchanged (no nulls added), else None."""
    on_left = column in merge.left._meta.columns
    on_right = column in merge.right._meta.columns
    if on_left == on_right:  # both (suffixed, or a shared key) or neither
        return None
    if on_left and merge.how in ("inner", "left", "leftsemi"):
        return merge.left
    if on_right and merge.how in ("inner", "right"):
        return merge.right
    return None


def _names(columns: Any) -> list[Any]:
    return list(columns) if isinstance(columns, list | tuple | pd.Index) else [columns]


def _expr_name(collection: Any) -> str | None:
    expr = getattr(collection, "expr", None)
    return None if expr is None else expr._name


class _Ops:
    """The ``dask_expr`` expression classes the walk understands."""

    def __init__(self) -> None:
        from dask.dataframe.dask_expr import _expr
        from dask.dataframe.dask_expr._merge import Merge

        self.Filter = _expr.Filter
        self.Drop = _expr.Drop
        self.Projection = _expr.Projection
        self.Assign = _expr.Assign
        self.Merge = Merge


_OPS: list[_Ops | None] = []


def _ops() -> _Ops | None:
    """The expression classes, or None when this Dask does not have them (prove nothing)."""
    if not _OPS:
        try:
            _OPS.append(_Ops())
        except (ImportError, AttributeError):
            _OPS.append(None)
    return _OPS[0]
