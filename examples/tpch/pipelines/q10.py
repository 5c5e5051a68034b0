"""TPC-H Q10, returned item reporting, as a daskflow pipeline.

    returned_lineitems ─┐
    orders_in_quarter ──┴ lost_revenue_by_customer -> top_customers -> customer_details
                                                                    -> returned_item_report

``lost_revenue_by_customer`` sums the revenue of returned lineitems per customer over the
orders of 1993-10-01 .. 1993-12-31; ``top_customers`` keeps the 20 largest (still lazy);
``customer_details`` joins them to customer and nation (config inputs) and is computed
inside the run's graph into one small pandas frame.
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
    NATION,
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

START, END = pd.Timestamp("1993-10-01"), pd.Timestamp("1994-01-01")
LIMIT = 20
CUSTOMER_COLUMNS = [
    "c_custkey",
    "c_name",
    "c_acctbal",
    "c_nationkey",
    "c_address",
    "c_phone",
    "c_comment",
]
ANSWER = [
    "c_custkey",
    "c_name",
    "revenue",
    "c_acctbal",
    "n_name",
    "c_address",
    "c_phone",
    "c_comment",
]
INPUTS: Inputs = {
    "returned_lineitems": {
        "lineitem": ("lineitem", ["l_orderkey", "l_extendedprice", "l_discount", "l_returnflag"])
    },
    "orders_in_quarter": {"orders": ("orders", ["o_orderkey", "o_custkey", "o_orderdate"])},
    "customer_details": {
        "customer": ("customer", CUSTOMER_COLUMNS),
        "nation": ("nation", ["n_nationkey", "n_name"]),
    },
}
RULES = {**LINEITEM, **ORDERS, **CUSTOMER, **NATION}

ReturnedLineitems = frame_type(
    "ReturnedLineitems",
    RULES,
    ["l_orderkey", "revenue"],
    "Revenue of the returned lineitems (return flag R).",
)
QuarterOrders = frame_type(
    "QuarterOrders",
    ORDERS,
    ["o_orderkey", "o_custkey", "o_orderdate"],
    "Orders placed from 1993-10-01 to 1993-12-31.",
    o_orderdate=Column(
        "datetime", nullable=False, min_value=START, max_value=END - pd.Timedelta(days=1)
    ),
)
CustomerLostRevenue = frame_type(
    "CustomerLostRevenue",
    RULES,
    ["o_custkey", "revenue"],
    "Revenue lost to returns per customer.",
    o_custkey=Column(int, nullable=False, min_value=1, unique=True),
)
TopCustomers = frame_type(
    "TopCustomers",
    RULES,
    ["o_custkey", "revenue"],
    "The 20 customers who lost the most revenue to returns.",
)
CustomerDetails = frame_type(
    "CustomerDetails", RULES, ANSWER, "The top customers with their details and nation.", dask=False
)


@solid
def returned_lineitems(_, lineitem: DaskDataFrame) -> ReturnedLineitems:
    """Revenue of each returned lineitem (decimals converted once, here)."""
    li = converted(lineitem)
    li = li[li.l_returnflag == "R"]
    return li.assign(revenue=revenue(li))[["l_orderkey", "revenue"]]


@solid
def orders_in_quarter(_, orders: DaskDataFrame) -> QuarterOrders:
    """Orders of 1993's fourth quarter."""
    orders = converted(orders)
    return orders[(orders.o_orderdate >= START) & (orders.o_orderdate < END)]


@solid
def lost_revenue_by_customer(
    _, lineitems: ReturnedLineitems, orders: QuarterOrders
) -> CustomerLostRevenue:
    """Returned revenue per customer over the quarter's orders."""
    joined = lineitems.merge(
        orders[["o_orderkey", "o_custkey"]], left_on="l_orderkey", right_on="o_orderkey"
    )
    return joined.groupby("o_custkey").revenue.sum().reset_index()


@solid
def top_customers(_, revenues: CustomerLostRevenue) -> TopCustomers:
    """The 20 customers with the largest lost revenue."""
    return revenues.nlargest(LIMIT, "revenue")


@solid
def customer_details(
    _, top: TopCustomers, customer: DaskDataFrame, nation: DaskDataFrame
) -> CustomerDetails:
    """Name, balance, address, phone, comment and nation of the top customers."""
    joined = top.merge(converted(customer), left_on="o_custkey", right_on="c_custkey")
    joined = joined.merge(nation, left_on="c_nationkey", right_on="n_nationkey")
    return joined[ANSWER]


@solid
def returned_item_report(_, details: CustomerDetails) -> pd.DataFrame:
    """The answer, by revenue (descending)."""
    return finish(details, ANSWER, ["revenue"], False, LIMIT)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q10's run config: lineitem, orders, customer and nation from ``data_dir``."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q10_returned_items():
    revenues = lost_revenue_by_customer(returned_lineitems(), orders_in_quarter())
    returned_item_report(customer_details(top=top_customers(revenues)))
