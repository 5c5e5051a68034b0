"""Dataframe schemas: Column rules, dtype kinds, strictness, custom checks, partitions."""

import datetime
import json
import os
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.types import (
    Column,
    ColumnFailure,
    DaskflowTypeCheckError,
    DataFrame,
    DataFrameSchema,
    TypeCheck,
    check_dataframe_partition,
    dataframe_type,
    merge_column_failures,
)

CEREAL = os.path.join(
    os.path.dirname(__file__), "..", "..", "examples", "cereal", "data", "cereal.csv"
)


def failures(columns, frame, **schema_kwargs):
    return check_dataframe_partition(DataFrameSchema(columns, **schema_kwargs), frame)


def messages(columns, frame, **schema_kwargs):
    return [f.message for f in failures(columns, frame, **schema_kwargs)]


def test_passing_schema_on_cereal_data():
    cereals = dataframe_type(
        "Cereals",
        {
            "name": Column(str, nullable=False, unique=True),
            "mfr": Column(str, allowed_values="AGKNPQR"),
            "type": Column("string", allowed_values=["C", "H"]),
            "calories": Column(int, min_value=0),
            "rating": Column(float, min_value=0, max_value=100),
        },
    )
    frame = pd.read_csv(CEREAL)
    result = cereals.type_check(None, frame)
    assert result.success, result.description
    metadata = {e.label: e.value for e in result.metadata_entries}
    assert metadata["row_count"] == 77 and len(metadata["columns"]) == 16


def test_min_and_max_value_count_offending_rows():
    frame = pd.DataFrame({"sugar_per_cup": [1.0, -1.0, -2.0, 0.0, -0.5, 9.0, np.nan]})
    found = failures({"sugar_per_cup": Column(float, min_value=0, max_value=5)}, frame)
    assert [(f.rule, f.offending_rows) for f in found] == [("min_value", 3), ("max_value", 1)]
    assert found[0].message == 'column "sugar_per_cup": 3 rows below min_value 0'
    assert found[1].message == 'column "sugar_per_cup": 1 row above max_value 5'
    assert messages({"sugar_per_cup": Column(min_value=-5, max_value=9)}, frame) == []


def test_nullable():
    frame = pd.DataFrame({"a": [1.0, None, np.nan], "b": pd.array([1, None, 3], dtype="Int64")})
    found = failures({"a": Column(nullable=False), "b": Column(int, nullable=False)}, frame)
    assert [(f.column, f.rule, f.offending_rows) for f in found] == [
        ("a", "nullable", 2),
        ("b", "nullable", 1),
    ]
    assert found[0].message == 'column "a": 2 rows with a null value (not nullable)'
    assert messages({"a": Column(nullable=True)}, frame) == []


def test_allowed_values_ignore_nulls():
    frame = pd.DataFrame({"kind": ["C", "H", "X", None, "Y"]})
    found = failures({"kind": Column(str, allowed_values=["C", "H"])}, frame)
    assert [(f.rule, f.offending_rows) for f in found] == [("allowed_values", 2)]
    assert found[0].message == "column \"kind\": 2 rows not in allowed_values ['C', 'H']"
    assert messages({"kind": Column(allowed_values=["C", "H", "X", "Y"])}, frame) == []


def test_unique_counts_every_duplicated_row():
    frame = pd.DataFrame({"id": [1, 2, 2, 3, 3, 3, None, None]})
    found = failures({"id": Column(unique=True)}, frame)
    assert [(f.rule, f.offending_rows) for f in found] == [("unique", 5)]
    assert messages({"id": Column(unique=True)}, pd.DataFrame({"id": [1, 2, None, None]})) == []


def test_missing_column_and_strict_mode():
    frame = pd.DataFrame({"rating": [1.0], "extra": [1], "more": ["x"]})
    assert messages({"sugar_per_cup": float, "rating": float}, frame) == [
        'missing column "sugar_per_cup"'
    ]
    found = failures({"rating": float}, frame, strict=True)
    assert [(f.column, f.rule) for f in found] == [("extra", "strict"), ("more", "strict")]
    assert found[0].message == 'unexpected column "extra" (strict schema)'
    assert messages({"rating": float, "extra": int, "more": str}, frame, strict=True) == []


def test_duplicate_column_labels_do_not_crash():
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    assert messages({"a": int}, frame) == ['column "a" appears 2 times']


def test_dtype_mismatch_message():
    frame = pd.DataFrame({"rating": pd.Series(["1", "2"], dtype=object)})
    found = failures({"rating": Column(float, min_value=0)}, frame)
    assert [f.message for f in found] == ['column "rating": dtype object, expected float']
    assert found[0].rule == "dtype" and found[0].offending_rows == 2


@pytest.mark.parametrize(
    ("spec", "series"),
    [
        (float, pd.Series([1.0], dtype="float64")),
        (float, pd.Series([1.0], dtype="Float64")),
        (float, pd.Series([1.0], dtype="float32")),
        (float, pd.Series([1.0], dtype="float64[pyarrow]")),
        ("float", pd.Series([1.0], dtype="float16")),
        (int, pd.Series([1], dtype="int64")),
        (int, pd.Series([1], dtype="uint8")),
        (int, pd.Series([1, None], dtype="Int64")),
        (int, pd.Series([1], dtype="int32[pyarrow]")),
        (str, pd.Series(["a", None], dtype=object)),
        (str, pd.Series(["a"], dtype="string")),
        (str, pd.Series(["a"], dtype="str")),
        (str, pd.Series(["a"], dtype="string[pyarrow]")),
        (str, pd.Series(["a"], dtype=pd.ArrowDtype(pa.large_string()))),
        (bool, pd.Series([True], dtype=bool)),
        (bool, pd.Series([True, None], dtype="boolean")),
        (bool, pd.Series([True], dtype="bool[pyarrow]")),
        ("datetime64[ns]", pd.Series(pd.to_datetime(["2024-01-01"]))),
        ("datetime64[ns]", pd.Series(pd.to_datetime(["2024-01-01"])).dt.as_unit("s")),
        ("datetime64[ns, UTC]", pd.Series(pd.to_datetime(["2024-01-01"], utc=True))),
        (datetime.datetime, pd.Series(pd.to_datetime(["2024-01-01"], utc=True))),
        ("timedelta64[ns]", pd.Series(pd.to_timedelta(["1D"]))),
        ("category", pd.Series(["a"], dtype="category")),
        ("float32", pd.Series([1.0], dtype="float32")),
        ("Int64", pd.Series([1], dtype="Int64")),
        (np.float32, pd.Series([1.0], dtype="float32")),
        (pd.Int64Dtype(), pd.Series([1], dtype="Int64")),
        (object, pd.Series([{"a": 1}], dtype=object)),
    ],
)
def test_dtype_kinds_match(spec, series):
    assert messages({"c": spec}, pd.DataFrame({"c": series})) == []


@pytest.mark.parametrize(
    ("spec", "series", "expected"),
    [
        (float, pd.Series([1], dtype="int64"), "dtype int64, expected float"),
        (int, pd.Series([1.0], dtype="float64"), "dtype float64, expected int"),
        (int, pd.Series([True], dtype=bool), "dtype bool, expected int"),
        (bool, pd.Series([1], dtype="int8"), "dtype int8, expected bool"),
        (str, pd.Series([1], dtype="int64"), "dtype int64, expected str"),
        ("float32", pd.Series([1.0], dtype="float64"), "dtype float64, expected float32"),
        (
            "datetime64[ns]",
            pd.Series(pd.to_datetime(["2024-01-01"], utc=True)),
            "dtype datetime64[us, UTC], expected datetime64[ns]",
        ),
        ("category", pd.Series(["a"], dtype=object), "dtype object, expected category"),
    ],
)
def test_dtype_kinds_mismatch(spec, series, expected):
    assert messages({"c": spec}, pd.DataFrame({"c": series})) == [f'column "c": {expected}']


def test_object_column_with_non_strings_counts_them():
    frame = pd.DataFrame({"name": pd.Series(["a", 1, None, 2.5, "b"], dtype=object)})
    found = failures({"name": str}, frame)
    assert [(f.rule, f.offending_rows, f.message) for f in found] == [
        ("dtype", 2, 'column "name": 2 rows are not str (dtype object)')
    ]


def test_unknown_dtype_spec_is_a_definition_error():
    with pytest.raises(DaskflowInvalidDefinitionError, match="unknown column dtype"):
        Column("floaty")
    with pytest.raises(DaskflowInvalidDefinitionError, match="unsupported column dtype"):
        Column(dict)


def test_incomparable_values_become_failures():
    frame = pd.DataFrame(
        {
            "mixed": pd.Series([1, "a", None], dtype=object),
            "lists": pd.Series([[1], [1], None], dtype=object),
        }
    )
    found = failures({"mixed": Column(min_value=0), "lists": Column(unique=True)}, frame)
    assert [(f.column, f.rule, f.offending_rows) for f in found] == [
        ("mixed", "min_value", 2),
        ("lists", "unique", 2),
    ]
    assert found[0].message.startswith('column "mixed": cannot apply min_value (TypeError')
    assert found[1].message == 'column "lists": 2 rows with duplicated values (unique)'


def test_custom_checks_bool_typecheck_str_none():
    def has_rows(pdf):
        return len(pdf) > 0

    def ratings_sorted(pdf):
        return TypeCheck(pdf["rating"].is_monotonic_increasing, "ratings are not sorted")

    def no_zero(pdf):
        return "a rating is zero" if (pdf["rating"] == 0).any() else None

    def numpy_result(pdf):
        return (pdf["rating"] < 100).all()

    checks = [has_rows, ratings_sorted, no_zero, numpy_result]
    good = pd.DataFrame({"rating": [1.0, 2.0]})
    assert messages({"rating": float}, good, checks=checks) == []
    bad = pd.DataFrame({"rating": [3.0, 0.0, 200.0]})
    found = failures({"rating": float}, bad, checks=checks)
    assert [f.message for f in found] == [
        'check "ratings_sorted": ratings are not sorted',
        'check "no_zero": a rating is zero',
        'check "numpy_result" failed',
    ]
    assert all(f.column is None and f.rule == "check" for f in found)
    assert messages({}, pd.DataFrame(), checks=[has_rows]) == ['check "has_rows" failed']


def test_custom_check_breaking_its_contract_raises():
    schema_type = dataframe_type("T", {}, checks=[lambda pdf: pdf.notna()])
    with pytest.raises(DaskflowTypeCheckError, match="return .all()"):
        schema_type.type_check(None, pd.DataFrame({"a": [1]}))
    raising = dataframe_type("R", {}, checks=[lambda pdf: pdf["nope"]])
    with pytest.raises(DaskflowTypeCheckError) as info:
        raising.type_check(None, pd.DataFrame({"a": [1]}))
    assert isinstance(info.value.original, KeyError)


def test_empty_partition():
    schema = DataFrameSchema(
        {
            "a": Column(
                float, nullable=False, min_value=0, max_value=1, unique=True, allowed_values=[0.5]
            ),
            "b": Column(str, allowed_values=["x"]),
        }
    )
    empty = pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype=object)})
    assert check_dataframe_partition(schema, empty) == []
    found = check_dataframe_partition(schema, pd.DataFrame())
    assert [(f.column, f.rule, f.offending_rows) for f in found] == [
        ("a", "missing", 0),
        ("b", "missing", 0),
    ]


def test_partition_check_is_pure_and_picklable():
    schema = DataFrameSchema({"a": Column(int, min_value=0)}, strict=True)
    frame = pd.DataFrame({"a": [-1, 2]})
    before = frame.copy()
    assert check_dataframe_partition(
        pickle.loads(pickle.dumps(schema)), frame
    ) == check_dataframe_partition(schema, frame)
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        check_dataframe_partition(schema, [1, 2])


def test_merge_partition_failures():
    schema = DataFrameSchema({"a": Column(int, min_value=0), "b": int})
    parts = [pd.DataFrame({"a": [-1, -2]}), pd.DataFrame({"a": [-3, 4]}), pd.DataFrame({"a": [5]})]
    merged = merge_column_failures(check_dataframe_partition(schema, p) for p in parts)
    assert [(f.column, f.rule, f.offending_rows, f.message) for f in merged] == [
        ("a", "min_value", 3, 'column "a": 3 rows below min_value 0'),
        ("b", "missing", 5, 'missing column "b"'),
    ]


def test_dataframe_type_check_result():
    cereals = dataframe_type(
        "Cereals", {"sugar_per_cup": Column(float, min_value=0), "rating": float, "name": str}
    )
    frame = pd.DataFrame(
        {"sugar_per_cup": [-1.0, -2.0, -3.0, 1.0], "rating": pd.Series(["x"] * 4, dtype=object)}
    )
    result = cereals.type_check(None, frame)
    assert not result.success
    assert result.description == (
        'Value of type "Cereals" failed its schema: '
        'column "sugar_per_cup": 3 rows below min_value 0; '
        'column "rating": dtype object, expected float; missing column "name"'
    )
    metadata = {e.label: e.value for e in result.metadata_entries}
    assert metadata["row_count"] == 4
    assert [f["rule"] for f in metadata["failures"]] == ["min_value", "dtype", "missing"]
    json.dumps(result.to_dict())
    not_a_frame = cereals.type_check(None, [1])
    assert not not_a_frame.success and "not a pandas DataFrame" in not_a_frame.description


def test_dataframe_type_carries_schema_and_loader():
    points = dataframe_type(
        "Points", {"x": float, "y": Column(float)}, strict=True, description="points"
    )
    assert points.schema.strict and set(points.schema.columns) == {"x", "y"}
    assert points.schema.columns["x"] == Column(dtype=float)
    assert points.loader is DataFrame.loader and points.description == "points"
    assert points.python_type is pd.DataFrame


def test_column_failure_to_dict():
    failure = ColumnFailure("a", "min_value", 2, "msg")
    assert failure.to_dict() == {
        "column": "a",
        "rule": "min_value",
        "offending_rows": 2,
        "message": "msg",
    }


def positive(pdf):
    return bool((pdf["a"] > 0).all())


def test_dataframe_type_pickles_for_workers():
    schema_type = dataframe_type("Positive", {"a": Column(int, min_value=0)}, checks=[positive])
    copy = pickle.loads(pickle.dumps(schema_type))
    assert copy.schema == schema_type.schema and copy.loader is DataFrame.loader
    result = copy.type_check(None, pd.DataFrame({"a": [-1, 2]}))
    assert result.description == (
        'Value of type "Positive" failed its schema: '
        'column "a": 1 row below min_value 0; check "positive" failed'
    )
