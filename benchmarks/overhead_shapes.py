"""The pipelines ``overhead.py`` (and ``breakdown.py``) time: chains and fans of trivial
solids, their raw ``dask.delayed`` twins, and raw twins that store every value in a file
as ``fs_io_manager`` does (the floor of any per-output file on this disk)."""

from __future__ import annotations

import os
import pickle
import uuid
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


def stored(directory: str, name: str, value: Any) -> str:
    """``value`` pickled into ``directory/name/result`` as ``fs_io_manager`` publishes a
    file: a directory per task, a temporary name, a rename; returns the path."""
    folder = f"{directory}/{name}"
    os.mkdir(folder)
    path, tmp = f"{folder}/result", f"{folder}/.tmp-{uuid.uuid4().hex}"
    with open(tmp, "xb") as file:
        pickle.dump(value, file)
    os.replace(tmp, path)
    return path


def loaded(path: str) -> Any:
    with open(path, "rb") as file:
        return pickle.load(file)


def raw_files_chain(n: int, directory: str) -> Any:
    """``raw_chain`` whose tasks store their values in files and read their inputs back."""
    value = delayed(lambda: stored(directory, "source", 0), pure=False)()
    for i in range(1, n):
        value = delayed(
            lambda path, name=f"step_{i}": stored(directory, name, loaded(path) + 1), pure=False
        )(value)
    return delayed(loaded, pure=False)(value)


def raw_files_fan(n: int, directory: str) -> Any:
    start = delayed(lambda: stored(directory, "source", 0), pure=False)()
    adds = [
        delayed(
            lambda path, name=f"add_{i}": stored(directory, name, loaded(path) + 1), pure=False
        )(start)
        for i in range(n)
    ]
    return delayed(
        lambda paths: loaded(stored(directory, "total", sum(loaded(p) for p in paths))),
        pure=False,
    )(adds)


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
            self.raw_files_build = raw_files_chain
        else:
            self.name, self.steps, self.expected = f"fan-{n}", n + 2, n
            self.pipeline, self.raw_build, self.last = fan_pipeline(n), raw_fan, "total"
            self.raw_files_build = raw_files_fan
