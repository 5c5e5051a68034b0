"""Pipelines used by the distributed tests (importable by worker processes)."""

import io
import os
import time

import dask.dataframe as dd
import pandas as pd

from daskflow import ModeDefinition, OutputDefinition, dataframe_type, pipeline, solid
from daskflow.io_managers import FilesystemIOManager, io_manager, mem_io_manager
from daskflow.types import Column, DaskDataFrame


@solid
def make_numbers(_) -> list:
    return list(range(10))


@solid(config_schema={"pid_file": str, "seconds": float})
def slow_square(context, numbers: list) -> list:
    context.log.info(f"squaring on process {os.getpid()}")
    # A worker's events reach the scheduler through its batched stream a few ms after they
    # are emitted; a SIGKILL before that loses them. Give STEP_START and the log time to
    # arrive before the pid file tells the test it may kill this process.
    time.sleep(0.5)
    with open(context.solid_config["pid_file"], "a") as f:
        f.write(f"{os.getpid()}\n")
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

Measured = dataframe_type("Measured", {"a": Column(int, min_value=0), "double": float}, dask=True)


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


class StallingFirstWrite(FilesystemIOManager):
    """Writes half of partition 0's file, then stalls until killed (first attempt only)."""

    def __init__(self, base_dir: str, pid_file: str):
        super().__init__(base_dir)
        self.pid_file = pid_file

    def write_part(self, context, index, frame):
        if index == 0 and not os.path.exists(self.pid_file):
            import daskflow.io_managers._fs_parts as fs_module

            complete = fs_module.write_table

            def half_then_stall(table, file):
                buffer = io.BytesIO()
                complete(table, buffer)
                file.write(buffer.getvalue()[: buffer.tell() // 2])
                file.flush()
                with open(self.pid_file, "w") as f:
                    f.write(str(os.getpid()))
                time.sleep(120)  # killed here, mid-write

            fs_module.write_table = half_then_stall
            try:
                return super().write_part(context, index, frame)
            finally:
                fs_module.write_table = complete
        return super().write_part(context, index, frame)


@io_manager(config_schema={"base_dir": str, "pid_file": str})
def stalling_io_manager(init_context):
    config = init_context.resource_config
    return StallingFirstWrite(config["base_dir"], config["pid_file"])


@pipeline(mode_defs=[ModeDefinition(resource_defs={"io_manager": stalling_io_manager})])
def measuring_with_a_stalled_write():
    measured = measure()
    sum_double(measured)
    count_rows(measured)


# -- Dask DataFrame solids that shuffle (joins and groupbys with split_out) ----------------


@solid(config_schema={"rows": int})
def make_orders(context) -> DaskDataFrame:
    rows = context.solid_config["rows"]
    orders = pd.DataFrame(
        {
            "customer": [i % 97 for i in range(rows)],
            "amount": [float(i % 1000) for i in range(rows)],
        }
    )
    return dd.from_pandas(orders, npartitions=16)


@solid
def make_customers(_) -> DaskDataFrame:
    customers = pd.DataFrame({"customer": range(97), "region": [f"r{i % 7}" for i in range(97)]})
    return dd.from_pandas(customers, npartitions=8)


@solid
def join_customers(_, orders: DaskDataFrame, customers: DaskDataFrame) -> DaskDataFrame:
    """A hash join: both sides have several partitions, so Dask shuffles them."""
    return orders.merge(customers, on="customer", how="inner", broadcast=False)


@solid
def region_totals(_, joined: DaskDataFrame) -> DaskDataFrame:
    """A groupby whose result is spread over 4 partitions: a shuffle of partial sums."""
    return joined.groupby("region").amount.sum(split_out=4).reset_index()


@solid
def sorted_totals(_, totals: pd.DataFrame) -> pd.DataFrame:
    return totals.sort_values("region").reset_index(drop=True)


@pipeline(
    mode_defs=[
        ModeDefinition("default"),
        ModeDefinition("in_memory", resource_defs={"io_manager": mem_io_manager}),
    ]
)
def shuffling():
    sorted_totals(region_totals(join_customers(make_orders(), make_customers())))
