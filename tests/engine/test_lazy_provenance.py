"""Rules a checked upstream output proves are not checked again downstream; the rest are."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from daskflow import (
    ModeDefinition,
    dataframe_type,
    execute_pipeline,
    pipeline,
    solid,
)
from daskflow.engine.lazy import partitions, values
from daskflow.engine.lazy.provenance import CheckedFrames
from daskflow.io_managers import fs_io_manager, mem_io_manager
from daskflow.types import Column, DaskDataFrame, DataFrameSchema

UP = DataFrameSchema(
    {
        "key": Column(int, nullable=False, min_value=0, unique=True),
        "flag": Column(str, nullable=False, allowed_values=["A", "B", "C"]),
        "price": Column(float, min_value=0, max_value=100),
    }
)
FRAME = pd.DataFrame(
    {
        "key": np.arange(40),
        "flag": pd.Series(list("ABC" * 14)[:40], dtype="string[pyarrow]"),
        "price": np.linspace(0, 100, 40),
    }
)


@pytest.fixture()
def upstream():
    return dd.from_pandas(FRAME, npartitions=4)


def _checked(frame):
    checked = CheckedFrames()
    checked.add(frame, UP)
    return checked


def _left(checked, collection, **rules):
    """The rules of ``rules`` (name -> Column) still to check on ``collection``."""
    return checked.unproven(collection, DataFrameSchema(rules)).columns


def test_kept_rows_and_columns_prove_every_rule_of_the_passed_columns(upstream):
    down = upstream[upstream.price > 10].drop(columns="flag").assign(x=1)[["key", "price", "x"]]
    left = _left(_checked(upstream), down, key=UP.columns["key"], price=UP.columns["price"])
    assert left == {"key": Column(), "price": Column()}


def test_weaker_rules_are_proven_and_stricter_ones_kept(upstream):
    left = _left(
        _checked(upstream),
        upstream[upstream.key > 3],
        key=Column(int, min_value=-1, max_value=10),  # max: not known upstream
        flag=Column(str, allowed_values=["A", "B"]),  # narrower than upstream's
        price=Column(float, nullable=False, min_value=5, max_value=1000),
    )
    assert left["key"] == Column(max_value=10)
    assert left["flag"] == Column(allowed_values=["A", "B"])
    assert left["price"] == Column(nullable=False, min_value=5)


def test_a_changed_or_new_column_is_checked(upstream):
    changed = upstream.assign(price=upstream.price * 2, extra=upstream.key)
    rules = {"price": UP.columns["price"], "extra": Column(int, min_value=0)}
    assert _left(_checked(upstream), changed, **rules) == rules


def test_other_operations_prove_nothing(upstream):
    checked = _checked(upstream)
    rules = {"key": UP.columns["key"], "price": UP.columns["price"]}
    for down in (
        upstream.map_partitions(lambda df: df.assign(price=-df.price)),
        upstream.rename(columns={"price": "key", "key": "price"}),
        upstream.fillna(0),
    ):
        assert _left(checked, down, **rules) == rules


def test_an_unchecked_frame_proves_nothing(upstream):
    other = dd.from_pandas(FRAME.assign(price=-1.0), npartitions=4)
    rules = {"price": UP.columns["price"]}
    assert _left(_checked(upstream), other[other.key > 2], **rules) == rules


@pytest.mark.parametrize(
    ("how", "proven"),
    [("inner", {"key", "name"}), ("left", {"key"}), ("right", {"name"}), ("outer", set())],
)
def test_merges_prove_the_sides_that_keep_their_values(upstream, how, proven):
    names = dd.from_pandas(pd.DataFrame({"id": np.arange(40), "name": ["n"] * 40}), npartitions=2)
    checked = _checked(upstream)
    checked.add(names, DataFrameSchema({"name": Column(str, nullable=False)}))
    joined = upstream.merge(names, left_on="key", right_on="id", how=how)
    rules = {"key": Column(int, nullable=False, min_value=0), "name": Column(str, nullable=False)}
    left = _left(checked, joined, **rules)
    assert {name for name, rule in left.items() if rule == Column()} == proven


def test_unique_survives_a_filter_but_not_a_merge(upstream):
    checked = _checked(upstream)
    unique = {"key": Column(int, unique=True)}
    assert _left(checked, upstream[upstream.key > 5], **unique)["key"] == Column()
    doubled = upstream.merge(upstream[["flag"]].assign(k=1), on="flag")
    assert _left(checked, doubled, **unique)["key"] == Column(unique=True)


def test_a_column_present_on_both_sides_of_a_merge_is_not_proven(upstream):
    checked = _checked(upstream)
    joined = upstream.merge(upstream, on="key", suffixes=("", "_r"))
    assert _left(checked, joined, price=UP.columns["price"])["price"] == UP.columns["price"]


# -- in a run: fewer checks, the same answers -------------------------------------------------

Clean = dataframe_type("Clean", UP.columns, dask=True)
Priced = dataframe_type(
    "Priced",
    {
        "key": UP.columns["key"],
        "flag": UP.columns["flag"],
        "total": Column(float, min_value=0),
    },
    dask=True,
)
Expensive = dataframe_type("Expensive", {"price": Column(float, min_value=50)}, dask=True)


@solid
def clean(_, frame: DaskDataFrame) -> Clean:
    return frame[frame.key >= 0]


@solid(config_schema={"sign": float})
def priced(context, frame: Clean) -> Priced:
    sign = context.solid_config["sign"]
    return frame.assign(total=frame.price * sign)[["key", "flag", "total"]]


@solid
def expensive(_, frame: Clean) -> Expensive:
    return frame[["price"]]  # passed on unchanged: half the rows are below 50


MODES = [
    ModeDefinition("fs", resource_defs={"io_manager": fs_io_manager}),
    ModeDefinition("mem", resource_defs={"io_manager": mem_io_manager}),
]


@pipeline(mode_defs=MODES)
def priced_pipeline():
    frame = clean()
    priced(frame)
    expensive(frame)


def _run(source, mode, tmp_path, sign=1.0):
    config = {
        "solids": {
            "clean": {"inputs": {"frame": {"parquet": {"path": source}}}},
            "priced": {"config": {"sign": sign}},
        },
        "execution": {"in_process": {}},
    }
    if mode == "fs":
        config["resources"] = {"io_manager": {"config": {"base_dir": str(tmp_path / "store")}}}
    return execute_pipeline(priced_pipeline, config, mode=mode, raise_on_error=False)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("provenance") / "src")
    dd.from_pandas(FRAME, npartitions=4).to_parquet(path)
    return path


@pytest.fixture()
def checked_columns(monkeypatch):
    """(solid, columns with rules) of every partition check the run makes."""
    seen = []

    def spy(check):
        def recording(step_key, output_name, index, schema, frame):
            ruled = {n for n, c in schema.columns.items() if c != Column()}
            seen.append((step_key, frozenset(ruled)))
            return check(step_key, output_name, index, schema, frame)

        return recording

    monkeypatch.setattr(values, "check_partition", spy(values.check_partition))
    monkeypatch.setattr(partitions, "check_partition", spy(partitions.check_partition))
    return seen


@pytest.mark.parametrize("mode", ["fs", "mem"])
def test_passed_columns_are_checked_once(source, tmp_path, mode, checked_columns):
    result = _run(source, mode, tmp_path)
    assert not result.success  # "expensive" holds prices below its min_value 50
    by_solid = {step: ruled for step, ruled in checked_columns}
    assert by_solid["clean"] == {"key", "flag", "price"}
    assert by_solid["priced"] == {"total"}  # key and flag were checked by clean
    assert by_solid["expensive"] == {"price"}  # clean's min 0 does not prove min 50
    failure = result.result_for_solid("expensive").failure_data
    assert "below min_value 50" in failure.error.message
    assert result.result_for_solid("priced").success


@pytest.mark.parametrize("mode", ["fs", "mem"])
def test_a_new_column_breaking_its_rule_still_fails(source, tmp_path, mode):
    result = _run(source, mode, tmp_path, sign=-1.0)
    failure = result.result_for_solid("priced").failure_data
    assert 'column "total"' in failure.error.message
    assert "below min_value 0" in failure.error.message
