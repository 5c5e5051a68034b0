"""The pipelines ``overhead.py`` (and ``breakdown.py``) time: chains and fans of trivial
solids, and their raw ``dask.delayed`` twins."""

from __future__ import annotations

from typing import Any

from dask import delayed

from daskflow import ModeDefinition, pipeline, solid
from daskflow.io_managers import mem_io_manager

# -- the solids and their raw twins ------------------------------------------------------


@solid
def source(_) -> int:
    return 0


@solid
def add_one(_, x: int) -> int:
    return x + 1


@solid
def total(_, xs: list) -> int:
    return sum(xs)


def raw_source() -> int:
    return 0


def raw_add_one(x: int) -> int:
    return x + 1


def raw_total(xs: list) -> int:
    return sum(xs)


MODES = [
    ModeDefinition("mem", resource_defs={"io_manager": mem_io_manager}),
    ModeDefinition("fs"),
]  # no io_manager given: the default fs_io_manager


def chain_pipeline(n: int) -> Any:
    @pipeline(name=f"chain_{n}", mode_defs=MODES)
    def body():
        value = source()
        for i in range(1, n):
            value = add_one.alias(f"step_{i}")(value)

    return body


def fan_pipeline(n: int) -> Any:
    @pipeline(name=f"fan_{n}", mode_defs=MODES)
    def body():
        start = source()
        total([add_one.alias(f"add_{i}")(start) for i in range(n)])

    return body


def raw_chain(n: int) -> Any:
    value = delayed(raw_source, pure=False)()
    for _ in range(1, n):
        value = delayed(raw_add_one, pure=False)(value)
    return value


def raw_fan(n: int) -> Any:
    start = delayed(raw_source, pure=False)()
    return delayed(raw_total, pure=False)(
        [delayed(raw_add_one, pure=False)(start) for _ in range(n)]
    )


class Shape:
    def __init__(self, kind: str, n: int):
        self.kind = kind
        self.n = n
        if kind == "chain":
            self.name, self.steps, self.expected = f"chain-{n}", n, n - 1
            self.pipeline, self.raw_build, self.last = chain_pipeline(n), raw_chain, f"step_{n - 1}"
        else:
            self.name, self.steps, self.expected = f"fan-{n}", n + 2, n
            self.pipeline, self.raw_build, self.last = fan_pipeline(n), raw_fan, "total"
