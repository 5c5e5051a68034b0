"""TPC-H Q6, forecasting revenue change, as a daskflow pipeline.

    select_discounted_1994 -> forecast_revenue -> revenue_change_report

``select_discounted_1994`` reads lineitem (config input), converts it once and keeps the
items shipped in 1994 with a discount of 0.05-0.07 and fewer than 24 units;
``forecast_revenue`` returns a lazy Dask scalar, computed inside the run's graph; the report
is the one-row answer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from daskflow import pipeline, solid
from daskflow.types import Column, DaskDataFrame

from .common import LINEITEM, Inputs, build_run_config, converted, frame_type, modes, presets

START, END = pd.Timestamp("1994-01-01"), pd.Timestamp("1995-01-01")
DISCOUNT_LOW, DISCOUNT_HIGH = 0.05, 0.07  # 0.06 +- 0.01
MAX_QUANTITY = 24
COLUMNS = ["l_quantity", "l_extendedprice", "l_discount", "l_shipdate"]
INPUTS: Inputs = {"select_discounted_1994": {"lineitem": ("lineitem", COLUMNS)}}

DiscountedLineitems = frame_type(
    "DiscountedLineitems",
    LINEITEM,
    ["l_quantity", "l_extendedprice", "l_discount"],
    "Lineitems shipped in 1994 with discount 0.05-0.07 and quantity below 24.",
    l_quantity=Column(float, nullable=False, min_value=1, max_value=MAX_QUANTITY - 1),
    l_discount=Column(float, nullable=False, min_value=DISCOUNT_LOW, max_value=DISCOUNT_HIGH),
)


@solid
def select_discounted_1994(_, lineitem: DaskDataFrame) -> DiscountedLineitems:
    """The Q6 predicate on converted lineitems; the ship date is not kept."""
    li = converted(lineitem)
    li = li[
        (li.l_shipdate >= START)
        & (li.l_shipdate < END)
        & li.l_discount.between(DISCOUNT_LOW, DISCOUNT_HIGH)
        & (li.l_quantity < MAX_QUANTITY)
    ]
    return li[list(DiscountedLineitems.schema.columns)]


@solid
def forecast_revenue(_, lineitems: DiscountedLineitems) -> float:
    """``sum(l_extendedprice * l_discount)``: a Dask scalar the engine computes in the graph."""
    return (lineitems.l_extendedprice * lineitems.l_discount).sum()


@solid
def revenue_change_report(_, revenue: float) -> pd.DataFrame:
    """The one-row answer."""
    return pd.DataFrame({"revenue": [float(revenue)]})


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q6's run config: lineitem from ``data_dir``, ``execution`` (default threads)."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q6_forecast_revenue():
    revenue_change_report(forecast_revenue(select_discounted_1994()))
