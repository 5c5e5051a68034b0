"""TPC-H queries 1, 3, 5, 6, 10 and 18 written by hand with ``dask.dataframe``.

The honest baseline: what a good Dask user writes without an orchestrator. Each query reads
only the columns it needs (``tables.read_table``: decimals -> float64, dates ->
datetime64[ms]), filters early, joins the small side to the large one, aggregates, takes the
top rows with ``nlargest`` where the query has a LIMIT, and calls ``.compute()`` once at the
end; the final sort of the few result rows is done in pandas. Each function returns the
columns of the DuckDB answer (``reference.duckdb_answer``) in the same order, index 0..n-1.

Run one or all against a data directory (timings, checked against DuckDB)::

    python -m examples.tpch.handwritten data/tpch-sf1 [--query 1 --query 6]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import dask.dataframe as dd
import pandas as pd

from .tables import read_table

DataDir = str | os.PathLike
StorageOptions = dict[str, Any] | None


def _finish(
    df: pd.DataFrame, by: list[str], ascending: list[bool] | bool, limit: int | None = None
) -> pd.DataFrame:
    """The computed result sorted as the query's ORDER BY, cut to its LIMIT, index 0..n-1."""
    df = df.sort_values(by, ascending=ascending, kind="stable")
    if limit is not None:
        df = df.head(limit)
    return df.reset_index(drop=True)


def _revenue(df: dd.DataFrame) -> dd.Series:
    return df.l_extendedprice * (1 - df.l_discount)


def q1(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Pricing summary report: lineitem shipped by 1998-09-02, by return flag and status."""
    li = read_table(
        data_dir,
        "lineitem",
        [
            "l_quantity",
            "l_extendedprice",
            "l_discount",
            "l_tax",
            "l_returnflag",
            "l_linestatus",
            "l_shipdate",
        ],
        storage_options,
    )
    li = li[li.l_shipdate <= pd.Timestamp("1998-09-02")]
    li = li.assign(disc_price=_revenue(li))
    li = li.assign(charge=li.disc_price * (1 + li.l_tax))
    result = (
        li.groupby(["l_returnflag", "l_linestatus"])
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
    return _finish(result.compute(), ["l_returnflag", "l_linestatus"], True)


def q1_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q1 that also writes the intermediates the Q1 pipeline persists (shipped, then priced
    lineitems) as parquet, with fs_io_manager's writer settings, in one ``dask.compute``:
    the baseline for pipelines with persisted intermediates (target: <= 1.15x)."""
    import dask

    columns = [
        "l_quantity",
        "l_extendedprice",
        "l_discount",
        "l_tax",
        "l_returnflag",
        "l_linestatus",
        "l_shipdate",
    ]
    li = read_table(data_dir, "lineitem", columns, storage_options)
    shipped = li[li.l_shipdate <= pd.Timestamp("1998-09-02")]
    priced = shipped.drop(columns="l_shipdate").assign(disc_price=_revenue(shipped))
    priced = priced.assign(charge=priced.disc_price * (1 + priced.l_tax))
    writes = [
        frame.to_parquet(
            os.path.join(os.fspath(out_dir), name),
            compute=False,
            write_index=False,
            dictionary_pagesize_limit=64 * 1024,  # as daskflow.io_managers' write_table
            storage_options=storage_options,
        )
        for name, frame in (("shipped", shipped), ("priced", priced))
    ]
    result = (
        priced.groupby(["l_returnflag", "l_linestatus"])
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
    computed, *_ = dask.compute(result, *writes)
    return _finish(computed, ["l_returnflag", "l_linestatus"], True)


def q3(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Shipping priority: top 10 unshipped BUILDING orders by revenue as of 1995-03-15."""
    date = pd.Timestamp("1995-03-15")
    cust = read_table(data_dir, "customer", ["c_custkey", "c_mktsegment"], storage_options)
    orders = read_table(
        data_dir,
        "orders",
        ["o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"],
        storage_options,
    )
    li = read_table(
        data_dir,
        "lineitem",
        ["l_orderkey", "l_extendedprice", "l_discount", "l_shipdate"],
        storage_options,
    )
    cust = cust[cust.c_mktsegment == "BUILDING"][["c_custkey"]]
    orders = orders[orders.o_orderdate < date].merge(
        cust, left_on="o_custkey", right_on="c_custkey"
    )
    li = li[li.l_shipdate > date]
    li = li.assign(revenue=_revenue(li))[["l_orderkey", "revenue"]]
    joined = li.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    keys = ["l_orderkey", "o_orderdate", "o_shippriority"]
    grouped = joined.groupby(keys).revenue.sum().reset_index()
    top = grouped.nlargest(10, "revenue").compute()
    top = top[["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]]
    return _finish(top, ["revenue", "o_orderdate"], [False, True])


def q5(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Local supplier volume: 1994 revenue in ASIA where customer and supplier share a nation."""
    start, end = pd.Timestamp("1994-01-01"), pd.Timestamp("1995-01-01")
    region = read_table(data_dir, "region", ["r_regionkey", "r_name"], storage_options)
    nation = read_table(
        data_dir, "nation", ["n_nationkey", "n_regionkey", "n_name"], storage_options
    )
    supp = read_table(data_dir, "supplier", ["s_suppkey", "s_nationkey"], storage_options)
    cust = read_table(data_dir, "customer", ["c_custkey", "c_nationkey"], storage_options)
    orders = read_table(
        data_dir, "orders", ["o_orderkey", "o_custkey", "o_orderdate"], storage_options
    )
    li = read_table(
        data_dir,
        "lineitem",
        ["l_orderkey", "l_suppkey", "l_extendedprice", "l_discount"],
        storage_options,
    )
    asia = region[region.r_name == "ASIA"]
    nation = nation.merge(asia, left_on="n_regionkey", right_on="r_regionkey")
    supp = supp.merge(
        nation[["n_nationkey", "n_name"]], left_on="s_nationkey", right_on="n_nationkey"
    )[["s_suppkey", "s_nationkey", "n_name"]]
    orders = orders[(orders.o_orderdate >= start) & (orders.o_orderdate < end)]
    orders = orders.merge(cust, left_on="o_custkey", right_on="c_custkey")
    li = li.merge(
        orders[["o_orderkey", "c_nationkey"]], left_on="l_orderkey", right_on="o_orderkey"
    )
    li = li.merge(supp, left_on=["l_suppkey", "c_nationkey"], right_on=["s_suppkey", "s_nationkey"])
    li = li.assign(revenue=_revenue(li))
    result = li.groupby("n_name").revenue.sum().reset_index().compute()
    return _finish(result, ["revenue"], False)


def q6(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Forecasting revenue change: 1994 lineitems with discount 0.05-0.07 and quantity < 24."""
    li = read_table(
        data_dir,
        "lineitem",
        ["l_quantity", "l_extendedprice", "l_discount", "l_shipdate"],
        storage_options,
    )
    li = li[
        (li.l_shipdate >= pd.Timestamp("1994-01-01"))
        & (li.l_shipdate < pd.Timestamp("1995-01-01"))
        & li.l_discount.between(0.05, 0.07)
        & (li.l_quantity < 24)
    ]
    revenue = (li.l_extendedprice * li.l_discount).sum().compute()
    return pd.DataFrame({"revenue": [float(revenue)]})


def q10(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Returned item reporting: top 20 customers by revenue lost to returns in 1993 Q4."""
    start, end = pd.Timestamp("1993-10-01"), pd.Timestamp("1994-01-01")
    orders = read_table(
        data_dir, "orders", ["o_orderkey", "o_custkey", "o_orderdate"], storage_options
    )
    li = read_table(
        data_dir,
        "lineitem",
        ["l_orderkey", "l_extendedprice", "l_discount", "l_returnflag"],
        storage_options,
    )
    cust = read_table(
        data_dir,
        "customer",
        ["c_custkey", "c_name", "c_acctbal", "c_nationkey", "c_address", "c_phone", "c_comment"],
        storage_options,
    )
    nation = read_table(data_dir, "nation", ["n_nationkey", "n_name"], storage_options)
    orders = orders[(orders.o_orderdate >= start) & (orders.o_orderdate < end)]
    li = li[li.l_returnflag == "R"]
    li = li.assign(revenue=_revenue(li))[["l_orderkey", "revenue"]]
    li = li.merge(orders[["o_orderkey", "o_custkey"]], left_on="l_orderkey", right_on="o_orderkey")
    top = li.groupby("o_custkey").revenue.sum().reset_index().nlargest(20, "revenue")
    top = top.merge(cust, left_on="o_custkey", right_on="c_custkey")
    top = top.merge(nation, left_on="c_nationkey", right_on="n_nationkey").compute()
    columns = [
        "c_custkey",
        "c_name",
        "revenue",
        "c_acctbal",
        "n_name",
        "c_address",
        "c_phone",
        "c_comment",
    ]
    return _finish(top[columns], ["revenue"], False)


def q18(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """Large volume customer: the 100 most expensive orders of more than 300 units."""
    li = read_table(data_dir, "lineitem", ["l_orderkey", "l_quantity"], storage_options)
    orders = read_table(
        data_dir,
        "orders",
        ["o_orderkey", "o_custkey", "o_orderdate", "o_totalprice"],
        storage_options,
    )
    cust = read_table(data_dir, "customer", ["c_custkey", "c_name"], storage_options)
    per_order = li.groupby("l_orderkey").l_quantity.sum().rename("sum_qty").reset_index()
    large = per_order[per_order.sum_qty > 300]
    large = large.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    top = large.nlargest(100, "o_totalprice")
    top = top.merge(cust, left_on="o_custkey", right_on="c_custkey").compute()
    columns = ["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty"]
    return _finish(top[columns], ["o_totalprice", "o_orderdate"], [False, True], limit=100)


QUERIES: dict[int, Callable[[DataDir, StorageOptions], pd.DataFrame]] = {
    1: q1,
    3: q3,
    5: q5,
    6: q6,
    10: q10,
    18: q18,
}


def main(argv: list[str] | None = None) -> int:
    """Run the queries on a data directory, print wall times and check them against DuckDB."""
    import argparse
    import time

    from .compare import assert_same_answer
    from .reference import duckdb_answer

    parser = argparse.ArgumentParser(description="Hand-written Dask TPC-H queries")
    parser.add_argument("data_dir", help="directory written by examples/tpch/data.py")
    parser.add_argument(
        "--query",
        "-q",
        type=int,
        action="append",
        choices=sorted(QUERIES),
        help="query to run (repeatable; default: all)",
    )
    parser.add_argument("--no-check", action="store_true", help="skip the DuckDB comparison")
    args = parser.parse_args(argv)
    for query in args.query or sorted(QUERIES):
        start = time.perf_counter()
        answer = QUERIES[query](args.data_dir)
        seconds = time.perf_counter() - start
        status = ""
        if not args.no_check:
            assert_same_answer(answer, duckdb_answer(query, args.data_dir), query)
            status = ", same as DuckDB"
        print(f"Q{query}: {len(answer)} rows in {seconds:.2f} s{status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
