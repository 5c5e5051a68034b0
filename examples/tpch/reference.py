"""Reference answers to the TPC-H queries, computed by DuckDB from the same parquet files.

The SQL in ``queries/q<N>.sql`` is the TPC-H text with the spec's default substitution
parameters; each table name refers to a DuckDB view over ``<data_dir>/<table>/*.parquet``.
DuckDB computes on the exact ``DECIMAL(15, 2)`` values (sums become ``DECIMAL(38, s)``,
averages ``DOUBLE``); the answer is returned as pandas with the columns converted the way
``tables.py`` converts the inputs: decimals -> float64, dates -> datetime64[ms], text -> str.

DuckDB is a test and benchmark dependency only (daskflow's ``dev`` extra).
"""

from __future__ import annotations

import decimal
import os
from pathlib import Path

import duckdb
import pandas as pd

from .data import TABLES
from .tables import DATE_UNIT

QUERIES = (1, 3, 5, 6, 10, 18)
QUERY_DIR = Path(__file__).parent / "queries"


def query_sql(query: int) -> str:
    """The SQL text of TPC-H query ``query``."""
    if query not in QUERIES:
        raise ValueError(f"no TPC-H query {query}; available: {QUERIES}")
    return (QUERY_DIR / f"q{query}.sql").read_text()


def connect(data_dir: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per TPC-H table in ``data_dir``."""
    con = duckdb.connect()
    for table in TABLES:
        pattern = f"{os.fspath(data_dir).rstrip('/')}/{table}/*.parquet".replace("'", "''")
        con.execute(f"create view {table} as select * from read_parquet('{pattern}')")
    return con


def duckdb_answer(query: int, data_dir: str | os.PathLike) -> pd.DataFrame:
    """DuckDB's answer to TPC-H query ``query`` on the tables in ``data_dir``.

    Columns in the query's select order, rows in its ORDER BY order (and LIMIT), with
    decimals as float64 and dates as ``datetime64[ms]``; the index is 0..n-1.
    """
    sql = query_sql(query)
    con = connect(data_dir)
    try:
        answer = con.execute(sql).df()
    finally:
        con.close()
    return normalize(answer)


def normalize(df: pd.DataFrame) -> pd.DataFrame:
    """Decimals (if any come back as ``Decimal`` objects) -> float64, dates -> ``DATE_UNIT``."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            out[column] = values.astype(f"datetime64[{DATE_UNIT}]")
        elif values.dtype == object and _all_decimal(values):
            out[column] = values.astype("float64")
    return out.reset_index(drop=True)


def _all_decimal(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, decimal.Decimal) for v in present)
