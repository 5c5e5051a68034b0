"""Shared pieces of the TPC-H pipelines: column rules, schema types, run config, modes.

Every pipeline reads its tables through solid inputs loaded from run config (the
``DaskDataFrame`` parquet loader reads only metadata while the run's graph is built), converts
decimals and dates once, in its first solids (:func:`converted`, the same per-column casts as
``tables.to_numpy_types``), and declares its key intermediate outputs with
``dataframe_type(..., dask=True)``: the engine checks those rules inside every partition's
task, next to the partition's parquet write.

>>> Priced = frame_type("Priced", LINEITEM, ["l_discount", "l_returnflag"])
>>> Priced.schema.columns["l_discount"].max_value
0.1
>>> table_input("data/sf1", "nation", ["n_name"])
{'parquet': {'path': 'data/sf1/nation', 'columns': ['n_name']}}
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from daskflow import ModeDefinition, PresetDefinition, dataframe_type
from daskflow.io_managers import fs_io_manager, mem_io_manager
from daskflow.types import Column, DataFrameSchemaType

from ..tables import table_path, to_numpy_types

# -- column rules (after conversion: decimals float64, dates datetime64[ms], text str) --------

KEY = Column(int, nullable=False, min_value=1)
MONEY = Column(float, nullable=False, min_value=0)
DATE = Column("datetime", nullable=False)
TEXT = Column(str, nullable=False)

LINEITEM: dict[str, Column] = {
    "l_orderkey": KEY,
    "l_suppkey": KEY,
    "l_quantity": Column(float, nullable=False, min_value=1, max_value=50),
    "l_extendedprice": MONEY,
    "l_discount": Column(float, nullable=False, min_value=0, max_value=0.1),
    "l_tax": Column(float, nullable=False, min_value=0, max_value=0.08),
    "l_returnflag": Column(str, nullable=False, allowed_values=["A", "N", "R"]),
    "l_linestatus": Column(str, nullable=False, allowed_values=["F", "O"]),
    "l_shipdate": DATE,
    "revenue": MONEY,
}
ORDERS: dict[str, Column] = {
    "o_orderkey": KEY,
    "o_custkey": KEY,
    "o_orderdate": DATE,
    "o_totalprice": MONEY,
    "o_shippriority": Column(int, nullable=False, min_value=0),
}
CUSTOMER: dict[str, Column] = {
    "c_custkey": KEY,
    "c_nationkey": Column(int, nullable=False, min_value=0, max_value=24),
    "c_name": TEXT,
    "c_acctbal": Column(float, nullable=False),  # may be negative
    "c_address": TEXT,
    "c_phone": TEXT,
    "c_comment": TEXT,
}
NATION: dict[str, Column] = {
    "n_nationkey": Column(int, nullable=False, min_value=0, max_value=24),
    "n_name": TEXT,
}


# The benchmark suite compares runs with and without the value rules: with
# DASKFLOW_TPCH_CHECKS=off (read at import) every column keeps only its dtype rule.
VALUE_CHECKS = os.environ.get("DASKFLOW_TPCH_CHECKS", "on").strip().lower() != "off"


def frame_type(
    name: str,
    rules: Mapping[str, Column],
    columns: Sequence[str],
    description: str | None = None,
    dask: bool = True,
    **overrides: Column,
) -> DataFrameSchemaType:
    """A frame type holding ``columns`` (rules from ``rules``, or ``overrides`` by name)."""
    schema = {column: overrides.get(column, rules.get(column)) for column in columns}
    schema.update({k: v for k, v in overrides.items() if k not in schema})
    missing = [column for column, rule in schema.items() if rule is None]
    if missing:
        raise ValueError(f"{name}: no column rule for {missing}")
    if not VALUE_CHECKS:
        schema = {column: Column(rule.dtype) for column, rule in schema.items()}
    return dataframe_type(name, schema, description=description, dask=dask)


def converted(frame: Any) -> Any:
    """``frame`` with decimals as float64, dates as datetime64[ms] and text as str.

    Per-column ``assign`` casts (``tables.to_numpy_types``), so filters written after it see
    the converted values (a frame-level ``astype`` would let dask push them below the cast).
    """
    return to_numpy_types(frame)


def revenue(frame: Any) -> Any:
    """``l_extendedprice * (1 - l_discount)``."""
    return frame.l_extendedprice * (1 - frame.l_discount)


def finish(
    frame: pd.DataFrame,
    columns: Sequence[str],
    by: Sequence[str],
    ascending: bool | Sequence[bool],
    limit: int | None = None,
) -> pd.DataFrame:
    """The answer: ``columns`` in select order, sorted by the ORDER BY, cut to the LIMIT."""
    ordered = frame.sort_values(list(by), ascending=ascending, kind="stable")
    if limit is not None:
        ordered = ordered.head(limit)
    return ordered[list(columns)].reset_index(drop=True)


# -- run config --------------------------------------------------------------------------

THREADS: dict[str, Any] = {"threads": {}}
# Which table, and which of its columns, each config-loaded solid input reads.
Inputs = Mapping[str, Mapping[str, tuple[str, Sequence[str]]]]


def table_input(data_dir: str | os.PathLike, table: str, columns: Sequence[str]) -> dict:
    """The ``DaskDataFrame`` loader config reading ``columns`` of a TPC-H table."""
    return {"parquet": {"path": table_path(data_dir, table), "columns": list(columns)}}


def build_run_config(
    inputs: Inputs,
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """A run config: every table input from ``data_dir``, ``execution`` (default threads),
    and, if ``store`` is given, the fs_io_manager's ``base_dir`` (not for the in_memory mode).
    """
    solids = {
        solid_name: {
            "inputs": {
                input_name: table_input(data_dir, table, columns)
                for input_name, (table, columns) in solid_inputs.items()
            }
        }
        for solid_name, solid_inputs in inputs.items()
    }
    config: dict[str, Any] = {"solids": solids, "execution": dict(execution or THREADS)}
    if store is not None:
        config["resources"] = {"io_manager": {"config": {"base_dir": os.fspath(store)}}}
    return config


def modes() -> list[ModeDefinition]:
    """``default``: intermediates as parquet parts (fs_io_manager); ``in_memory``: handed on
    through Dask's memory, nothing written (mem_io_manager)."""
    return [
        ModeDefinition("default", resource_defs={"io_manager": fs_io_manager}),
        ModeDefinition("in_memory", resource_defs={"io_manager": mem_io_manager}),
    ]


SF1_DIR = os.path.join("data", "tpch-sf1")  # relative to the repository root
LOCAL_CLUSTER: dict[str, Any] = {
    "dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}
}


def presets(inputs: Inputs) -> list[PresetDefinition]:
    """``sf1`` (threads) and ``sf1_local_cluster`` (2 workers x 1 thread) on ``data/tpch-sf1``
    (run from the repository root; ``python -m examples.tpch.data -s 1 -o data/tpch-sf1``)."""
    return [
        PresetDefinition("sf1", build_run_config(inputs, SF1_DIR)),
        PresetDefinition("sf1_local_cluster", build_run_config(inputs, SF1_DIR, LOCAL_CLUSTER)),
    ]
