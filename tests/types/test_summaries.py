"""The fast column summaries give exactly pandas' answers, on and off their fast paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from daskflow.types import Column, DataFrameSchema, check_dataframe_partition
from daskflow.types._summaries import _short_strings, all_allowed, distinct_values, summarize

RNG = np.random.default_rng(7)
FLOATS = RNG.normal(size=1000)
STAMPS = pd.date_range("1992-01-01", periods=1000, freq="h").as_unit("ms")


def _series_cases() -> dict[str, pd.Series]:
    with_nan = FLOATS.copy()
    with_nan[[3, 500]] = np.nan
    return {
        "float": pd.Series(FLOATS),
        "float with NaN": pd.Series(with_nan),
        "all NaN": pd.Series([np.nan, np.nan]),
        "int": pd.Series(RNG.integers(-50, 50, 1000)),
        "nullable Int64": pd.Series([1, None, 5], dtype="Int64"),
        "bool": pd.Series([True, False, True]),
        "datetime": pd.Series(STAMPS),
        "datetime with time zone": pd.Series(STAMPS.tz_localize("US/Eastern")),
        "datetime with NaT": pd.Series(STAMPS).where(lambda s: s.index % 7 != 0),
        "timedelta": pd.Series(pd.to_timedelta(RNG.integers(0, 10**6, 50), unit="s")),
        "arrow float": pd.Series(FLOATS, dtype="float64[pyarrow]"),
        "str": pd.Series(["b", "a", "c"], dtype="str"),
        "object mixed": pd.Series([1, "a", 2.5], dtype=object),
        "empty float": pd.Series([], dtype=float),
    }


@pytest.mark.parametrize("name", list(_series_cases()))
def test_summary_matches_pandas(name):
    series = _series_cases()[name]
    nulls, low, high = summarize(series)
    assert nulls == int(series.isna().sum())
    try:
        expected = (series.min(), series.max())
    except TypeError:
        expected = (None, None)
    if nulls == len(series):
        expected = (None, None)
    for got, want in zip((low, high), expected, strict=True):
        assert (pd.isna(got) and pd.isna(want)) or got == want
        assert type(got) is type(want)  # Timestamps stay Timestamps, floats stay floats
    assert summarize(series, extremes=False).nulls == nulls


def _strings(values: list, dtype: str = "string[pyarrow]") -> pd.Series:
    return pd.Series(values, dtype=dtype)


@pytest.mark.parametrize(
    "values",
    [
        ["N", "A", "N", "R", "A"],  # one byte
        ["AF", "NO", "AF", "RF"],  # two bytes
        ["é", "ü", "é"],  # one two-byte character
        ["AIR", "MAIL", "AIR"],  # longer and unequal: Arrow's unique
        ["A", "BB", "A"],  # unequal widths
        ["A", None, "B"],  # nulls: the slow path
    ],
)
@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", "large_string[pyarrow]"])
def test_distinct_values_match_pandas(values, dtype):
    series = _strings(values, dtype)
    assert sorted(distinct_values(series)) == sorted(set(series.dropna()))


@pytest.mark.parametrize(
    "values",
    [
        ["N", "A", "N", "R", "A"],
        ["AF", "NO", "AF", "RF"],
        ["é", "ü", "é"],
        ["AIR", "MAIL", "AIR"],
        ["A", "BB", "A"],
        ["A", None, "B"],
    ],
)
@pytest.mark.parametrize(
    "allowed",
    [
        ["A", "N", "R"],
        ["A", "N"],
        ["AF", "NO", "RF", "A"],
        ["é", "ü"],
        ["AIR", "MAIL", "A", "BB", "B"],
        [1, "A", None, "N", "R"],  # not only strings
        [chr(c) for c in range(65, 91)],  # many: judged on the distinct values
    ],
)
@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str"])
def test_all_allowed_matches_pandas(values, allowed, dtype):
    series = _strings(values, dtype)
    expected = bool(series.dropna().isin(allowed).all())
    assert all_allowed(series, allowed) is expected


def test_all_allowed_reads_sliced_chunks():
    chunked = pa.chunked_array(
        [pa.array(["Z", "A", "B"]).slice(1), pa.array(["A", "Z"]).slice(0, 1)]
    )
    series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    assert all_allowed(series, ["A", "B"]) is True
    assert all_allowed(series, ["A"]) is False


def test_short_strings_read_sliced_and_chunked_arrays():
    chunked = pa.chunked_array(
        [
            pa.array(["X", "A", "B", "C"]).slice(1, 2),
            pa.array(["Z", "D"]).slice(1),
            pa.array([], pa.string()),
        ]
    )
    series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    assert sorted(_short_strings(series)) == ["A", "B", "D"]
    assert sorted(distinct_values(series)) == ["A", "B", "D"]


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", "large_string[pyarrow]"])
def test_short_strings_read_arrow_backed_flags(dtype):
    assert sorted(_short_strings(_strings(["O", "F", "O"], dtype))) == ["F", "O"]


def test_short_strings_decline_what_they_cannot_read():
    assert _short_strings(_strings(["AIR", "SHIP"])) is None
    assert _short_strings(_strings(["A", None])) is None
    assert _short_strings(pd.Series(["A", "B"], dtype=object)) is None
    assert _short_strings(_strings([])) is None


def test_partition_checks_still_count_offending_rows():
    frame = pd.DataFrame(
        {
            "flag": _strings(["A", "N", "Z", "Z", "R"]),
            "price": [1.0, -2.0, np.nan, 4.0, 5.0],
            "shipped": pd.Series(STAMPS[:5]).where(lambda s: s.index != 1),
        }
    )
    schema = DataFrameSchema(
        {
            "flag": Column(str, nullable=False, allowed_values=["A", "N", "R"]),
            "price": Column(float, nullable=False, min_value=0, max_value=4),
            "shipped": Column("datetime", nullable=False, max_value=STAMPS[2]),
        }
    )
    messages = sorted(f.message for f in check_dataframe_partition(schema, frame))
    assert messages == [
        "column \"flag\": 2 rows not in allowed_values ['A', 'N', 'R']",
        'column "price": 1 row above max_value 4',
        'column "price": 1 row below min_value 0',
        'column "price": 1 row with a null value (not nullable)',
        'column "shipped": 1 row with a null value (not nullable)',
        "column \"shipped\": 2 rows above max_value Timestamp('1992-01-01 02:00:00')",
    ]
