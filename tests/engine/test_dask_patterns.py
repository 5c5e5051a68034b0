"""Ordinary Dask code inside solids: lazy and eager patterns, each checked against pandas.

One pipeline holds every pattern as a solid reading the same upstream Dask solid (so the
eager ones read partitions that do not exist while the graph is built). It runs on the
threaded scheduler and on the session's 2-worker cluster, with ``fs_io_manager`` and
``mem_io_manager``; every solid's answer is compared with pandas on the same data.
"""

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.delayed import Delayed
from dask.task_spec import Task

from daskflow import (
    DaskDataFrame,
    DaskSeries,
    ModeDefinition,
    dataframe_type,
    execute_pipeline,
    execute_solid,
    pipeline,
    solid,
)
from daskflow.events import DaskflowEventType as E
from daskflow.io_managers import fs_io_manager, mem_io_manager

ZONES = pd.DataFrame({"zone": np.arange(5), "borough": ["a", "b", "c", "d", "e"]})
Zones = dataframe_type("Zones", {"zone": "int64", "borough": "str"})


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = 2000
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "zone": rng.integers(0, 5, rows),
            "fare": rng.uniform(0, 50, rows).round(2),
            "dist": rng.uniform(0, 10, rows).round(3),
        }
    )


FRAME = _frame()
TRIPS = FRAME[FRAME.fare > 1]  # what the upstream solid hands on


@solid
def trips(_, src: DaskDataFrame) -> DaskDataFrame:
    return src[src.fare > 1]


@solid
def zones(_) -> Zones:
    return ZONES


# -- lazy patterns -------------------------------------------------------------------------
@solid
def map_parts(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.map_partitions(lambda p: p.assign(tip=p.fare * 0.1))


@solid
def merged_lazy(_, df: DaskDataFrame, lookup: DaskDataFrame) -> DaskDataFrame:
    return df.merge(lookup, on="zone")


@solid
def repartitioned(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.repartition(npartitions=2)


@solid
def lazy_total(_, df: DaskDataFrame) -> float:
    return df.fare.sum()


@solid
def grouped_lazy(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.groupby("zone").fare.sum().reset_index()


@solid
def series_out(_, df: DaskDataFrame) -> DaskSeries:
    return df.fare * 2


@solid
def series_in(_, fares: DaskSeries) -> float:
    return fares.sum()


@solid
def counts(_, df: DaskDataFrame) -> DaskSeries:
    return df.zone.value_counts()


# -- eager patterns ------------------------------------------------------------------------
@solid
def computed(_, df: DaskDataFrame) -> pd.DataFrame:
    return df.groupby("zone").agg(fare=("fare", "sum"), n=("id", "count")).compute()


@solid
def dask_computed(_, df: DaskDataFrame) -> dict:
    low, high = dask.compute(df.fare.min(), df.fare.max())
    return {"low": float(low), "high": float(high)}


@solid
def persisted(_, df: DaskDataFrame) -> DaskDataFrame:
    kept = df.persist()
    mean = kept.fare.mean().compute()
    return kept[kept.fare > mean]


@solid
def length(_, df: DaskDataFrame) -> int:
    return len(df)


@solid
def first_rows(_, df: DaskDataFrame) -> pd.DataFrame:
    return df.head(5, npartitions=-1)


@solid
def indexed(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.set_index("id")


@solid
def sorted_fares(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.sort_values("fare")


@solid
def delayed_inside(_, df: DaskDataFrame) -> int:
    rows = dask.delayed(len)(df)
    return int(dask.delayed(lambda n: n * 2)(rows).compute())


@solid
def delayed_out(_, df: DaskDataFrame) -> int:
    return dask.delayed(lambda n: n + 1)(df.id.count())


@solid
def with_lookup(_, df: DaskDataFrame, lookup: Zones) -> DaskDataFrame:
    return df.merge(lookup, on="zone")  # a pandas frame: merged as is


@solid
def pandas_in(_, df: pd.DataFrame) -> int:  # a pandas solid reading a Dask solid
    return int(df.id.sum())


@solid(config_schema={"path": str})
def written(context, df: DaskDataFrame) -> int:
    path = context.solid_config["path"]
    df.to_parquet(path)
    return len(dd.read_parquet(path))


@solid
def unique_zones(_, df: DaskDataFrame) -> int:
    return int(df.zone.nunique().compute())


@solid
def reused(_, df: DaskDataFrame) -> pd.DataFrame:
    kept = df.persist()  # persisted once, reused by two computations
    total, rows = dask.compute(kept.fare.sum(), kept.shape[0])
    return pd.DataFrame({"total": [total], "rows": [rows]})


@solid
def after_eager(_, df: DaskDataFrame) -> DaskDataFrame:  # reads a deferred step's output
    return df.assign(fare2=df.fare * 2)


PATTERNS = [
    map_parts,
    repartitioned,
    lazy_total,
    grouped_lazy,
    series_out,
    counts,
    computed,
    dask_computed,
    persisted,
    length,
    first_rows,
    indexed,
    sorted_fares,
    delayed_inside,
    delayed_out,
    pandas_in,
    written,
    unique_zones,
    reused,
]


def _patterns_pipeline(io_manager):
    @pipeline(name="patterns", mode_defs=[ModeDefinition(resource_defs={"io_manager": io_manager})])
    def patterns():
        df = trips()
        for pattern in PATTERNS:
            pattern(df)
        merged_lazy(df, grouped_lazy.alias("zone_fares")(df))
        series_in(series_out.alias("fares")(df))
        with_lookup(df, zones())
        after_eager(indexed.alias("indexed_again")(df))

    return patterns


def _expected() -> dict:
    t = TRIPS
    grouped = t.groupby("zone").agg(fare=("fare", "sum"), n=("id", "count"))
    return {
        "map_parts": t.assign(tip=t.fare * 0.1),
        "repartitioned": t,
        "lazy_total": t.fare.sum(),
        "grouped_lazy": t.groupby("zone").fare.sum().reset_index(),
        "series_out": t.fare * 2,
        "counts": t.zone.value_counts(),
        "computed": grouped,
        "dask_computed": {"low": t.fare.min(), "high": t.fare.max()},
        "persisted": t[t.fare > t.fare.mean()],
        "length": len(t),
        "first_rows": t.head(5),
        "indexed": t.set_index("id"),
        "sorted_fares": t.sort_values("fare"),
        "delayed_inside": 2 * len(t),
        "delayed_out": len(t) + 1,
        "pandas_in": int(t.id.sum()),
        "written": len(t),
        "unique_zones": t.zone.nunique(),
        "reused": pd.DataFrame({"total": [t.fare.sum()], "rows": [len(t)]}),
        "series_in": (t.fare * 2).sum(),
        "merged_lazy": t.merge(t.groupby("zone").fare.sum().reset_index(), on="zone"),
        "with_lookup": t.merge(ZONES, on="zone"),
        "after_eager": t.set_index("id").assign(fare2=t.set_index("id").fare * 2),
    }


def _canonical(value):
    """A frame or series in an order-free form (index kept as a column when named)."""
    if isinstance(value, Delayed) or dask.is_dask_collection(value):
        value = value.compute(scheduler="threads")
    if isinstance(value, pd.Series):
        value = value.to_frame(name=value.name if value.name is not None else "0")
    if not isinstance(value, pd.DataFrame):
        return value
    frame = value.reset_index(drop=all(n is None for n in value.index.names))
    frame = frame[sorted(frame.columns, key=str)]
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _check(result, expected):
    assert result.success, [e.message for e in result.events if e.event_type == E.STEP_FAILURE]
    for name, want in expected.items():
        got = _canonical(result.output_for_solid(name))
        want = _canonical(want)
        if isinstance(want, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=name)
        elif isinstance(want, dict):
            assert got == pytest.approx(want), name
        else:
            assert got == pytest.approx(want), name


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("patterns") / "trips")
    dd.from_pandas(FRAME, npartitions=4).to_parquet(path)
    return path


def _config(source, tmp_path, execution, io_name):
    config = {
        "execution": execution,
        "solids": {
            "trips": {"inputs": {"src": {"parquet": {"path": source}}}},
            "written": {"config": {"path": str(tmp_path / "written")}},
        },
    }
    if io_name == "fs":
        config["resources"] = {"io_manager": {"config": {"base_dir": str(tmp_path / "store")}}}
    return config


IO_MANAGERS = {"fs": fs_io_manager, "mem": mem_io_manager}


@pytest.mark.parametrize("io_name", ["fs", "mem"])
def test_every_pattern_on_threads(source, tmp_path, io_name):
    config = _config(source, tmp_path, {"threads": {"max_workers": 2}}, io_name)
    result = execute_pipeline(_patterns_pipeline(IO_MANAGERS[io_name]), config)
    _check(result, _expected())


@pytest.mark.parametrize("io_name", ["fs", "mem"])
def test_every_pattern_on_a_cluster(source, tmp_path, io_name, cluster_execution):
    config = _config(source, tmp_path, cluster_execution, io_name)
    result = execute_pipeline(_patterns_pipeline(IO_MANAGERS[io_name]), config)
    _check(result, _expected())


# -- unit tests of Dask solids ---------------------------------------------------------------
@pytest.mark.parametrize("as_dask", [False, True], ids=["pandas", "dask"])
def test_execute_solid_runs_a_dask_solid_on_a_frame(as_dask):
    value = dd.from_pandas(TRIPS, npartitions=3) if as_dask else TRIPS
    lazy = execute_solid(map_parts, input_values={"df": value})
    expected = TRIPS.assign(tip=TRIPS.fare * 0.1)
    pd.testing.assert_frame_equal(_canonical(lazy.output_value()), _canonical(expected))
    eager = execute_solid(computed, input_values={"df": value})
    want = TRIPS.groupby("zone").agg(fare=("fare", "sum"), n=("id", "count"))
    pd.testing.assert_frame_equal(eager.output_value().sort_index(), want, check_dtype=False)


# -- what an eager step looks like --------------------------------------------------------------
CALLS: list[str] = []


@solid
def counted(context, df: DaskDataFrame) -> int:
    context.log.info("counting")  # before the eager call: also reached by the abandoned build
    rows = len(df)
    CALLS.append("counted")
    return rows


@solid
def slow_zones(_) -> Zones:
    import time

    time.sleep(1.0)
    return ZONES


@solid
def zone_names(_, df: DaskDataFrame, lookup: DaskDataFrame) -> DaskDataFrame:
    return df.merge(lookup, on="zone")[["id", "borough"]]


def test_an_eager_body_runs_once_and_reports_one_start(source, tmp_path):
    @pipeline(name="eager_once")
    def eager_once():
        counted(trips())

    CALLS.clear()
    config = _config(source, tmp_path, {"in_process": {}}, "fs")
    config["solids"].pop("written")
    result = execute_pipeline(eager_once, config)
    assert result.success
    assert result.output_for_solid("counted") == len(TRIPS)
    assert CALLS == ["counted"]  # the abandoned build stopped at the eager call
    starts = [e for e in result.events if e.event_type == E.STEP_START and e.step_key == "counted"]
    logs = [e for e in result.events if e.event_type == E.LOG and e.step_key == "counted"]
    assert len(starts) == 1 and len(logs) == 1  # the abandoned build's events were dropped


def test_a_lazy_pipeline_stays_one_graph_without_deferred_steps(source, tmp_path):
    from daskflow.engine.lazy.deferred import run_deferred
    from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
    from daskflow.engine.run.compile import compile_run
    from daskflow.engine.run.launch import RunRequest, prepare_run
    from daskflow.instance import DaskflowInstance

    @pipeline(name="lazy_only")
    def lazy_only():
        df = trips()
        lazy_total(map_parts(df))

    instance = DaskflowInstance.ephemeral()
    config = _config(source, tmp_path, {"threads": {}}, "fs")
    config["solids"].pop("written")
    coordinator, _, _ = prepare_run(RunRequest(lazy_only, config), instance)
    register_local_sink(coordinator.run_id, lambda record: None)
    try:
        compiled = compile_run(coordinator.payload)
    finally:
        unregister_local_sink(coordinator.run_id)
    functions = {node.func for node in compiled.graph.values() if isinstance(node, Task)}
    assert run_deferred not in functions
    assert len(functions) > 1


def test_a_dask_step_runs_and_times_from_its_start_task_not_from_the_build(source, tmp_path):
    @pipeline(name="timed")
    def timed():
        zone_names(trips(), slow_zones())

    config = _config(source, tmp_path, {"threads": {"max_workers": 2}}, "fs")
    config["solids"].pop("written")
    result = execute_pipeline(timed, config)
    events = {(e.step_key, e.event_type): e for e in result.events}
    upstream_done = events[("slow_zones", E.STEP_SUCCESS)].timestamp
    start = events[("zone_names", E.STEP_START)]
    success = events[("zone_names", E.STEP_SUCCESS)]
    assert start.timestamp >= upstream_done  # shown running only once its tasks can run
    # its duration runs from its start, after the upstream's 1 s: the wait is not its time
    assert success.data["duration_ms"] / 1000 <= success.timestamp - upstream_done + 0.05
    assert success.data["build_seconds"] >= 0  # reported apart


def test_in_memory_chains_keep_every_solid_name_on_the_scheduler(source, tmp_path, dask_cluster):
    from dask.utils import key_split
    from distributed import Client

    @pipeline(
        name="chain", mode_defs=[ModeDefinition(resource_defs={"io_manager": mem_io_manager})]
    )
    def chain():
        lazy_total(map_parts(trips()))

    config = _config(
        source, tmp_path, {"dask": {"cluster": {"address": dask_cluster.scheduler_address}}}, "mem"
    )
    config["solids"].pop("written")
    with Client(dask_cluster.scheduler_address) as client:
        result = execute_pipeline(chain, config)
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
        )
    assert result.success
    assert result.output_for_solid("lazy_total") == pytest.approx(TRIPS.fare.sum())
    for name in ("trips", "map_parts", "lazy_total"):
        assert any(key_split(p).startswith(name) for p in prefixes), (name, prefixes)
    success = next(
        e for e in result.events if e.event_type == E.STEP_SUCCESS and e.step_key == "lazy_total"
    )
    assert list(success.data["fused_from"]) == ["map_parts", "trips"]


@solid
def plain_delayed(_) -> int:  # no Dask type: a task step returning a Delayed
    return dask.delayed(sum)([1, 2, 3])


@solid
def plus_one(_, n: int) -> int:
    return n + 1


@pytest.mark.parametrize("where", ["threads", "cluster"])
def test_a_plain_solid_returning_a_delayed_gives_its_value(request, where):
    @pipeline(name="plain_delayed_pipeline")
    def plain_delayed_pipeline():
        plus_one(plain_delayed())

    execution = {"threads": {}}
    if where == "cluster":
        execution = request.getfixturevalue("cluster_execution")
    result = execute_pipeline(plain_delayed_pipeline, {"execution": execution})
    assert result.output_for_solid("plain_delayed") == 6
    assert result.output_for_solid("plus_one") == 7


def test_only_the_building_thread_is_refused_and_only_for_the_runs_data():
    import threading

    from daskflow.engine.lazy.eager import EagerCall, refusing_eager_calls

    df = dd.from_pandas(TRIPS, npartitions=2)
    seen = []
    with refusing_eager_calls(reads_upstream=True):
        with pytest.raises(EagerCall):
            len(df)
        other = threading.Thread(target=lambda: seen.append(len(df)))
        other.start()
        other.join()
    assert seen == [len(TRIPS)]  # another thread computing meanwhile is not refused
    with refusing_eager_calls(reads_upstream=False):
        assert len(df) == len(TRIPS)  # a source-only step may compute what needs no task
    assert len(df) == len(TRIPS)  # and afterwards Dask's own scheduler is back
