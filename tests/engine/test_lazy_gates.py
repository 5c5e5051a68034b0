"""Write-through readers wait for each partition's check, not for its write."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.utils import key_split

from daskflow import OutputDefinition, dataframe_type, execute_pipeline, pipeline, solid
from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
from daskflow.engine.run.compile import compile_run
from daskflow.engine.run.launch import RunRequest, prepare_run
from daskflow.instance import DaskflowInstance
from daskflow.types import Column, DaskDataFrame

Bounded = dataframe_type("Bounded", {"a": Column(int, max_value=1450), "b": float}, dask=True)
SEEN_MAX: list[int] = []  # the largest "a" of each partition the reader computed on


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("gates") / "src")
    frame = pd.DataFrame({"a": np.arange(1600), "b": np.linspace(0.0, 1.0, 1600)})
    dd.from_pandas(frame, npartitions=16).to_parquet(path)
    return path


@solid(output_defs=[OutputDefinition(Bounded)], config_schema={"copy": bool})
def bounded(context, src: DaskDataFrame):
    # a copy is written; an unmodified read is recorded by reference, its source checked
    return src[src.a >= 0] if context.solid_config["copy"] else src


def _record(part: pd.DataFrame) -> pd.DataFrame:
    if len(part):
        SEEN_MAX.append(int(part.a.max()))
    return part


@solid
def reader(_, frame: Bounded) -> DaskDataFrame:
    return frame.map_partitions(_record)


@pipeline
def gated():
    reader(bounded())


def _config(source, store, copy=True):
    return {
        "solids": {
            "bounded": {"inputs": {"src": {"parquet": {"path": source}}}, "config": {"copy": copy}}
        },
        "resources": {"io_manager": {"config": {"base_dir": store}}},
        "execution": {"in_process": {}},
    }


@pytest.mark.parametrize("copy", [True, False], ids=["written", "by reference"])
def test_a_reader_never_computes_on_a_partition_that_failed_its_check(source, tmp_path, copy):
    SEEN_MAX.clear()
    config = _config(source, str(tmp_path), copy)
    result = execute_pipeline(gated, config, raise_on_error=False)
    assert not result.result_for_solid("bounded").success  # partitions 14 and 15 break it
    assert result.result_for_solid("reader").skipped
    assert SEEN_MAX and max(SEEN_MAX) <= 1450  # partitions 0..13 only


def test_readers_depend_on_the_checks_and_the_writes_follow_them(source, tmp_path):
    instance = DaskflowInstance.ephemeral()
    request = RunRequest(gated, _config(source, str(tmp_path)))
    coordinator, _, _ = prepare_run(request, instance)
    register_local_sink(coordinator.run_id, lambda record: None)  # build-time events
    try:
        graph = compile_run(coordinator.payload).graph
    finally:
        unregister_local_sink(coordinator.run_id)

    def upstream_of(prefix):
        deps = {d for k, node in graph.items() if key_split(k) == prefix for d in node.dependencies}
        return {key_split(d) for d in deps}

    assert len([k for k in graph if key_split(k) == "bounded_check"]) == 16
    assert "bounded_check" in upstream_of("reader")
    assert "bounded_write" not in upstream_of("reader")  # the write goes on beside it
    assert "bounded_check" in upstream_of("bounded_write")
