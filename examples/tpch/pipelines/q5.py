"""TPC-H Q5, local supplier volume, as a daskflow pipeline.

    asian_nations -> asian_suppliers ───────────────────┐
    orders_in_1994 -> customer_nation_orders ─ local_supplier_revenue -> revenue_by_nation
                                                                     -> local_supplier_volume_report

``local_supplier_revenue`` reads lineitem (config input), joins it to the 1994 orders (with
their customer's nation) and to the ASIA suppliers of that same nation; the revenue is then
summed per nation inside the run's graph. Every table input comes from run config.
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

REGION = "ASIA"
START, END = pd.Timestamp("1994-01-01"), pd.Timestamp("1995-01-01")
ANSWER = ["n_name", "revenue"]
INPUTS: Inputs = {
    "asian_nations": {
        "region": ("region", ["r_regionkey", "r_name"]),
        "nation": ("nation", ["n_nationkey", "n_regionkey", "n_name"]),
    },
    "asian_suppliers": {"supplier": ("supplier", ["s_suppkey", "s_nationkey"])},
    "orders_in_1994": {"orders": ("orders", ["o_orderkey", "o_custkey", "o_orderdate"])},
    "customer_nation_orders": {"customer": ("customer", ["c_custkey", "c_nationkey"])},
    "local_supplier_revenue": {
        "lineitem": ("lineitem", ["l_orderkey", "l_suppkey", "l_extendedprice", "l_discount"])
    },
}
RULES = {
    **LINEITEM,
    **ORDERS,
    **CUSTOMER,
    **NATION,
    "s_suppkey": LINEITEM["l_suppkey"],
    "s_nationkey": NATION["n_nationkey"],
}

AsianNations = frame_type(
    "AsianNations", NATION, ["n_nationkey", "n_name"], "The nations of the ASIA region."
)
AsianSuppliers = frame_type(
    "AsianSuppliers",
    RULES,
    ["s_suppkey", "s_nationkey", "n_name"],
    "Suppliers in ASIA, with their nation's name.",
)
Orders1994 = frame_type(
    "Orders1994",
    ORDERS,
    ["o_orderkey", "o_custkey", "o_orderdate"],
    "Orders placed in 1994.",
    o_orderdate=Column(
        "datetime", nullable=False, min_value=START, max_value=END - pd.Timedelta(days=1)
    ),
)
NationOrders = frame_type(
    "NationOrders",
    RULES,
    ["o_orderkey", "c_nationkey"],
    "Orders of 1994 with their customer's nation.",
)
LocalRevenue = frame_type(
    "LocalRevenue",
    RULES,
    ["n_name", "revenue"],
    "Revenue of lineitems supplied from the customer's own nation.",
)
NationRevenue = frame_type(
    "NationRevenue",
    RULES,
    ANSWER,
    "Local revenue per ASIA nation.",
    dask=False,
    n_name=Column(str, nullable=False, unique=True),
)


@solid
def asian_nations(_, region: DaskDataFrame, nation: DaskDataFrame) -> AsianNations:
    """Nations whose region is ASIA."""
    asia = region[region.r_name == REGION]
    joined = nation.merge(asia, left_on="n_regionkey", right_on="r_regionkey")
    return joined[["n_nationkey", "n_name"]]


@solid
def asian_suppliers(_, supplier: DaskDataFrame, nations: AsianNations) -> AsianSuppliers:
    """Suppliers based in an ASIA nation."""
    joined = supplier.merge(nations, left_on="s_nationkey", right_on="n_nationkey")
    return joined[["s_suppkey", "s_nationkey", "n_name"]]


@solid
def orders_in_1994(_, orders: DaskDataFrame) -> Orders1994:
    """Orders placed in 1994 (dates converted once, here)."""
    orders = converted(orders)
    return orders[(orders.o_orderdate >= START) & (orders.o_orderdate < END)]


@solid
def customer_nation_orders(_, orders: Orders1994, customer: DaskDataFrame) -> NationOrders:
    """Each 1994 order with its customer's nation."""
    joined = orders.merge(customer, left_on="o_custkey", right_on="c_custkey")
    return joined[["o_orderkey", "c_nationkey"]]


@solid
def local_supplier_revenue(
    _, lineitem: DaskDataFrame, orders: NationOrders, suppliers: AsianSuppliers
) -> LocalRevenue:
    """Revenue of 1994 lineitems whose supplier shares the customer's ASIA nation."""
    li = converted(lineitem)
    li = li.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    li = li.merge(
        suppliers, left_on=["l_suppkey", "c_nationkey"], right_on=["s_suppkey", "s_nationkey"]
    )
    return li.assign(revenue=revenue(li))[["n_name", "revenue"]]


@solid
def revenue_by_nation(_, lineitems: LocalRevenue) -> NationRevenue:
    """Revenue summed per nation (a small pandas frame)."""
    return lineitems.groupby("n_name").revenue.sum().reset_index()


@solid
def local_supplier_volume_report(_, revenues: NationRevenue) -> pd.DataFrame:
    """The answer, by revenue (descending)."""
    return finish(revenues, ANSWER, ["revenue"], False)


def run_config(
    data_dir: str | os.PathLike,
    execution: Mapping[str, Any] | None = None,
    store: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Q5's run config: six tables from ``data_dir``."""
    return build_run_config(INPUTS, data_dir, execution, store)


@pipeline(mode_defs=modes(), preset_defs=presets(INPUTS))
def tpch_q5_local_supplier_volume():
    suppliers = asian_suppliers(nations=asian_nations())
    orders = customer_nation_orders(orders=orders_in_1994())
    lineitems = local_supplier_revenue(orders=orders, suppliers=suppliers)
    local_supplier_volume_report(revenue_by_nation(lineitems))
