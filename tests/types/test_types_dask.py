"""DaskDataFrame: checked from metadata only, loaded lazily."""

import os
import subprocess
import sys

import dask.dataframe as dd
import pandas as pd
import pytest

from daskflow.config import validate_config
from daskflow.types import DaskDataFrame, DaskflowTypeLoadError, DataFrame

CEREAL = os.path.join(
    os.path.dirname(__file__), "..", "..", "examples", "cereal", "data", "cereal.csv"
)


def load(config_value):
    result = validate_config(DaskDataFrame.loader.config_schema, config_value)
    assert result.success, result.errors
    return DaskDataFrame.loader.load(None, result.value)


def test_check_does_not_compute():
    calls = []

    def explode(part):
        calls.append(part)
        raise AssertionError("the type check computed a partition")

    meta = pd.DataFrame({"a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype="str")})
    frame = dd.from_map(explode, [1, 2, 3], meta=meta)
    result = DaskDataFrame.type_check(None, frame)
    assert result.success and calls == []
    metadata = {e.label: e.value for e in result.metadata_entries}
    assert metadata["npartitions"] == 3
    assert [c["name"] for c in metadata["columns"]] == ["a", "b"]
    assert metadata["columns"][0]["dtype"] == "int64"


def test_check_rejects_other_values():
    pdf = pd.DataFrame({"a": [1]})
    assert not DaskDataFrame.type_check(None, pdf).success
    assert not DataFrame.type_check(None, dd.from_pandas(pdf, npartitions=1)).success
    assert not DaskDataFrame.type_check(None, dd.from_pandas(pdf, npartitions=1)["a"]).success


def test_csv_loader_is_lazy_and_partitioned():
    frame = load({"csv": {"path": CEREAL, "blocksize": 2000}})
    assert isinstance(frame, dd.DataFrame) and frame.npartitions > 1
    assert DaskDataFrame.type_check(None, frame).success
    assert len(frame.compute()) == 77
    assert load({"csv": {"path": CEREAL, "blocksize": "1MB"}}).npartitions == 1


def test_csv_blocksize_must_be_int_or_str():
    with pytest.raises(DaskflowTypeLoadError, match="csv.blocksize"):
        load({"csv": {"path": CEREAL, "blocksize": [1]}})


def test_parquet_loader_columns_and_filters(tmp_path):
    pd.read_csv(CEREAL).to_parquet(tmp_path / "cereal.parquet")
    path = str(tmp_path / "cereal.parquet")
    frame = load(
        {"parquet": {"path": path, "columns": ["name", "rating"], "filters": [["rating", ">", 50]]}}
    )
    assert list(frame.columns) == ["name", "rating"]
    computed = frame.compute()
    assert len(computed) > 0 and (computed["rating"] > 50).all()
    either = load(
        {"parquet": {"path": path, "filters": [[["rating", ">", 90]], [["calories", "<", 60]]]}}
    )
    expected = pd.read_csv(CEREAL).query("rating > 90 or calories < 60")
    assert sorted(either.compute()["name"]) == sorted(expected["name"]) and len(expected) == 3


@pytest.mark.parametrize(("kind", "name"), [("csv", "missing-*.csv"), ("parquet", "none.pq")])
def test_missing_files_name_the_path(tmp_path, kind, name):
    missing = str(tmp_path / name)
    with pytest.raises(DaskflowTypeLoadError) as info:
        load({kind: {"path": missing}})
    assert missing in str(info.value) and info.value.config_key == f"{kind}.path"


def test_importing_types_does_not_import_dask_dataframe():
    code = "import sys, daskflow.types; print('dask.dataframe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
