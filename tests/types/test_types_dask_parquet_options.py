"""The DaskDataFrame ``parquet:`` loader's partitioning options and typed filters from YAML."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from daskflow import execute_pipeline, pipeline, solid
from daskflow.config import validate_config
from daskflow.events import DaskflowEventType as E
from daskflow.types import DaskDataFrame, DaskflowTypeLoadError


def load(config_value):
    result = validate_config(DaskDataFrame.loader.config_schema, config_value)
    assert result.success, result.errors
    return DaskDataFrame.loader.load(None, result.value)


@pytest.fixture(scope="module")
def row_groups(tmp_path_factory):
    """Two files of 1,000 rows, each in 10 row groups of 100."""
    path = tmp_path_factory.mktemp("rg") / "ds"
    path.mkdir()
    for i in range(2):
        table = pa.table({"a": np.arange(i * 1000, (i + 1) * 1000)})
        pq.write_table(table, path / f"part.{i}.parquet", row_group_size=100)
    return str(path)


@pytest.mark.parametrize(
    ("options", "npartitions"),
    [
        ({}, 2),
        ({"split_row_groups": True}, 20),
        ({"split_row_groups": 2}, 10),
        ({"blocksize": 2000}, 10),
        ({"split_row_groups": "adaptive", "blocksize": "1MB"}, 2),
        ({"split_row_groups": "adaptive", "blocksize": "1MB", "aggregate_files": True}, 1),
    ],
)
def test_parquet_partitioning_options_reach_read_parquet(row_groups, options, npartitions):
    frame = load({"parquet": {"path": row_groups, **options}})
    assert frame.npartitions == npartitions
    assert sorted(frame.compute()["a"]) == list(range(2000))


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"split_row_groups": "some"}, "parquet.split_row_groups"),
        ({"split_row_groups": 0}, "parquet.split_row_groups"),
        ({"blocksize": [1]}, "parquet.blocksize"),
        ({"blocksize": "lots"}, "parquet.blocksize"),
    ],
)
def test_bad_partitioning_options_name_their_key(row_groups, options, key):
    with pytest.raises(DaskflowTypeLoadError) as info:
        load({"parquet": {"path": row_groups, **options}})
    assert info.value.config_key == key and key in str(info.value)


def test_csv_blocksize_string_is_checked(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(DaskflowTypeLoadError, match="\"csv.blocksize\" 'many' is not a size"):
        load({"csv": {"path": str(path), "blocksize": "many"}})


@pytest.fixture(scope="module")
def lineitem(tmp_path_factory):
    """A small lineitem-like dataset: date32, timestamp, decimal128 and string columns."""
    path = tmp_path_factory.mktemp("li") / "lineitem"
    path.mkdir()
    days = [datetime.date(1998, 8, 30) + datetime.timedelta(days=i) for i in range(6)]
    table = pa.table(
        {
            "l_shipdate": pa.array(days, pa.date32()),
            "l_seen": pa.array(
                [pd.Timestamp(d) + pd.Timedelta(hours=6) for d in days], pa.timestamp("us")
            ),
            "l_discount": pa.array(
                [decimal.Decimal(f"0.0{i}") for i in range(6)], pa.decimal128(12, 2)
            ),
            "l_flag": pa.array(list("AARNNR")),
            "l_qty": pa.array(np.arange(6, dtype="int64")),
        }
    )
    pq.write_table(table.slice(0, 3), path / "part.0.parquet")
    pq.write_table(table.slice(3), path / "part.1.parquet")
    return str(path), table.to_pandas()


def _filtered(path, filters_yaml, **more):
    filters = yaml.safe_load(filters_yaml)  # as run config gives them
    return load({"parquet": {"path": path, "filters": filters, **more}}).compute()


def test_yaml_filter_literals_are_converted_to_the_column_types(lineitem):
    path, frame = lineitem
    shipped = _filtered(path, '[["l_shipdate", "<=", "1998-09-02"]]')
    assert sorted(shipped["l_qty"]) == [0, 1, 2, 3]
    # an unquoted YAML date is a datetime.date already
    assert sorted(_filtered(path, "[[l_shipdate, '>', 1998-09-02]]")["l_qty"]) == [4, 5]
    seen = _filtered(path, '[["l_seen", ">=", "1998-09-01 06:00"]]')
    assert sorted(seen["l_qty"]) == [2, 3, 4, 5]
    cheap = _filtered(path, '[["l_discount", "<", "0.03"]]')
    assert sorted(cheap["l_qty"]) == [0, 1, 2]
    assert sorted(_filtered(path, '[["l_discount", ">=", 0.04]]')["l_qty"]) == [4, 5]
    listed = _filtered(path, '[["l_shipdate", "in", ["1998-08-30", "1998-09-04"]]]')
    assert sorted(listed["l_qty"]) == [0, 5]
    either = _filtered(path, '[[["l_flag", "==", "R"]], [["l_qty", "<", "1"]]]')
    assert sorted(either["l_qty"]) == [0, 2, 5]
    both = _filtered(
        path, '[["l_shipdate", ">=", "1998-09-01"], ["l_discount", "<", "0.05"]]', columns=["l_qty"]
    )
    assert list(both.columns) == ["l_qty"] and sorted(both["l_qty"]) == [2, 3, 4]


def test_filters_on_a_single_file_and_a_glob(lineitem):
    path, _ = lineitem
    single = _filtered(f"{path}/part.1.parquet", '[["l_shipdate", "<", "1998-09-03"]]')
    assert sorted(single["l_qty"]) == [3]
    globbed = _filtered(f"{path}/*.parquet", '[["l_shipdate", "<", "1998-09-03"]]')
    assert sorted(globbed["l_qty"]) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("filters", "key", "words"),
    [
        (
            '[["l_shipdate", "<=", "1998-02-30"]]',
            "parquet.filters[0]",
            ['column "l_shipdate" holds date32[day] values', '"1998-02-30" is not a date'],
        ),
        (
            '[["l_qty", ">", 1], ["l_shipdate", "<=", "02/09/1998"]]',
            "parquet.filters[1]",
            ["is not a date (write it as YYYY-MM-DD"],
        ),
        (
            '[[["l_qty", ">", 1]], [["l_discount", "<", "cheap"]]]',
            "parquet.filters[1][0]",
            ['column "l_discount" holds decimal128(12, 2) values', '"cheap" is not a decimal'],
        ),
        ('[["l_seen", ">", "yesterday-ish"]]', "parquet.filters[0]", ["is not a timestamp"]),
        ('[["l_flag", "==", 3]]', "parquet.filters[0]", ["holds string values", "3 is not"]),
        ('[["l_qty", "<", "few"]]', "parquet.filters[0]", ["is not an integer"]),
        (
            '[["l_shipped", "<=", "1998-09-02"]]',
            "parquet.filters[0]",
            ['the dataset has no column "l_shipped"', "l_shipdate"],
        ),
        ('[["l_qty", "~", 1]]', "parquet.filters[0]", ["unknown operator '~'"]),
        ('[["l_qty", "in", 1]]', "parquet.filters[0]", ['"in" needs a list']),
        ('[["l_qty", "<"]]', "parquet.filters[0]", ["expected [column, op, value]"]),
        ('"l_qty < 1"', "parquet.filters", ["must be a non-empty list"]),
    ],
)
def test_bad_filters_name_the_filter_column_and_type(lineitem, filters, key, words):
    path, _ = lineitem
    with pytest.raises(DaskflowTypeLoadError) as info:
        _filtered(path, filters)
    message = str(info.value)
    assert info.value.config_key == key
    assert f'config "{key}"' in message or f'"{key}"' in message
    for word in words:
        assert word in message


def test_filters_on_a_missing_path_name_the_path(tmp_path):
    missing = str(tmp_path / "nothing" / "*.parquet")
    with pytest.raises(DaskflowTypeLoadError) as info:
        _filtered(missing, '[["a", "<", "1"]]')
    assert info.value.config_key == "parquet.path" and missing in str(info.value)


@solid
def shipped_count(_, frame: DaskDataFrame) -> int:
    return frame.shape[0]


@pipeline
def shipped_pipeline():
    shipped_count()


def test_a_bad_filter_fails_the_run_naming_the_config_path(lineitem):
    path, _ = lineitem
    config = {
        "execution": {"in_process": {}},
        "solids": {
            "shipped_count": {
                "inputs": {
                    "frame": {
                        "parquet": {"path": path, "filters": [["l_shipdate", "<=", "1998-9-2x"]]}
                    }
                }
            }
        },
    }
    result = execute_pipeline(shipped_pipeline, config, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.events if e.event_type == E.STEP_FAILURE)
    assert "solids.shipped_count.inputs.frame.parquet.filters[0]" in failure.message
    assert 'column "l_shipdate" holds date32[day] values' in failure.message
    good = {**config}
    good["solids"]["shipped_count"]["inputs"]["frame"]["parquet"]["filters"] = [
        ["l_shipdate", "<=", "1998-09-02"]
    ]
    assert execute_pipeline(shipped_pipeline, good).output_for_solid("shipped_count") == 4
