"""Cheap per-partition summaries of a column: null count, min and max, distinct values.

The column rules of ``_columns`` are judged from these summaries first; offending rows
are counted only when a summary shows a rule broken. The fast paths here avoid pandas'
general machinery on the common cases, and every one falls back to pandas when its
preconditions do not hold, so the answers never differ:

- numpy numbers and datetimes: one ``min`` and one ``max`` over the raw array give the
  extremes, and, when neither is NaN/NaT, prove the column holds no nulls;
- Arrow-backed strings whose values are all one or two bytes long (flags, status codes,
  the usual targets of ``allowed_values``): distinct values from a histogram of the raw
  bytes instead of hashing every string, and a few allowed values compared with the raw
  bytes directly.

>>> import pandas as pd
>>> nulls, low, high = summarize(pd.Series([3.0, 1.0, 2.0]))
>>> nulls, float(low), float(high)
(0, 1.0, 3.0)
>>> summarize(pd.Series([3.0, None, 2.0])).nulls
1
>>> sorted(distinct_values(pd.Series(["N", "A", "N", "R"], dtype="string[pyarrow]")))
['A', 'N', 'R']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = ["Summary", "all_allowed", "distinct_values", "summarize"]


class Summary(NamedTuple):
    """Null count and the smallest and largest non-null values (None: not comparable)."""

    nulls: int
    low: Any
    high: Any


def summarize(series: pd.Series, extremes: bool = True) -> Summary:
    """The column's null count and, if ``extremes``, its min and max (skipping nulls)."""
    fast = _numpy_summary(series)
    if fast is not None:
        return fast
    strings = _arrow_strings(series)
    if strings is not None and not extremes:  # Arrow keeps the count
        return Summary(strings.null_count, None, None)
    nulls = int(series.isna().sum())
    if not extremes or nulls == len(series):
        return Summary(nulls, None, None)
    try:
        return Summary(nulls, series.min(), series.max())
    except (TypeError, ValueError):
        return Summary(nulls, None, None)


def _numpy_summary(series: pd.Series) -> Summary | None:
    """min/max straight from a numpy array; None when it holds nulls or isn't numeric."""
    values = series.array
    if not isinstance(
        values,
        np.ndarray
        | pd.arrays.NumpyExtensionArray
        | pd.arrays.DatetimeArray
        | pd.arrays.TimedeltaArray,
    ):
        return None
    array = np.asarray(values._ndarray if hasattr(values, "_ndarray") else values)
    if array.size == 0 or array.dtype.kind not in "iufmMb":
        return None
    ticks = array.view(np.int64) if array.dtype.kind in "mM" else array  # NaT: smallest
    low, high = series.iloc[int(ticks.argmin())], series.iloc[int(ticks.argmax())]
    if pd.isna(low) or pd.isna(high):  # argmin/argmax point at a NaN: take the slow path
        return None
    return Summary(0, low, high)


def distinct_values(series: pd.Series) -> list[Any]:
    """The distinct non-null values of the column (order unspecified)."""
    short = _short_strings(series)
    if short is not None:
        return short
    values = series.dropna() if series.hasnans else series
    return list(pd.unique(values))


def all_allowed(series: pd.Series, allowed: Sequence[Any]) -> bool:
    """Whether every non-null value of the column is one of ``allowed``.

    Arrow strings all 1 or 2 bytes long against a few allowed values: one vectorised
    comparison of the raw bytes per allowed value; otherwise judged on the distinct values.

    >>> flags = pd.Series(["A", "N", "R", "N"], dtype="string[pyarrow]")
    >>> all_allowed(flags, ["A", "N", "R"]), all_allowed(flags, ["A", "N"])
    (True, False)
    """
    codes = _short_codes(series) if len(allowed) <= _FEW_ALLOWED else None
    if codes is not None:
        chunks, width = codes
        wanted = [_code(value, width) for value in allowed]
        wanted_codes = [code for code in wanted if code is not None]
        return all(_only_codes(chunk, wanted_codes) for chunk in chunks)
    try:
        return bool(pd.Index(distinct_values(series)).isin(list(allowed)).all())
    except (TypeError, ValueError):
        return False


_FEW_ALLOWED = 8  # beyond this many allowed values a byte histogram is cheaper


def _code(value: Any, width: int) -> int | None:
    """An allowed string's raw bytes as the number its ``width``-byte code reads as."""
    if not isinstance(value, str):
        return None
    raw = value.encode("utf-8")
    if len(raw) != width:
        return None
    return int(np.frombuffer(raw, dtype=np.uint8 if width == 1 else np.uint16)[0])


def _only_codes(chunk: np.ndarray, wanted: Sequence[int]) -> bool:
    matched = np.zeros(len(chunk), dtype=bool)
    for code in wanted:
        matched |= chunk == code
    return bool(matched.all())


def _short_strings(series: pd.Series) -> list[str] | None:
    """Distinct values of Arrow strings all 1 or 2 bytes long, from a byte histogram."""
    codes = _short_codes(series)
    if codes is None:
        return None
    chunks, width = codes
    found: set[str] = set()
    for chunk in chunks:
        present = np.flatnonzero(np.bincount(chunk, minlength=256**width))
        found.update(
            code.astype(chunk.dtype).tobytes().decode("utf-8", errors="replace") for code in present
        )
    return list(found)


def _short_codes(series: pd.Series) -> tuple[list[np.ndarray], int] | None:
    """The raw bytes of Arrow strings without nulls, all 1 or 2 bytes long, per chunk, as
    uint8 or uint16 codes (one per string), and that width; None for anything else."""
    chunks = _arrow_strings(series)
    if chunks is None or len(series) == 0 or chunks.null_count:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pc.min_max(pc.binary_length(chunks))
    width = lengths["min"].as_py()
    if width not in (1, 2) or lengths["max"].as_py() != width:
        return None
    codes = []
    for chunk in chunks.chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(
            chunk.buffers()[1], dtype=np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        )
        start, stop = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        raw = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[start:stop]
        codes.append(raw if width == 1 else raw.view(np.uint16))
    return codes, width


def _arrow_strings(series: pd.Series) -> Any:
    """The column's Arrow chunks if it is an Arrow-backed string column, else None."""
    chunks = getattr(series.array, "_pa_array", None)
    if chunks is None:
        return None
    import pyarrow as pa

    kind = chunks.type
    return chunks if pa.types.is_string(kind) or pa.types.is_large_string(kind) else None
