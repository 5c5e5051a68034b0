"""TPC-H Q1 written the way a newcomer to daskflow writes it: plain Dask in every solid.

    clean_lineitems -> price_shipped -> summarize_pricing

``clean_lineitems`` converts lineitem's types, ``price_shipped`` filters and derives the
prices, both lazy ``DaskDataFrame`` solids (with the default IO manager their outputs are
parquet intermediates). ``summarize_pricing`` aggregates and calls ``.compute()`` itself,
returning a pandas frame: an eager call, so daskflow runs its body once the intermediate it
reads has been written (see README, "Writing Dask solids").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from daskflow import pipeline, solid
from daskflow.types import DaskDataFrame

from .common import build_run_config, converted, modes, revenue
from .q1 import COLUMNS, GROUP, SHIP_CUTOFF

INPUTS = {"clean_lineitems": {"lineitem": ("lineitem", COLUMNS)}}


@solid
def clean_lineitems(_, lineitem: DaskDataFrame) -> DaskDataFrame:
    return converted(lineitem)


@solid
def price_shipped(_, lineitems: DaskDataFrame) -> DaskDataFrame:
    shipped = lineitems[lineitems.l_shipdate <= SHIP_CUTOFF]
    disc_price = revenue(shipped)
    return shipped.assign(disc_price=disc_price, charge=disc_price * (1 + shipped.l_tax))


@solid
def summarize_pricing(_, priced: DaskDataFrame) -> pd.DataFrame:
    summary = (
        priced.groupby(GROUP)
        .agg(
            sum_qty=("l_quantity", "sum"),
            sum_base_price=("l_extendedprice", "sum"),
            sum_disc_price=("disc_price", "sum"),
            sum_charge=("charge", "sum"),
            avg_qty=("l_quantity", "mean"),
            avg_price=("l_extendedprice", "mean"),
            avg_disc=("l_discount", "mean"),
            count_order=("l_quantity", "count"),
        )
        .reset_index()
        .compute()
    )
    return summary.sort_values(GROUP, kind="stable").reset_index(drop=True)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """The newcomer's Q1 run config: lineitem from ``data_dir``, ``execution`` (threads)."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes())
def tpch_q1_newcomer():
    summarize_pricing(price_shipped(clean_lineitems()))
