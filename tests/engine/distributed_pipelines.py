"""Pipelines used by the distributed tests (importable by worker processes)."""

import os
import time

import pandas as pd

from daskflow import OutputDefinition, dataframe_type, pipeline, solid
from daskflow.types import Column, DaskDataFrame


@solid
def make_numbers(_) -> list:
    return list(range(10))


@solid(config_schema={"pid_file": str, "seconds": float})
def slow_square(context, numbers: list) -> list:
    with open(context.solid_config["pid_file"], "a") as f:
        f.write(f"{os.getpid()}\n")
    context.log.info(f"squaring on process {os.getpid()}")
    time.sleep(context.solid_config["seconds"])
    return [n * n for n in numbers]


@solid
def total(context, numbers: list) -> int:
    context.log.info("summing")
    return sum(numbers)


@pipeline
def squares():
    total(slow_square(make_numbers()))


# -- Dask DataFrame solids -----------------------------------------------------------------

Measured = dataframe_type("Measured", {"a": Column(int, min_value=0), "double": float},
                          dask=True)


@solid(output_defs=[OutputDefinition(Measured)])
def measure(context, src: DaskDataFrame):
    context.log.info(f"building on process {os.getpid()}")
    return src.assign(double=src.b * 2)


@solid
def sum_double(_, measured: DaskDataFrame) -> float:
    return measured.double.sum()


@solid
def count_rows(context, measured: pd.DataFrame) -> int:
    context.log.info(f"counting on process {os.getpid()}")
    return len(measured)


@pipeline
def measuring():
    measured = measure()
    sum_double(measured)
    count_rows(measured)
