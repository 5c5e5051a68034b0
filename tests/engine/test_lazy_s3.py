"""Dask DataFrame solids on S3 (a moto server on 127.0.0.1): the source is a parquet dataset
on S3 read by the config loader, every step output goes to ``s3://<bucket>/runs``, on
threads and on a LocalCluster whose worker processes reach the same server."""

import datetime

import numpy as np
import pandas as pd
import pytest

from daskflow import (
    ModeDefinition,
    OutputDefinition,
    dataframe_type,
    execute_pipeline,
    pipeline,
    solid,
)
from daskflow.config import Permissive
from daskflow.events import DaskflowEventType as E
from daskflow.instance import DaskflowInstance
from daskflow.io_managers import FilesystemIOManager, io_manager
from daskflow.types import Column, DaskDataFrame

NFILES = 4
CUTOFF = "1998-09-02"

Shipped = dataframe_type(
    "Shipped",
    {
        "l_quantity": Column(float, min_value=1),
        "l_extendedprice": float,
        "l_discount": Column(float, min_value=0, max_value=0.1),
        "l_returnflag": str,
    },
    dask=True,
)
SmallOrders = dataframe_type("SmallOrders", {"l_quantity": Column(float, max_value=49)}, dask=True)
Summary = dataframe_type("Summary", {"l_returnflag": str, "revenue": float, "orders": int})


@solid(output_defs=[OutputDefinition(Shipped)])
def shipped(context, lineitem: DaskDataFrame):
    context.log.info(f"lineitem has {lineitem.npartitions} partitions")
    return lineitem[lineitem.l_quantity < 45][
        ["l_quantity", "l_extendedprice", "l_discount", "l_returnflag"]
    ]


@solid
def priced(_, items: DaskDataFrame) -> DaskDataFrame:
    return items.assign(revenue=items.l_extendedprice * (1 - items.l_discount))


@solid(output_defs=[OutputDefinition(Summary)])
def summary(_, items: pd.DataFrame) -> pd.DataFrame:
    grouped = items.groupby("l_returnflag")
    return pd.DataFrame(
        {"revenue": grouped.revenue.sum(), "orders": grouped.revenue.size()}
    ).reset_index()


@pipeline
def s3_revenue():
    summary(priced(shipped()))


@solid(output_defs=[OutputDefinition(SmallOrders)])
def small_orders(_, lineitem: DaskDataFrame):
    return lineitem[["l_quantity"]]


@solid
def small_total(_, items: DaskDataFrame) -> float:
    return items.l_quantity.sum()


@pipeline
def s3_strict():
    small_total(small_orders())


def _lineitem() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    first = datetime.date(1998, 8, 1)
    return pd.DataFrame(
        {
            "l_quantity": rng.integers(1, 50, n).astype(float),
            "l_extendedprice": rng.uniform(900, 100_000, n).round(2),
            "l_discount": rng.integers(0, 11, n) / 100,
            "l_returnflag": rng.choice(["A", "N", "R"], n),
            "l_shipdate": [first + datetime.timedelta(days=int(d)) for d in rng.integers(0, 60, n)],
        }
    )


@pytest.fixture
def s3_lineitem(s3_bucket):
    """``NFILES`` parquet files under ``s3://<bucket>/src/``; the last one holds a 50."""
    bucket, options = s3_bucket
    frame = _lineitem()
    frame.loc[len(frame) - 1, "l_quantity"] = 50.0  # breaks SmallOrders in the last file
    size = len(frame) // NFILES
    for i in range(NFILES):
        part = frame.iloc[i * size : (i + 1) * size]
        part.to_parquet(f"s3://{bucket}/src/part.{i}.parquet", index=False, storage_options=options)
    return bucket, options, frame


def _config(bucket, options, execution, solid_name="shipped", filters=True):
    source = {"path": f"s3://{bucket}/src/*.parquet", "storage_options": options}
    if filters:
        source["filters"] = [["l_shipdate", "<=", CUTOFF]]  # a string against date32
    return {
        "execution": execution,
        "solids": {solid_name: {"inputs": {"lineitem": {"parquet": source}}}},
        "resources": {
            "io_manager": {
                "config": {"base_dir": f"s3://{bucket}/runs", "storage_options": options}
            }
        },
    }


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    items = frame[
        (frame.l_shipdate <= datetime.date.fromisoformat(CUTOFF)) & (frame.l_quantity < 45)
    ]
    items = items.assign(revenue=items.l_extendedprice * (1 - items.l_discount))
    grouped = items.groupby("l_returnflag")
    return pd.DataFrame(
        {"revenue": grouped.revenue.sum(), "orders": grouped.revenue.size()}
    ).reset_index()


def _listing(options, url):
    import s3fs

    fs = s3fs.S3FileSystem(**options)
    fs.invalidate_cache()
    return sorted(p.rsplit("/", 1)[1] for p in fs.ls(url, detail=False))


def _parts(n):
    return sorted(["_SUCCESS", *(f"part.{i}.parquet" for i in range(n))])


@pytest.mark.parametrize(
    "execution",
    [{"threads": {"max_workers": 4}}, pytest.param("shared cluster", marks=pytest.mark.cluster)],
    ids=["threads", "local_cluster"],
)
def test_dask_solids_on_s3_give_the_pandas_answer(s3_lineitem, tmp_path, execution, request):
    if execution == "shared cluster":
        execution = request.getfixturevalue("cluster_execution")
    bucket, options, frame = s3_lineitem
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        result = execute_pipeline(
            s3_revenue, _config(bucket, options, execution), instance=instance
        )
    assert result.success
    got = result.output_for_solid("summary").sort_values("l_returnflag")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), _expected(frame), check_dtype=False)
    run = f"s3://{bucket}/runs/{result.run_id}"
    assert _listing(options, f"{run}/shipped/result") == _parts(NFILES)
    assert _listing(options, f"{run}/priced/result") == _parts(NFILES)
    # the downstream Dask solid's partitions were computed from the parts on S3
    priced_parts = result.output_for_solid("priced")  # read back from its own parts
    assert len(priced_parts) == _expected(frame).orders.sum()
    handled = [
        e for e in result.result_for_solid("shipped").events if e.event_type == E.HANDLED_OUTPUT
    ]
    assert f"({NFILES} partitions)" in handled[0].message
    log = [e for e in result.result_for_solid("shipped").events if e.event_type == E.LOG]
    assert f"{NFILES} partitions" in log[0].message
    if "dask" in execution:  # the writes and commits ran on worker processes
        output = [
            e for e in result.result_for_solid("shipped").events if e.event_type == E.STEP_OUTPUT
        ][0]
        assert output.data["worker"].startswith("tcp://127.0.0.1:")


class RecordingReads(FilesystemIOManager):
    """fs_io_manager noting every partition file it reads (threads: one process)."""

    reads: list = []

    def read_part(self, path, columns=None):
        RecordingReads.reads.append((path, columns))
        return super().read_part(path, columns=columns)


@io_manager(config_schema={"base_dir": str, "storage_options": Permissive()})
def recording_io_manager(init_context):
    config = init_context.resource_config
    return RecordingReads(config["base_dir"], config["storage_options"])


def test_the_downstream_dask_solid_takes_the_written_parts_from_memory(s3_lineitem):
    """Write-through: the parts are written to S3, the lazy consumer in the same run uses
    the partitions from memory (nothing read back); later readers read the parts."""
    bucket, options, frame = s3_lineitem

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"io_manager": recording_io_manager})])
    def recorded():
        priced(shipped())

    RecordingReads.reads = []
    config = _config(bucket, options, {"threads": {"max_workers": 4}})
    result = execute_pipeline(recorded, config)
    assert result.success
    run = f"s3://{bucket}/runs/{result.run_id}"
    assert RecordingReads.reads == []
    assert _listing(options, f"{run}/shipped/result") == _parts(NFILES)
    stored = result.output_for_solid("shipped")
    assert sorted(p.removeprefix("s3://") for p, _ in RecordingReads.reads) == [
        f"{run.removeprefix('s3://')}/shipped/result/part.{i}.parquet" for i in range(NFILES)
    ]
    assert len(stored) == _expected(frame).orders.sum()  # priced only adds a column
    assert _listing(options, f"{run}/priced/result") == _parts(NFILES)
    assert len(result.output_for_solid("priced")) == _expected(frame).orders.sum()


def test_a_partition_failing_its_schema_on_s3_commits_nothing(s3_lineitem):
    bucket, options, frame = s3_lineitem
    config = _config(
        bucket, options, {"threads": {"max_workers": 4}}, "small_orders", filters=False
    )
    result = execute_pipeline(s3_strict, config, raise_on_error=False)
    assert not result.success
    failure = next(
        e.message
        for e in result.result_for_solid("small_orders").events
        if e.event_type == E.STEP_FAILURE
    )
    last = NFILES - 1
    assert f"in 1 partition of {NFILES}" in failure
    assert f'partition {last}: column "l_quantity": 1 row above max_value 49' in failure
    out = f"s3://{bucket}/runs/{result.run_id}/small_orders/result"
    written = _listing(options, out)
    assert "_SUCCESS" not in written
    assert f"part.{last}.parquet" not in written  # the failing partition is never written
    assert result.result_for_solid("small_total").skipped
