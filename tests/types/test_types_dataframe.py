"""The pandas DataFrame type and its csv/parquet/table loaders on real files."""

import os

import pandas as pd
import pytest

from daskflow.config import validate_config
from daskflow.types import DaskflowTypeLoadError, DataFrame, TypeCheckContext

CEREAL = os.path.join(
    os.path.dirname(__file__), "..", "..", "examples", "cereal", "data", "cereal.csv"
)


def load(config_value):
    result = validate_config(DataFrame.loader.config_schema, config_value)
    assert result.success, result.errors
    return DataFrame.loader.load(None, result.value)


def test_type_check_and_metadata():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    result = DataFrame.type_check(TypeCheckContext.empty(), frame)
    assert result.success
    metadata = {entry.label: entry.value for entry in result.metadata_entries}
    assert metadata["row_count"] == 3
    assert [c["name"] for c in metadata["columns"]] == ["a", "b"]
    assert metadata["columns"][0]["dtype"] == "int64"
    failed = DataFrame.type_check(None, {"a": [1]})
    assert not failed.success and 'for type "PandasDataFrame"' in failed.description


def test_name_and_description():
    assert DataFrame.name == "PandasDataFrame"
    assert "Two-dimensional" in DataFrame.description and "pandas" in DataFrame.description
    assert DataFrame.python_type is pd.DataFrame


def test_csv_loader_reads_the_cereal_data():
    frame = load({"csv": {"path": CEREAL}})
    assert frame.shape == (77, 16)
    assert DataFrame.type_check(None, frame).success


def test_csv_loader_with_separator_and_relative_path(tmp_path, monkeypatch):
    (tmp_path / "semi.csv").write_text("a;b\n1;2\n3;4\n")
    monkeypatch.chdir(tmp_path)
    frame = load({"csv": {"path": "semi.csv", "sep": ";"}})
    assert frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_csv_path_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "env.csv"
    pd.DataFrame({"a": [1]}).to_csv(path, index=False)
    monkeypatch.setenv("DASKFLOW_TEST_CSV", str(path))
    assert load({"csv": {"path": {"env": "DASKFLOW_TEST_CSV"}}})["a"].tolist() == [1]


def test_parquet_loader_with_columns(tmp_path):
    path = tmp_path / "cereal.parquet"
    pd.read_csv(CEREAL).to_parquet(path)
    assert load({"parquet": {"path": str(path)}}).shape == (77, 16)
    frame = load({"parquet": {"path": str(path), "columns": ["name", "rating"]}})
    assert list(frame.columns) == ["name", "rating"] and len(frame) == 77


def test_table_loader(tmp_path):
    path = tmp_path / "table.tsv"
    path.write_text("name\tvalue\nx\t1\ny\t2\n")
    assert load({"table": {"path": str(path)}}).to_dict("list") == {
        "name": ["x", "y"],
        "value": [1, 2],
    }


def test_fsspec_url():
    pd.DataFrame({"a": [1, 2]}).to_csv("memory://daskflow-types/url.csv", index=False)
    pd.DataFrame({"a": [3]}).to_parquet("memory://daskflow-types/url.parquet")
    assert load({"csv": {"path": "memory://daskflow-types/url.csv"}})["a"].tolist() == [1, 2]
    parquet = load({"parquet": {"path": "memory://daskflow-types/url.parquet"}})
    assert parquet["a"].tolist() == [3]
    with pytest.raises(DaskflowTypeLoadError, match="memory://daskflow-types/nope.csv"):
        load({"csv": {"path": "memory://daskflow-types/nope.csv"}})


@pytest.mark.parametrize("kind", ["csv", "parquet", "table"])
def test_missing_file_names_the_path(tmp_path, kind):
    missing = str(tmp_path / f"missing.{kind}")
    with pytest.raises(DaskflowTypeLoadError) as info:
        load({kind: {"path": missing}})
    err = info.value
    assert missing in str(err) and f'"{kind}.path"' in str(err)
    assert err.config_key == f"{kind}.path" and err.path == missing
    assert isinstance(err.__cause__, FileNotFoundError)


def test_missing_relative_path_shows_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DaskflowTypeLoadError, match="resolved to"):
        load({"csv": {"path": "nowhere.csv"}})


def test_loader_config_is_validated():
    schema = DataFrame.loader.config_schema
    assert not validate_config(schema, {"csv": {}}).success
    assert not validate_config(schema, {"excel": {"path": "x"}}).success
    assert not validate_config(schema, {"csv": {"path": "a"}, "table": {"path": "b"}}).success
    assert not validate_config(schema, {"table": {"path": "a", "sep": ","}}).success
