"""SourceReference: an unmodified parquet read described in JSON, read back the same way."""

import datetime
import decimal
import json
import os

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from daskflow.io_managers import DaskflowIOError, OutputContext
from daskflow.io_managers._reference import SourceReference, decode_filters, encode_filters


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "src"
    path.mkdir()
    for i in range(3):
        days = range(i * 10, i * 10 + 10)
        pq.write_table(
            pa.table(
                {
                    "a": pa.array(list(days), pa.int64()),
                    "d": pa.array(
                        [datetime.date(2021, 1, 1) + datetime.timedelta(days=k) for k in days],
                        pa.date32(),
                    ),
                    "p": pa.array([decimal.Decimal(k) / 100 for k in days], pa.decimal128(9, 2)),
                    "t": pa.array(
                        [pd.Timestamp("2021-01-01") + pd.Timedelta(hours=k) for k in days],
                        pa.timestamp("ns"),
                    ),
                }
            ),
            str(path / f"part.{i}.parquet"),
        )
    return str(path)


def test_filters_round_trip_through_json():
    filters = [
        [("d", "<=", datetime.date(1998, 9, 2)), ("p", "in", [decimal.Decimal("0.05")])],
        [
            ("t", ">", pd.Timestamp("2021-01-01 10:00", tz="UTC")),
            ("x", "==", datetime.datetime(2021, 1, 1, 3)),
            ("n", "!=", None),
        ],
    ]
    encoded = json.loads(json.dumps(encode_filters(filters)))
    assert decode_filters(encoded) == filters
    assert encoded[0][0] == ["d", "<=", {"date": "1998-09-02"}]


def test_a_read_round_trips_through_its_manifest_with_the_same_data(dataset):
    filters = [
        ("d", ">=", datetime.date(2021, 1, 5)),
        ("p", "<", decimal.Decimal("0.25")),
        ("t", "<", pd.Timestamp("2021-01-02")),
    ]
    read = dd.read_parquet(dataset, columns=["a", "d", "p"], filters=filters)
    reference = SourceReference.from_collection(read)
    assert reference is not None and len(reference.files) == 3
    assert all(f.size == os.path.getsize(f.url.removeprefix("file://")) for f in reference.files)
    back = SourceReference.from_manifest(json.loads(json.dumps(reference.to_manifest())))
    assert back == reference
    again = back.read_lazy()
    pd.testing.assert_series_equal(again.dtypes, read.dtypes)
    pd.testing.assert_frame_equal(again.compute(), read.compute())


def test_only_an_unmodified_parquet_read_is_a_reference(dataset, tmp_path):
    read = dd.read_parquet(dataset)
    assert SourceReference.from_collection(read[read.a > 1]) is None
    assert SourceReference.from_collection(read[["a"]]) is None
    assert SourceReference.from_collection(read.a) is None
    csv = tmp_path / "x.csv"
    csv.write_text("a\n1\n")
    assert SourceReference.from_collection(dd.read_csv(str(csv))) is None
    assert SourceReference.from_collection(42) is None


def test_storage_options_are_not_recorded(dataset):
    read = dd.read_parquet(dataset, storage_options={"key": "AKIAFAKE", "secret": "hush"})
    manifest = json.dumps(SourceReference.from_collection(read).to_manifest())
    assert "AKIAFAKE" not in manifest and "hush" not in manifest


def test_a_changed_or_missing_file_is_reported(dataset):
    reference = SourceReference.from_collection(dd.read_parquet(dataset))
    output = OutputContext("run-1", "pipe", "load", "result", "load")
    fs = reference.filesystem()
    reference.check_unchanged(fs, output)
    with open(os.path.join(dataset, "part.1.parquet"), "ab") as file:
        file.write(b"extra")
    with pytest.raises(
        DaskflowIOError,
        match=r"part\.1\.parquet has \d+ bytes, not \d+: it "
        r"changed since run 'run-1' recorded it",
    ):
        reference.check_unchanged(fs, output)
    os.remove(os.path.join(dataset, "part.1.parquet"))
    with pytest.raises(DaskflowIOError, match=r"part\.1\.parquet is missing"):
        reference.check_unchanged(fs, output)
