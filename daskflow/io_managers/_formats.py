"""How stored values become bytes: pandas frames as parquet, everything else pickled.

Frames are written with pyarrow and read back with ``pyarrow.parquet.read_table(...)
.to_pandas()``. Plain ``to_pandas()`` loses some dtypes (``decimal128[pyarrow]`` comes back
as object ``Decimal`` columns, ``string[pyarrow]`` as ``StringDtype``; research notes,
pitfall 3), so the writer records every column's dtype in the parquet schema metadata and
the reader restores the ones that changed, taking pyarrow-backed columns straight from the
Arrow table (no per-value conversion).

>>> import io, decimal
>>> import pyarrow as pa
>>> frame = pd.DataFrame({"price": pd.Series([decimal.Decimal("1.50")],
...                                          dtype=pd.ArrowDtype(pa.decimal128(9, 2)))})
>>> buffer = io.BytesIO()
>>> write_table(frame_to_table(frame), buffer)
>>> _ = buffer.seek(0)
>>> read_frame(buffer).dtypes["price"]
decimal128(9, 2)[pyarrow]
"""

from __future__ import annotations

import contextlib
import json
import pickle
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

try:  # cloudpickle (shipped with distributed) also pickles lambdas and local classes
    import cloudpickle as _pickler
except ImportError:  # pragma: no cover - distributed is a dependency
    _pickler = pickle

__all__ = ["frame_to_table", "read_frame", "read_pickle", "write_pickle", "write_table"]

_META_KEY = b"daskflow"
_STRING = "StringDtype:"


def _dtype_token(dtype: Any) -> str:
    """A string naming ``dtype`` precisely enough to tell changed dtypes apart."""
    # str() names StringDtype(pyarrow) like ArrowDtype(string) and hides the storage.
    if isinstance(dtype, pd.StringDtype):
        na_value = "NA" if dtype.na_value is pd.NA else "nan"
        return f"{_STRING}{dtype.storage},{na_value}"
    return str(dtype)


def _dtype_from_token(token: str) -> Any:
    if token.startswith(_STRING):
        storage, na_value = token.removeprefix(_STRING).split(",")
        return pd.StringDtype(storage, na_value=pd.NA if na_value == "NA" else np.nan)
    return pd.api.types.pandas_dtype(token)


def frame_to_table(frame: pd.DataFrame) -> pa.Table | None:
    """The frame as an Arrow table carrying its dtypes, or None if Arrow can't hold it.

    None means "pickle it instead": duplicate column names or object columns mixing types.
    """
    try:
        table = pa.Table.from_pandas(frame)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    dtypes = [[_dtype_token(dtype), isinstance(dtype, pd.ArrowDtype)] for dtype in frame.dtypes]
    metadata = dict(table.schema.metadata or {})
    metadata[_META_KEY] = json.dumps({"dtypes": dtypes}).encode()
    return table.replace_schema_metadata(metadata)


def write_table(table: pa.Table, file: IO[bytes]) -> None:
    pq.write_table(table, file)


def read_frame(file: IO[bytes] | str, filesystem: Any = None) -> pd.DataFrame:
    """Read one parquet file written by ``write_table``, with the original dtypes."""
    table = pq.read_table(file, filesystem=filesystem)
    frame = table.to_pandas()
    raw = (table.schema.metadata or {}).get(_META_KEY)
    if raw is None:
        return frame
    recorded = json.loads(raw).get("dtypes", [])
    if len(recorded) != frame.shape[1] or table.num_columns < frame.shape[1]:
        return frame  # not the layout we wrote: leave pyarrow's reading alone
    for position, (token, is_arrow) in enumerate(recorded):
        if _dtype_token(frame.dtypes.iloc[position]) != token:
            _restore_column(frame, table, position, token, is_arrow)
    return frame


def _restore_column(frame: pd.DataFrame, table: pa.Table, position: int, token: str,
                    is_arrow: bool) -> None:
    # Table.from_pandas puts the data columns first, in frame order, then the index columns.
    if is_arrow:
        frame.isetitem(position, pd.arrays.ArrowExtensionArray(table.column(position)))
        return
    # A dtype pandas can't rebuild from its name keeps what pyarrow produced.
    with contextlib.suppress(TypeError, ValueError):
        frame.isetitem(position, frame.iloc[:, position].astype(_dtype_from_token(token)))


def write_pickle(obj: Any, file: IO[bytes]) -> None:
    _pickler.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)


def read_pickle(file: IO[bytes]) -> Any:
    return pickle.load(file)
