"""Pipelines the UI tests launch: ``flaky`` fails while a marker file exists (so a
re-execution from failure succeeds once it is removed), ``slow`` logs once per tick for a
configurable time (live events), ``chain`` runs twenty short steps (cancel),
``partitioned`` has a Dask DataFrame solid with slow partitions (live partition progress)
and ``wide`` 160 solids (a DAG laid out in a worker)."""

import os
import time

import dask.dataframe as dd
import pandas as pd

from daskflow import Field, pipeline, solid
from daskflow.types import DaskDataFrame


@solid
def make_number(_) -> int:
    return 21


@solid(config_schema={"marker": Field(str, description="fail while this file exists")})
def double_unless_marked(context, number: int) -> int:
    if os.path.exists(context.solid_config["marker"]):
        raise RuntimeError(f"marker {context.solid_config['marker']} is present")
    return number * 2


@pipeline
def flaky():
    double_unless_marked(make_number())


@solid(
    config_schema={
        "ticks": Field(int, default_value=20, description="how many ticks to log"),
        "tick_seconds": Field(float, default_value=0.25),
    }
)
def tick(context) -> int:
    for number in range(context.solid_config["ticks"]):
        context.log.info(f"tick {number}")
        time.sleep(context.solid_config["tick_seconds"])
    return context.solid_config["ticks"]


@solid
def after_ticks(_, count: int) -> int:
    return count


@pipeline
def slow():
    after_ticks(tick())


@solid(config_schema={"seconds": Field(float, default_value=0.3)})
def pause(context, previous: int = 0) -> int:
    time.sleep(context.solid_config["seconds"])
    return previous + 1


@pipeline
def chain():
    """Twenty steps of 0.3 s in a row: a cancel stops it within one step."""
    value = pause.alias("pause_0")()
    for number in range(1, 20):
        value = pause.alias(f"pause_{number}")(value)


@pipeline
def wide():
    """160 solids in 10 layers of 16: the UI lays out a graph this big in a web worker."""
    layer = [pause.alias(f"p0_{i}")() for i in range(16)]
    for depth in range(1, 10):
        layer = [pause.alias(f"p{depth}_{i}")(layer[i]) for i in range(16)]


@solid(config_schema={"partitions": Field(int, default_value=8), "seconds": Field(float, 0.2)})
def numbers(context) -> DaskDataFrame:
    """A Dask DataFrame whose partitions each take ``seconds`` to compute."""
    config = context.solid_config
    frame = pd.DataFrame({"x": range(config["partitions"] * 10)})
    return dd.from_pandas(frame, npartitions=config["partitions"]).map_partitions(
        _slowly, config["seconds"], meta=frame.iloc[:0]
    )


def _slowly(part: pd.DataFrame, seconds: float) -> pd.DataFrame:
    time.sleep(seconds)
    return part


@solid
def total(_, frame: DaskDataFrame) -> int:
    return frame.x.sum()  # computed inside the run's graph


@pipeline
def partitioned():
    """A Dask DataFrame solid with slow partitions (live partition progress)."""
    total(numbers())
