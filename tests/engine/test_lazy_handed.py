"""A deferred step reading an in-memory Dask output gets its partitions, not one frame."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from daskflow import ModeDefinition, execute_pipeline, pipeline, solid
from daskflow.events import DaskflowEventType as E
from daskflow.io_managers import mem_io_manager
from daskflow.types import DaskDataFrame

FRAME = pd.DataFrame({"g": np.arange(600) % 3, "x": np.arange(600, dtype=float)})


@solid
def doubled(_, frame: DaskDataFrame) -> DaskDataFrame:
    return frame.assign(x=frame.x * 2)


@solid
def summed(_, frame: DaskDataFrame) -> pd.DataFrame:
    summary = frame.groupby("g").x.sum().compute().reset_index()  # eager: a deferred step
    return summary.assign(partitions=frame.npartitions)


@solid
def summed_again(_, frame: DaskDataFrame) -> pd.DataFrame:
    # a second reader of the same handed-on output: both get all partitions
    return frame.groupby("g").x.sum().compute().reset_index()


@pipeline(mode_defs=[ModeDefinition("mem", resource_defs={"io_manager": mem_io_manager})])
def handed_pipeline():
    frame = doubled()
    summed(frame)
    summed_again(frame)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("handed") / "src")
    dd.from_pandas(FRAME, npartitions=6).to_parquet(path)
    return path


EXPECTED = FRAME.assign(x=FRAME.x * 2).groupby("g").x.sum().reset_index()


@pytest.mark.parametrize("where", ["in_process", "threads", "cluster"])
def test_the_eager_body_reads_every_partition_of_a_handed_output(source, where, request):
    execution = request.getfixturevalue("cluster_execution") if where == "cluster" else {where: {}}
    config = {
        "solids": {"doubled": {"inputs": {"frame": {"parquet": {"path": source}}}}},
        "execution": execution,
    }
    result = execute_pipeline(handed_pipeline, config, mode="mem")
    summary = result.output_for_solid("summed")
    assert summary.partitions.tolist() == [6, 6, 6]  # not one concatenated partition
    pd.testing.assert_frame_equal(summary.drop(columns="partitions"), EXPECTED)
    pd.testing.assert_frame_equal(result.output_for_solid("summed_again"), EXPECTED)


def test_on_a_cluster_the_partitions_stay_where_they_were_computed(source, dask_cluster):
    from dask.utils import key_split
    from distributed import Client, get_task_stream

    execution = {"dask": {"cluster": {"address": dask_cluster.scheduler_address}}}
    config = {
        "solids": {"doubled": {"inputs": {"frame": {"parquet": {"path": source}}}}},
        "execution": execution,
    }
    with Client(dask_cluster.scheduler_address) as client, get_task_stream(client) as stream:
        result = execute_pipeline(handed_pipeline, config, mode="mem")
    assert result.success
    names = {key_split(task["key"]) for task in stream.data}
    assert "doubled" in names  # the partitions, computed once for both readers
    assert "doubled_hand" not in names  # not collected into one task: read by key


def _explode_late_rows(part: pd.DataFrame) -> pd.DataFrame:
    if len(part) and part.x.max() > 1100:
        raise ValueError("a broken row in this partition")
    return part


@solid
def broken(_, frame: DaskDataFrame) -> DaskDataFrame:
    return frame.assign(x=frame.x * 2).map_partitions(_explode_late_rows)


@pipeline(mode_defs=[ModeDefinition("mem", resource_defs={"io_manager": mem_io_manager})])
def broken_pipeline():
    summed(broken())


@pytest.mark.parametrize("where", ["threads", "cluster"])
def test_a_failed_handed_partition_fails_the_reader_with_its_error(source, where, request):
    execution = request.getfixturevalue("cluster_execution") if where == "cluster" else {where: {}}
    config = {
        "solids": {"broken": {"inputs": {"frame": {"parquet": {"path": source}}}}},
        "execution": execution,
    }
    result = execute_pipeline(broken_pipeline, config, mode="mem", raise_on_error=False)
    assert not result.success
    messages = " ".join(e.message for e in result.events if e.event_type == E.STEP_FAILURE)
    assert "a broken row in this partition" in messages
