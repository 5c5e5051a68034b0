"""A chain of Dask DataFrame solids for the bench tests of in-memory hand-off:
``load -> keep -> total`` (a Dask scalar computed in the graph) ``-> report``. With the
``in_memory`` mode (mem_io_manager) ``load`` and ``keep`` run fused in ``total``'s tasks;
with ``default`` (fs_io_manager) each writes its own partitions."""

from daskflow import ModeDefinition, pipeline, solid
from daskflow.io_managers import fs_io_manager, mem_io_manager
from daskflow.types import DaskDataFrame


@solid
def load(_, src: DaskDataFrame) -> DaskDataFrame:
    return src.assign(c=src.b * 2)


@solid
def keep(_, df: DaskDataFrame) -> DaskDataFrame:
    return df[df.a > 10]


@solid
def total(_, df: DaskDataFrame) -> float:
    return df.c.sum()


@solid
def report(_, value: float) -> str:
    return f"{value:.2f}"


@pipeline(
    mode_defs=[
        ModeDefinition("default", resource_defs={"io_manager": fs_io_manager}),
        ModeDefinition("in_memory", resource_defs={"io_manager": mem_io_manager}),
    ]
)
def fused_chain():
    report(total(keep(load())))
