"""TPC-H Q1, pricing summary report, as a daskflow pipeline.

    filter_shipped -> price_lineitems -> aggregate_pricing -> pricing_summary_report

``filter_shipped`` reads lineitem (its ``lineitem`` input, from run config), converts
decimals and dates once, and keeps the items shipped by 1998-09-02; ``price_lineitems``
adds ``disc_price`` and ``charge``; ``aggregate_pricing`` groups by return flag and line
status (its pandas output is computed inside the run's graph); the report sorts it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from daskflow import pipeline, solid
from daskflow.types import Column, DaskDataFrame

from .common import (
    LINEITEM,
    MONEY,
    Inputs,
    build_run_config,
    converted,
    frame_type,
    modes,
    presets,
    revenue,
)

SHIP_CUTOFF = pd.Timestamp("1998-09-02")  # 1998-12-01 - 90 days
GROUP = ["l_returnflag", "l_linestatus"]
COLUMNS = ["l_quantity", "l_extendedprice", "l_discount", "l_tax", *GROUP, "l_shipdate"]
INPUTS: Inputs = {"filter_shipped": {"lineitem": ("lineitem", COLUMNS)}}

ShippedLineitems = frame_type(
    "ShippedLineitems",
    LINEITEM,
    COLUMNS,
    "Lineitems shipped by 1998-09-02.",
    l_shipdate=Column("datetime", nullable=False, max_value=SHIP_CUTOFF),
)
PricedLineitems = frame_type(
    "PricedLineitems",
    LINEITEM,
    [*COLUMNS[:-1], "disc_price", "charge"],
    "Shipped lineitems with their discounted price and charge.",
    disc_price=MONEY,
    charge=MONEY,
)
PricingSummary = frame_type(
    "PricingSummary",
    LINEITEM,
    GROUP,
    "One row per return flag and line status.",
    dask=False,
    **{
        name: MONEY
        for name in (
            "sum_qty",
            "sum_base_price",
            "sum_disc_price",
            "sum_charge",
            "avg_qty",
            "avg_price",
        )
    },
    avg_disc=LINEITEM["l_discount"],
    count_order=Column(int, nullable=False, min_value=1),
)


@solid
def filter_shipped(_, lineitem: DaskDataFrame) -> ShippedLineitems:
    """Lineitems shipped on or before 1998-09-02, with numpy types."""
    lineitem = converted(lineitem)
    return lineitem[lineitem.l_shipdate <= SHIP_CUTOFF]


@solid
def price_lineitems(_, lineitems: ShippedLineitems) -> PricedLineitems:
    """``disc_price = price * (1 - discount)`` and ``charge = disc_price * (1 + tax)``."""
    priced = lineitems.drop(columns="l_shipdate")
    priced = priced.assign(disc_price=revenue(priced))
    return priced.assign(charge=priced.disc_price * (1 + priced.l_tax))


@solid
def aggregate_pricing(_, priced: PricedLineitems) -> PricingSummary:
    """Sums, averages and counts per return flag and line status."""
    return (
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
    )


@solid
def pricing_summary_report(_, summary: PricingSummary) -> pd.DataFrame:
    """The answer, ordered by return flag and line status."""
    return summary.sort_values(GROUP, kind="stable").reset_index(drop=True)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q1's run config: lineitem from ``data_dir``, ``execution`` (default threads)."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q1_pricing_summary():
    pricing_summary_report(aggregate_pricing(price_lineitems(filter_shipped())))
