"""Dask DataFrame solids: built on the coordinator, run as partition tasks of the run's graph."""

import glob
import os

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.utils import key_split

from daskflow import OutputDefinition, dataframe_type, execute_pipeline, pipeline, solid
from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
from daskflow.engine.run.compile import compile_run
from daskflow.engine.run.launch import RunRequest, prepare_run
from daskflow.events import DaskflowEventType as E
from daskflow.instance import DaskflowInstance
from daskflow.types import Column, DaskDataFrame

THREADS = {"threads": {"max_workers": 4}}
IN_PROCESS = {"in_process": {}}

Scored = dataframe_type("Scored", {"a": Column(int, min_value=0), "d": float}, dask=True)
Bounded = dataframe_type("Bounded", {"a": Column(int, max_value=1450), "b": float}, dask=True)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A 16-partition parquet dataset and the frame it holds."""
    path = str(tmp_path_factory.mktemp("lazy") / "src")
    frame = pd.DataFrame({"a": np.arange(1600), "b": np.linspace(0.0, 1.0, 1600)})
    dd.from_pandas(frame, npartitions=16).to_parquet(path)
    return path, frame


@solid
def load(context, src: DaskDataFrame) -> DaskDataFrame:
    context.log.info("reading %d partitions", src.npartitions)
    return src[src.a > 10]


@solid(output_defs=[OutputDefinition(Scored)])
def score(_, df: DaskDataFrame):
    return df.assign(d=df.b * 2)


@solid
def total(_, df: DaskDataFrame) -> float:
    return df.d.sum()  # a lazy scalar: computed in the graph


@solid
def to_pandas(_, df: Scored) -> pd.DataFrame:
    return df  # a pandas output: the frame is gathered by a task


@solid
def count(_, df: pd.DataFrame) -> int:
    return len(df)


@pipeline
def scoring():
    scored = score(load())
    total(scored)
    count(to_pandas(scored))


def _config(path, execution, store=None, solids=("load",)):
    config = {
        "solids": {name: {"inputs": {"src": {"parquet": {"path": path}}}} for name in solids},
        "execution": execution,
    }
    if store is not None:
        config["resources"] = {"io_manager": {"config": {"base_dir": store}}}
    return config


@pytest.mark.parametrize("execution", [IN_PROCESS, THREADS], ids=["in_process", "threads"])
def test_dask_solids_give_the_pandas_answer_with_parquet_intermediates(source, tmp_path, execution):
    path, frame = source
    store = str(tmp_path / "store")
    result = execute_pipeline(scoring, _config(path, execution, store))
    assert result.success
    expected = frame[frame.a > 10]
    assert result.output_for_solid("total") == pytest.approx(expected.b.sum() * 2)
    assert result.output_for_solid("count") == len(expected)
    scored = result.output_for_solid("score")  # read back from its parquet parts
    pd.testing.assert_frame_equal(scored, expected.assign(d=expected.b * 2))
    parts = glob.glob(os.path.join(store, result.run_id, "score", "result", "part.*.parquet"))
    assert len(parts) == 16
    assert os.path.exists(os.path.join(store, result.run_id, "score", "result", "_SUCCESS"))
    log = [e for e in result.result_for_solid("load").events if e.event_type == E.LOG]
    assert log and "16 partitions" in log[0].message
    output = [e for e in result.result_for_solid("score").events if e.event_type == E.STEP_OUTPUT][
        0
    ]
    assert output.data["type_check"]["success"]
    entries = {m["label"]: m for m in output.data["type_check"]["metadata_entries"]}
    assert entries["row_count"]["value"] == len(expected)
    assert entries["npartitions"]["value"] == 16


def test_in_memory_hand_off_writes_nothing(source, tmp_path):
    path, frame = source
    from daskflow import ModeDefinition
    from daskflow.io_managers import mem_io_manager

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"io_manager": mem_io_manager})])
    def in_memory():
        scored = score(load())
        total(scored)

    result = execute_pipeline(in_memory, _config(path, THREADS))
    assert result.success
    expected = frame[frame.a > 10]
    assert result.output_for_solid("total") == pytest.approx(expected.b.sum() * 2)
    handled = [
        e for e in result.result_for_solid("load").events if e.event_type == E.HANDLED_OUTPUT
    ]
    assert handled[0].data["lazy"] is True
    lazy = result.output_for_solid("score")  # never computed on its own: still lazy
    assert isinstance(lazy, dd.DataFrame)


def test_task_keys_are_named_after_solids(source):
    path, _ = source
    instance = DaskflowInstance.ephemeral()
    coordinator, _, _ = prepare_run(RunRequest(scoring, _config(path, THREADS)), instance)
    register_local_sink(coordinator.run_id, lambda record: None)  # build-time events
    try:
        compiled = compile_run(coordinator.payload)
    finally:
        unregister_local_sink(coordinator.run_id)
    prefixes = {key_split(k) for k in compiled.graph}
    assert {
        "load",
        "load_write",
        "load_commit",
        "score",
        "score_write",
        "score_commit",
        "total",
        "total_gather",
        "total_commit",
        "count",
    } <= prefixes
    writes = [k for k in compiled.graph if key_split(k) == "score_write"]
    assert len(writes) == 16


@solid(output_defs=[OutputDefinition(Bounded)])
def bounded(_, src: DaskDataFrame):
    return src


@solid
def after(_, df: DaskDataFrame) -> DaskDataFrame:
    return df


@solid
def boom(_, src: DaskDataFrame) -> DaskDataFrame:
    def fail_on_777(value):
        if value == 777:
            raise ValueError("bad value 777")
        return value

    return src.assign(c=src.a.map(fail_on_777, meta=("a", int)))


@solid
def independent(_, src: DaskDataFrame) -> float:
    return src.b.sum()


@pipeline
def failing():
    after(bounded())
    boom()
    independent()


def test_failed_partition_check_names_partition_and_column_and_commits_nothing(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    config = _config(path, THREADS, store, solids=("bounded", "boom", "independent"))
    result = execute_pipeline(failing, config, raise_on_error=False)
    assert not result.success
    failure = _failure_message(result, "bounded")
    assert "in 2 partitions of 16" in failure
    assert 'partition 14: column "a": 49 rows above max_value 1450' in failure
    assert 'partition 15: column "a": 100 rows above max_value 1450' in failure
    out_dir = os.path.join(store, result.run_id, "bounded", "result")
    assert not os.path.exists(os.path.join(out_dir, "_SUCCESS"))
    assert not os.path.exists(os.path.join(out_dir, "part.15.parquet"))  # never written
    check = [e for e in result.result_for_solid("bounded").events if e.event_type == E.STEP_OUTPUT][
        0
    ].data["type_check"]
    assert [p["partition"] for p in check["failed_partitions"]] == [14, 15]
    assert result.result_for_solid("after").skipped
    # an error inside one partition's task fails that step, with the user's traceback
    boom_failure = _failure_message(result, "boom")
    assert "partition 7" in boom_failure and "ValueError: bad value 777" in boom_failure
    error = result.result_for_solid("boom").failure_data
    assert error["type"] == "ValueError" and "fail_on_777" in error["traceback"]
    # the independent branch finished
    assert result.result_for_solid("independent").success
    assert result.output_for_solid("independent") == pytest.approx(frame.b.sum())


def test_schema_problem_in_metadata_fails_before_anything_runs(source):
    path, _ = source

    @solid(output_defs=[OutputDefinition(Scored)])
    def missing_column(_, src: DaskDataFrame):
        return src  # no column "d"

    @pipeline
    def p():
        missing_column()

    config = _config(path, THREADS, solids=("missing_column",))
    result = execute_pipeline(p, config, raise_on_error=False)
    assert not result.success
    assert 'missing column "d"' in _failure_message(result, "missing_column")
    assert E.STEP_SUCCESS not in result.event_types


def _failure_message(result, solid_name):
    events = result.result_for_solid(solid_name).events
    return next(e.message for e in events if e.event_type == E.STEP_FAILURE)


Readings = dataframe_type("Readings", {"a": int, "b": float})


@solid(output_defs=[OutputDefinition(Readings)])
def pandas_readings(_) -> pd.DataFrame:
    return pd.DataFrame({"a": np.arange(100, dtype="int32"), "b": np.ones(100)})


@solid
def dask_sum(_, readings: DaskDataFrame) -> float:
    return (readings.a * readings.b).sum()


@solid
def untyped_readings(_) -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})


@pytest.mark.parametrize("execution", [IN_PROCESS, THREADS], ids=["in_process", "threads"])
def test_a_dask_solid_reads_a_pandas_solids_output(execution):
    @pipeline
    def p():
        dask_sum(pandas_readings())

    result = execute_pipeline(p, {"execution": execution})
    assert result.success
    assert result.output_for_solid("dask_sum") == pytest.approx(sum(range(100)))


def test_a_pandas_output_without_declared_dtypes_feeds_a_dask_solid_once_it_ran():
    @pipeline
    def p():
        dask_sum(untyped_readings())

    result = execute_pipeline(p, {"execution": THREADS})
    assert result.output_for_solid("dask_sum") == 11.0


@solid
def numbers(_) -> DaskDataFrame:
    return dd.from_pandas(pd.DataFrame({"a": range(10)}), npartitions=2)


@solid
def top_three(_, df: DaskDataFrame) -> pd.DataFrame:
    return df.nlargest(3, "a")  # gathered into one pandas frame by a task


@solid
def join_back(_, df: DaskDataFrame, top: DaskDataFrame) -> pd.DataFrame:
    return df.merge(top, on="a")


def test_a_dask_solid_reads_a_gathered_pandas_output_of_a_dask_solid():
    @pipeline
    def p():
        frame = numbers()
        join_back(frame, top_three(frame))

    result = execute_pipeline(p, {"execution": THREADS})
    assert result.success
    assert sorted(result.output_for_solid("join_back").a) == [7, 8, 9]
