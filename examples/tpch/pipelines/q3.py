"""TPC-H Q3, shipping priority, as a daskflow pipeline.

    building_customers ─┐
    orders_before_cutoff ┴ building_orders ─┐
    lineitems_shipped_after ────────────────┴ revenue_per_order -> top_orders_by_revenue
                                                                 -> shipping_priority_report

The three table inputs come from run config and are converted once by the solid reading
them. ``revenue_per_order`` joins lineitems to BUILDING orders and sums their revenue;
``top_orders_by_revenue`` keeps the 10 largest (computed inside the run's graph).
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
    revenue,
)

SEGMENT = "BUILDING"
DATE = pd.Timestamp("1995-03-15")
LIMIT = 10
ORDER_COLUMNS = ["o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"]
KEYS = ["l_orderkey", "o_orderdate", "o_shippriority"]
ANSWER = ["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]
INPUTS: Inputs = {
    "building_customers": {"customer": ("customer", ["c_custkey", "c_mktsegment"])},
    "orders_before_cutoff": {"orders": ("orders", ORDER_COLUMNS)},
    "lineitems_shipped_after": {
        "lineitem": ("lineitem", ["l_orderkey", "l_extendedprice", "l_discount", "l_shipdate"])
    },
}

BuildingCustomers = frame_type(
    "BuildingCustomers",
    CUSTOMER,
    ["c_custkey"],
    "Keys of the customers in the BUILDING segment.",
    c_custkey=Column(int, nullable=False, min_value=1, unique=True),
)
OpenOrders = frame_type(
    "OpenOrders",
    ORDERS,
    ORDER_COLUMNS,
    "Orders placed before 1995-03-15.",
    o_orderdate=Column("datetime", nullable=False, max_value=DATE - pd.Timedelta(days=1)),
)
BuildingOrders = frame_type(
    "BuildingOrders",
    ORDERS,
    ["o_orderkey", "o_orderdate", "o_shippriority"],
    "Orders before 1995-03-15 of BUILDING customers.",
)
UnshippedRevenue = frame_type(
    "UnshippedRevenue",
    LINEITEM,
    ["l_orderkey", "revenue"],
    "Revenue of the lineitems shipped after 1995-03-15.",
)
OrderRevenue = frame_type(
    "OrderRevenue",
    {**LINEITEM, **ORDERS},
    [*KEYS, "revenue"],
    "Unshipped revenue per BUILDING order.",
)
TopOrders = frame_type(
    "TopOrders",
    {**LINEITEM, **ORDERS},
    ANSWER,
    "The 10 orders with the most unshipped revenue.",
    dask=False,
)


@solid
def building_customers(_, customer: DaskDataFrame) -> BuildingCustomers:
    """Customers of the BUILDING market segment."""
    return customer[customer.c_mktsegment == SEGMENT][["c_custkey"]]


@solid
def orders_before_cutoff(_, orders: DaskDataFrame) -> OpenOrders:
    """Orders placed before 1995-03-15, with numpy types."""
    orders = converted(orders)
    return orders[orders.o_orderdate < DATE]


@solid
def building_orders(_, orders: OpenOrders, customers: BuildingCustomers) -> BuildingOrders:
    """The orders of BUILDING customers."""
    joined = orders.merge(customers, left_on="o_custkey", right_on="c_custkey")
    return joined[["o_orderkey", "o_orderdate", "o_shippriority"]]


@solid
def lineitems_shipped_after(_, lineitem: DaskDataFrame) -> UnshippedRevenue:
    """Revenue of each lineitem shipped after 1995-03-15."""
    li = converted(lineitem)
    li = li[li.l_shipdate > DATE]
    return li.assign(revenue=revenue(li))[["l_orderkey", "revenue"]]


@solid
def revenue_per_order(_, lineitems: UnshippedRevenue, orders: BuildingOrders) -> OrderRevenue:
    """Unshipped revenue summed per order (with its date and priority)."""
    joined = lineitems.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    return joined.groupby(KEYS).revenue.sum().reset_index()


@solid
def top_orders_by_revenue(_, revenues: OrderRevenue) -> TopOrders:
    """The 10 orders with the most revenue (one small pandas frame)."""
    return revenues.nlargest(LIMIT, "revenue")[ANSWER]


@solid
def shipping_priority_report(_, top: TopOrders) -> pd.DataFrame:
    """The answer, by revenue (descending) and order date."""
    return finish(top, ANSWER, ["revenue", "o_orderdate"], [False, True], LIMIT)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q3's run config: customer, orders and lineitem from ``data_dir``."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q3_shipping_priority():
    orders = building_orders(orders_before_cutoff(), building_customers())
    revenues = revenue_per_order(lineitems_shipped_after(), orders)
    shipping_priority_report(top_orders_by_revenue(revenues))
