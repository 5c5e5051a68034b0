"""Check a TPC-H answer against DuckDB's: columns, row count, rows in ORDER BY order, values.

Floats (and numbers compared with floats) must agree within ``rtol`` (DuckDB sums exact
decimals, Dask sums float64); integers, strings and dates must be equal. Where the query's
ORDER BY is not a total order (rows whose sort keys are equal), those rows may come in any
order: each run of tied rows in DuckDB's answer is compared as a set. (Ties that straddle a
LIMIT cannot be detected from the answers alone; the default TPC-H parameters have none.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Each query's ORDER BY: (column, ascending).
ORDER_BY: dict[int, list[tuple[str, bool]]] = {
    1: [("l_returnflag", True), ("l_linestatus", True)],
    3: [("revenue", False), ("o_orderdate", True)],
    5: [("revenue", False)],
    6: [],
    10: [("revenue", False)],
    18: [("o_totalprice", False), ("o_orderdate", True)],
}


def assert_same_answer(
    ours: pd.DataFrame, duckdb: pd.DataFrame, query: int, rtol: float = 1e-6
) -> None:
    """Raise ``AssertionError`` naming the query, column and row where ``ours`` differs."""
    name = f"TPC-H Q{query}"
    if list(ours.columns) != list(duckdb.columns):
        raise AssertionError(
            f"{name}: columns differ:\n  ours:   {list(ours.columns)}\n"
            f"  DuckDB: {list(duckdb.columns)}"
        )
    if len(ours) != len(duckdb):
        raise AssertionError(f"{name}: {len(ours)} rows, DuckDB has {len(duckdb)}")
    ours = ours.reset_index(drop=True)
    duckdb = duckdb.reset_index(drop=True)
    groups = tie_groups(duckdb, [col for col, _ in ORDER_BY.get(query, [])], rtol)
    ours, duckdb = canonical_order(ours, groups), canonical_order(duckdb, groups)
    for column in duckdb.columns:
        _assert_column(name, column, ours[column], duckdb[column], rtol)


def tie_groups(df: pd.DataFrame, keys: list[str], rtol: float) -> np.ndarray:
    """Per row, the number of its run of consecutive rows with equal sort ``keys``."""
    if len(df) == 0:
        return np.zeros(0, dtype=int)
    if not keys:  # no ORDER BY: the whole answer is one set
        return np.zeros(len(df), dtype=int)
    same_as_previous = np.ones(len(df) - 1, dtype=bool)
    for key in keys:
        values = df[key]
        same_as_previous &= _equal(values.iloc[1:], values.iloc[:-1], rtol)
    return np.concatenate([[0], np.cumsum(~same_as_previous)])


def canonical_order(df: pd.DataFrame, groups: np.ndarray) -> pd.DataFrame:
    """Rows sorted by all columns within each tie group; groups keep their positions."""
    if len(df) == 0:
        return df
    exact = [c for c in df.columns if not pd.api.types.is_float_dtype(df[c].dtype)]
    floats = [c for c in df.columns if c not in exact]
    keyed = df.assign(_tie_group=groups)
    ordered = keyed.sort_values(["_tie_group", *exact, *floats], kind="stable")
    return ordered.drop(columns="_tie_group").reset_index(drop=True)


def _equal(a: pd.Series, b: pd.Series, rtol: float) -> np.ndarray:
    """Element-wise equality: within ``rtol`` if either side is float, else exact."""
    kind_a, kind_b = _kind(a.dtype), _kind(b.dtype)
    if kind_a == kind_b == "number" and "f" in (a.dtype.kind, b.dtype.kind):
        x, y = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
        return np.isclose(x, y, rtol=rtol, atol=0.0, equal_nan=True)
    if kind_a != kind_b:
        return np.zeros(len(a), dtype=bool)
    if kind_a == "datetime":
        a, b = a.astype("datetime64[ns]"), b.astype("datetime64[ns]")
    x, y = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    return np.array(
        [u == v or (pd.isna(u) and pd.isna(v)) for u, v in zip(x, y, strict=True)], dtype=bool
    )


def _kind(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_string_dtype(dtype):
        return "string"
    return str(dtype)


def _assert_column(name: str, column: str, ours: pd.Series, duckdb: pd.Series, rtol: float) -> None:
    if _kind(ours.dtype) != _kind(duckdb.dtype):
        raise AssertionError(
            f"{name}, column {column!r}: ours has dtype {ours.dtype}, DuckDB {duckdb.dtype}"
        )
    equal = _equal(ours, duckdb, rtol)
    if equal.all():
        return
    bad = np.flatnonzero(~equal)
    row = int(bad[0])
    raise AssertionError(
        f"{name}, column {column!r}, row {row} (in ORDER BY order; {len(bad)} of {len(equal)} "
        f"rows differ): ours {_show(ours.iloc[row])} != DuckDB {_show(duckdb.iloc[row])}"
        + (f" (rtol={rtol})" if pd.api.types.is_float_dtype(duckdb.dtype) else "")
    )


def _show(value) -> str:
    """A cell for a message: numpy scalars as plain Python values (2.0, not np.float64(2.0))."""
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        value = value.item()
    return repr(value)
