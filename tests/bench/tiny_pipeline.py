"""A tiny pipeline for the bench tests: a Dask DataFrame solid read from parquet, a typed
Dask output, and pandas solids after it (``-f`` loads this file)."""

import dask.dataframe as dd
import pandas as pd

from daskflow import OutputDefinition, dataframe_type, pipeline, solid
from daskflow.types import Column, DaskDataFrame

Scored = dataframe_type("Scored", {"a": Column(int, min_value=0), "d": float}, dask=True)


@solid(output_defs=[OutputDefinition(Scored)])
def score(_, src: DaskDataFrame):
    return src.assign(d=src.b * 2)[["a", "d"]]


@solid
def gather(_, df: DaskDataFrame) -> pd.DataFrame:
    return df[df.a > 10]


@solid
def count(_, df: pd.DataFrame) -> int:
    return len(df)


@pipeline
def tiny():
    count(gather(score()))


def write_source(path: str) -> None:
    """The parquet input: 4 partitions of 400 rows."""
    frame = pd.DataFrame({"a": range(400), "b": [i / 400 for i in range(400)]})
    dd.from_pandas(frame, npartitions=4).to_parquet(path)


def baseline(path: str) -> int:
    """The same computation in plain Dask."""
    frame = dd.read_parquet(path)
    return int((frame.a > 10).sum().compute())
