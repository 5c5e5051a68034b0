"""Read a TPC-H table written by ``examples/tpch/data.py`` as a Dask DataFrame with numpy types.

tpchgen-cli writes money and quantities as ``decimal128(15, 2)`` and dates as
``date32[day]``; ``dd.read_parquet`` keeps them as pyarrow-backed pandas dtypes. Arithmetic
on ``decimal128[pyarrow]`` is slow and casting it straight to ``float64`` takes ~100x longer
than going through ``float64[pyarrow]`` first (dask-compile-notes pitfall 4); the same holds
for ``date32[pyarrow]`` -> ``datetime64`` (measured here: 0.39 s vs 0.007 s for 300k rows
through ``timestamp[ms][pyarrow]``). So every conversion is two ``astype`` steps: an
Arrow-native cast, then the zero-copy move to numpy.

The casts are applied per column with ``df.assign(col=df[col].astype(...))``, not with a
frame-level ``df.astype({...})``: dask 2026.8 pushes a filter below a frame-level ``AsType``
without the cast (``df.astype({"x": "int64"})[lambda d: d.x == 1]`` evaluates ``x == 1`` on
the floats, silently dropping rows 1.4 and 1.6; on the date32 columns ``shipdate <=
pd.Timestamp(...)`` raises ``Invalid comparison between dtype=date32[day][pyarrow] and
Timestamp``; related: dask/dask#12172). ``Assign`` is not a filter pass-through, and column
projection still reaches ``read_parquet`` through it.

After :func:`read_table`: decimals are ``float64``, dates ``datetime64[ms]`` (compare them with
``pd.Timestamp("1998-09-02")``), text is pandas ``str``, integers stay ``int64``/``int32``.
The same conversion works on a pandas DataFrame (:func:`to_numpy_types`), so load solids can
reuse it per partition.
"""

from __future__ import annotations

import os
from typing import Any

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from .data import TABLES

DATE_UNIT = "ms"


def table_path(data_dir: str | os.PathLike, name: str) -> str:
    """The directory (or fsspec URL) holding table ``name``'s parquet files."""
    if name not in TABLES:
        raise ValueError(f"unknown TPC-H table {name!r}; expected one of {', '.join(TABLES)}")
    return f"{os.fspath(data_dir).rstrip('/')}/{name}"


def conversions(dtypes: pd.Series) -> dict[str, tuple[str | None, str]]:
    """Per column to convert: (Arrow-native cast or None, final numpy/pandas dtype)."""
    steps: dict[str, tuple[str | None, str]] = {}
    for column, dtype in dtypes.items():
        if not isinstance(dtype, pd.ArrowDtype):
            continue
        arrow_type = dtype.pyarrow_dtype
        if pa.types.is_decimal(arrow_type):
            steps[column] = ("float64[pyarrow]", "float64")
        elif pa.types.is_date(arrow_type):
            steps[column] = (f"timestamp[{DATE_UNIT}][pyarrow]", f"datetime64[{DATE_UNIT}]")
        elif pa.types.is_string_view(arrow_type):
            steps[column] = (STRING_VIEW, "str")
        elif pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
            steps[column] = (None, "str")
    return steps


# pandas 3.1 cannot ``astype`` an ArrowDtype(string_view) column at all (NotImplementedError
# from ArrowDtype.type), so those go through a pyarrow cast. They only appear when a frame
# was read with ``types_mapper=pd.ArrowDtype`` or with dask's convert-string option off.
STRING_VIEW = "string_view"


def _string_view_to_str(values: pd.Series) -> pd.Series:
    text = pa.array(values.array).cast(pa.large_string()).to_pandas()
    return pd.Series(text, index=values.index, name=values.name).astype("str")


def _convert_column(values: Any, arrow_dtype: str | None, final_dtype: str) -> Any:
    if arrow_dtype == STRING_VIEW:
        if isinstance(values, pd.Series):
            return _string_view_to_str(values)
        return values.map_partitions(_string_view_to_str, meta=(values.name, final_dtype))
    if arrow_dtype is not None:
        values = values.astype(arrow_dtype)
    return values.astype(final_dtype)


def to_numpy_types(df: Any) -> Any:
    """Decimals -> float64, dates -> datetime64[ms], Arrow text -> str (pandas or Dask).

    One ``assign`` of per-column casts (see the module docstring for why not ``astype``).
    """
    converted = {
        column: _convert_column(df[column], arrow_dtype, final_dtype)
        for column, (arrow_dtype, final_dtype) in conversions(df.dtypes).items()
    }
    return df.assign(**converted) if converted else df


def read_table(
    data_dir: str | os.PathLike,
    name: str,
    columns: list[str] | None = None,
    storage_options: dict[str, Any] | None = None,
    filters: list | None = None,
) -> dd.DataFrame:
    """Table ``name`` (only ``columns``, if given) as a lazy Dask DataFrame with numpy types.

    ``filters`` go to ``dd.read_parquet`` unchanged, so they compare the stored types
    (``datetime.date`` for dates, ``decimal.Decimal`` for decimals).
    """
    df = dd.read_parquet(
        table_path(data_dir, name),
        columns=columns,
        storage_options=storage_options,
        filters=filters,
        arrow_to_pandas={"types_mapper": arrow_types_mapper},
    )
    return to_numpy_types(df)


def arrow_types_mapper(arrow_type: pa.DataType) -> pd.ArrowDtype | None:
    """Keep decimals and dates as ArrowDtype when reading (not ``Decimal``/``date`` objects).

    dask does this itself only while its ``dataframe.convert-string`` option is on.
    """
    if pa.types.is_decimal(arrow_type) or pa.types.is_date(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return None
