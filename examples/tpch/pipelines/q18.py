"""TPC-H Q18, large volume customer, as a daskflow pipeline.

    large_volume_orders -> orders_of_large_volume -> top_orders_by_price
                        -> large_volume_customers -> large_volume_customer_report

``large_volume_orders`` sums lineitem quantities per order (lineitem from run config) and
keeps the orders of more than 300 units; the orders table is joined to them and the 100
most expensive kept, still lazy; ``large_volume_customers`` adds the customer's name and is
computed inside the run's graph into one small pandas frame.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from daskflow import pipeline, solid
from daskflow.types import Column, DaskDataFrame

from .common import (
    CUSTOMER,
    LINEITEM,
    ORDERS,
    Inputs,
    build_run_config,
    converted,
    finish,
    frame_type,
    modes,
    presets,
)

MIN_QUANTITY = 300  # "more than 300 units"
LIMIT = 100
ORDER_COLUMNS = ["o_orderkey", "o_custkey", "o_orderdate", "o_totalprice"]
ANSWER = ["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty"]
INPUTS: Inputs = {
    "large_volume_orders": {"lineitem": ("lineitem", ["l_orderkey", "l_quantity"])},
    "orders_of_large_volume": {"orders": ("orders", ORDER_COLUMNS)},
    "large_volume_customers": {"customer": ("customer", ["c_custkey", "c_name"])},
}
# Quantities are whole units, so "more than 300" means at least 301.
SUM_QTY = Column(float, nullable=False, min_value=MIN_QUANTITY + 1)
RULES = {**LINEITEM, **ORDERS, **CUSTOMER, "sum_qty": SUM_QTY}

LargeVolumeOrders = frame_type(
    "LargeVolumeOrders",
    RULES,
    ["l_orderkey", "sum_qty"],
    "Orders of more than 300 units.",
    l_orderkey=Column(int, nullable=False, min_value=1, unique=True),
)
LargeOrders = frame_type(
    "LargeOrders",
    RULES,
    [*ORDER_COLUMNS, "sum_qty"],
    "The large volume orders with their customer, date and price.",
)
LargeVolumeCustomers = frame_type(
    "LargeVolumeCustomers",
    RULES,
    ANSWER,
    "The 100 most expensive large volume orders and customers.",
    dask=False,
)


@solid
def large_volume_orders(_, lineitem: DaskDataFrame) -> LargeVolumeOrders:
    """Total quantity per order, for the orders of more than 300 units."""
    li = converted(lineitem)
    per_order = li.groupby("l_orderkey").l_quantity.sum().rename("sum_qty").reset_index()
    return per_order[per_order.sum_qty > MIN_QUANTITY]


@solid
def orders_of_large_volume(_, large: LargeVolumeOrders, orders: DaskDataFrame) -> LargeOrders:
    """The large volume orders' customer, date and total price."""
    joined = large.merge(converted(orders), left_on="l_orderkey", right_on="o_orderkey")
    return joined[[*ORDER_COLUMNS, "sum_qty"]]


@solid
def top_orders_by_price(_, orders: LargeOrders) -> LargeOrders:
    """The 100 most expensive large volume orders."""
    return orders.nlargest(LIMIT, "o_totalprice")


@solid
def large_volume_customers(_, orders: LargeOrders, customer: DaskDataFrame) -> LargeVolumeCustomers:
    """Each top order with its customer's name (one small pandas frame)."""
    joined = orders.merge(customer, left_on="o_custkey", right_on="c_custkey")
    return joined[ANSWER]


@solid
def large_volume_customer_report(_, orders: LargeVolumeCustomers) -> pd.DataFrame:
    """The answer, by total price (descending) and order date."""
    return finish(orders, ANSWER, ["o_totalprice", "o_orderdate"], [False, True], LIMIT)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q18's run config: lineitem, orders and customer from ``data_dir``."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q18_large_volume_customer():
    top = top_orders_by_price(orders_of_large_volume(large_volume_orders()))
    large_volume_customer_report(large_volume_customers(top))
