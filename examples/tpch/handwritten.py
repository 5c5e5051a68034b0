"""TPC-H queries 1, 3, 5, 6, 10 and 18 written by hand with ``dask.dataframe``.

The honest baseline: what a good Dask user writes without an orchestrator. Each query reads
only the columns it needs (``tables.read_table``: decimals -> float64, dates ->
datetime64[ms]), filters early, joins the small side to the large one, aggregates, takes the
top rows with ``nlargest`` where the query has a LIMIT, and calls ``.compute()`` once at the
end; the final sort of the few result rows is done in pandas. Each function returns the
columns of the DuckDB answer (``reference.duckdb_answer``) in the same order, index 0..n-1.

Each query is built once, as a :class:`Plan` (``q1_plan`` ...): its lazy result and the
Dask DataFrames the query's pipeline persists in its default mode, named by solid.
``q1(data_dir)`` computes only the result (the baseline of the pipelines' in-memory mode);
``q1_writing_intermediates(data_dir, out_dir)`` also writes those intermediates as parquet
with fs_io_manager's writer settings, in the same ``dask.compute``, under a new
``out_dir/run-<uuid>`` per call (the baseline of the parquet mode; the caller removes
``out_dir``). ``q1_newcomer_*`` are Q1 with the intermediates of ``pipelines/q1_newcomer``.

Run one or all against a data directory (timings, checked against DuckDB)::

    python -m examples.tpch.handwritten data/tpch-sf1 [--query 1 --query 6]
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd

from daskflow.io_managers._formats import DICTIONARY_PAGE_LIMIT

from .tables import read_table

DataDir = str | os.PathLike
StorageOptions = dict[str, Any] | None
Finisher = Callable[[Any], pd.DataFrame]


@dataclass(frozen=True)
class Plan:
    """One query as lazy Dask collections: the intermediates the query's pipeline persists
    in its default mode (its solids' Dask DataFrame outputs, by solid name), the small lazy
    result, and how the computed result becomes the answer."""

    intermediates: dict[str, dd.DataFrame]
    result: Any
    finish: Callable[[Any], pd.DataFrame]
    # intermediates whose partitions carry a meaningful index (filtered rows, nlargest):
    # fs_io_manager stores it as a column, so the hand-written writer writes it too
    indexed: frozenset[str] = frozenset()

    def answer(self) -> pd.DataFrame:
        """Compute the result (nothing written): the plain hand-written query."""
        return self.finish(self.result.compute())


def _finish(
    df: pd.DataFrame, by: list[str], ascending: list[bool] | bool, limit: int | None = None
) -> pd.DataFrame:
    """The computed result sorted as the query's ORDER BY, cut to its LIMIT, index 0..n-1."""
    df = df.sort_values(by, ascending=ascending, kind="stable")
    if limit is not None:
        df = df.head(limit)
    return df.reset_index(drop=True)


def _sorted(by: list[str], ascending: list[bool] | bool, limit: int | None = None) -> Finisher:
    return lambda df: _finish(df, by, ascending, limit)


def _revenue(df: dd.DataFrame) -> dd.Series:
    return df.l_extendedprice * (1 - df.l_discount)


Q1_COLUMNS = [
    "l_quantity",
    "l_extendedprice",
    "l_discount",
    "l_tax",
    "l_returnflag",
    "l_linestatus",
    "l_shipdate",
]
Q1_GROUP = ["l_returnflag", "l_linestatus"]


def _price(shipped: dd.DataFrame) -> dd.DataFrame:
    """Q1's ``disc_price`` and ``charge``."""
    disc_price = _revenue(shipped)
    return shipped.assign(disc_price=disc_price, charge=disc_price * (1 + shipped.l_tax))


def _pricing_summary(priced: dd.DataFrame) -> dd.DataFrame:
    return (
        priced.groupby(Q1_GROUP)
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


def q1_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
    """Pricing summary report: lineitem shipped by 1998-09-02, by return flag and status."""
    li = read_table(data_dir, "lineitem", Q1_COLUMNS, storage_options)
    shipped = li[li.l_shipdate <= pd.Timestamp("1998-09-02")]
    priced = _price(shipped.drop(columns="l_shipdate"))
    intermediates = {"filter_shipped": shipped, "price_lineitems": priced}
    finish = _sorted(Q1_GROUP, True)
    return Plan(intermediates, _pricing_summary(priced), finish, frozenset(intermediates))


def q1_newcomer_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
    """Q1 with the newcomer pipeline's intermediates (``pipelines/q1_newcomer.py``): every
    converted lineitem, then the shipped ones priced (ship date kept)."""
    li = read_table(data_dir, "lineitem", Q1_COLUMNS, storage_options)
    priced = _price(li[li.l_shipdate <= pd.Timestamp("1998-09-02")])
    intermediates = {"clean_lineitems": li, "price_shipped": priced}
    finish = _sorted(Q1_GROUP, True)
    return Plan(intermediates, _pricing_summary(priced), finish, frozenset(intermediates))


def q3_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
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
    open_orders = orders[orders.o_orderdate < date]
    building = open_orders.merge(cust, left_on="o_custkey", right_on="c_custkey")
    building = building[["o_orderkey", "o_orderdate", "o_shippriority"]]
    li = li[li.l_shipdate > date]
    li = li.assign(revenue=_revenue(li))[["l_orderkey", "revenue"]]
    joined = li.merge(building, left_on="l_orderkey", right_on="o_orderkey")
    keys = ["l_orderkey", "o_orderdate", "o_shippriority"]
    grouped = joined.groupby(keys).revenue.sum().reset_index()
    top = grouped.nlargest(10, "revenue")[
        ["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]
    ]
    intermediates = {
        "building_customers": cust,
        "orders_before_cutoff": open_orders,
        "building_orders": building,
        "lineitems_shipped_after": li,
        "revenue_per_order": grouped,
    }
    indexed = frozenset({"building_customers", "orders_before_cutoff", "lineitems_shipped_after"})
    return Plan(intermediates, top, _sorted(["revenue", "o_orderdate"], [False, True]), indexed)


def q5_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
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
    nation = nation[["n_nationkey", "n_name"]]
    supp = supp.merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    supp = supp[["s_suppkey", "s_nationkey", "n_name"]]
    orders = orders[(orders.o_orderdate >= start) & (orders.o_orderdate < end)]
    nation_orders = orders.merge(cust, left_on="o_custkey", right_on="c_custkey")
    nation_orders = nation_orders[["o_orderkey", "c_nationkey"]]
    li = li.merge(nation_orders, left_on="l_orderkey", right_on="o_orderkey")
    li = li.merge(supp, left_on=["l_suppkey", "c_nationkey"], right_on=["s_suppkey", "s_nationkey"])
    li = li.assign(revenue=_revenue(li))[["n_name", "revenue"]]
    intermediates = {
        "asian_nations": nation,
        "asian_suppliers": supp,
        "orders_in_1994": orders,
        "customer_nation_orders": nation_orders,
        "local_supplier_revenue": li,
    }
    result = li.groupby("n_name").revenue.sum().reset_index()
    return Plan(intermediates, result, _sorted(["revenue"], False), frozenset({"orders_in_1994"}))


def q6_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
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
    ][["l_quantity", "l_extendedprice", "l_discount"]]
    revenue = (li.l_extendedprice * li.l_discount).sum()
    return Plan(
        {"select_discounted_1994": li},
        revenue,
        lambda value: pd.DataFrame({"revenue": [float(value)]}),
        frozenset({"select_discounted_1994"}),
    )


Q10_ANSWER = [
    "c_custkey",
    "c_name",
    "revenue",
    "c_acctbal",
    "n_name",
    "c_address",
    "c_phone",
    "c_comment",
]


def q10_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
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
    customer_columns = [c for c in Q10_ANSWER if c.startswith("c_")] + ["c_nationkey"]
    cust = read_table(data_dir, "customer", customer_columns, storage_options)
    nation = read_table(data_dir, "nation", ["n_nationkey", "n_name"], storage_options)
    orders = orders[(orders.o_orderdate >= start) & (orders.o_orderdate < end)]
    li = li[li.l_returnflag == "R"]
    li = li.assign(revenue=_revenue(li))[["l_orderkey", "revenue"]]
    lost = li.merge(
        orders[["o_orderkey", "o_custkey"]], left_on="l_orderkey", right_on="o_orderkey"
    )
    lost = lost.groupby("o_custkey").revenue.sum().reset_index()
    top = lost.nlargest(20, "revenue")
    details = top.merge(cust, left_on="o_custkey", right_on="c_custkey")
    details = details.merge(nation, left_on="c_nationkey", right_on="n_nationkey")[Q10_ANSWER]
    intermediates = {
        "returned_lineitems": li,
        "orders_in_quarter": orders,
        "lost_revenue_by_customer": lost,
        "top_customers": top,
    }
    indexed = frozenset({"returned_lineitems", "orders_in_quarter", "top_customers"})
    return Plan(intermediates, details, _sorted(["revenue"], False), indexed)


def q18_plan(data_dir: DataDir, storage_options: StorageOptions = None) -> Plan:
    """Large volume customer: the 100 most expensive orders of more than 300 units."""
    order_columns = ["o_orderkey", "o_custkey", "o_orderdate", "o_totalprice"]
    li = read_table(data_dir, "lineitem", ["l_orderkey", "l_quantity"], storage_options)
    orders = read_table(data_dir, "orders", order_columns, storage_options)
    cust = read_table(data_dir, "customer", ["c_custkey", "c_name"], storage_options)
    per_order = li.groupby("l_orderkey").l_quantity.sum().rename("sum_qty").reset_index()
    large = per_order[per_order.sum_qty > 300]
    large_orders = large.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    large_orders = large_orders[[*order_columns, "sum_qty"]]
    top = large_orders.nlargest(100, "o_totalprice")
    columns = ["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty"]
    result = top.merge(cust, left_on="o_custkey", right_on="c_custkey")[columns]
    intermediates = {
        "large_volume_orders": large,
        "orders_of_large_volume": large_orders,
        "top_orders_by_price": top,
    }
    by = ["o_totalprice", "o_orderdate"]
    return Plan(intermediates, result, _sorted(by, [False, True], limit=100))


def q1(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q1 (see :func:`q1_plan`)."""
    return q1_plan(data_dir, storage_options).answer()


def q3(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q3 (see :func:`q3_plan`)."""
    return q3_plan(data_dir, storage_options).answer()


def q5(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q5 (see :func:`q5_plan`)."""
    return q5_plan(data_dir, storage_options).answer()


def q6(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q6 (see :func:`q6_plan`)."""
    return q6_plan(data_dir, storage_options).answer()


def q10(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q10 (see :func:`q10_plan`)."""
    return q10_plan(data_dir, storage_options).answer()


def q18(data_dir: DataDir, storage_options: StorageOptions = None) -> pd.DataFrame:
    """TPC-H Q18 (see :func:`q18_plan`)."""
    return q18_plan(data_dir, storage_options).answer()


# -- the same queries writing their pipeline's intermediates ---------------------------------

# fs_io_manager's parquet writer settings (daskflow.io_managers._formats: pyarrow's
# write_table of Table.from_pandas(partition)): 64 KiB dictionary pages; a partition's index
# is a column unless it is a RangeIndex (``Plan.indexed``: e.g. ~23 MiB of Q1's 76 MiB
# filtered lineitems); snappy and pyarrow's row groups are both writers' defaults.
WRITER_OPTIONS: dict[str, Any] = {"dictionary_pagesize_limit": DICTIONARY_PAGE_LIMIT}


def write_and_answer(
    plan: Plan, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Compute the answer and write every intermediate of ``plan`` as parquet in one
    ``dask.compute``, under a new directory ``<out_dir>/run-<uuid>`` (as every daskflow run
    writes under its own run id). Nothing is deleted here: the caller cleans ``out_dir``."""
    run_dir = f"{os.fspath(out_dir).rstrip('/')}/run-{uuid.uuid4().hex}"
    writes = [
        frame.to_parquet(
            f"{run_dir}/{name}",
            compute=False,
            write_index=name in plan.indexed,
            storage_options=storage_options,
            **WRITER_OPTIONS,
        )
        for name, frame in plan.intermediates.items()
    ]
    computed, *_ = dask.compute(plan.result, *writes)
    return plan.finish(computed)


def q1_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q1 writing the Q1 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q1_plan(data_dir, storage_options), out_dir, storage_options)


def q1_newcomer_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q1 writing the newcomer pipeline's intermediates (the baseline of its parquet mode)."""
    plan = q1_newcomer_plan(data_dir, storage_options)
    return write_and_answer(plan, out_dir, storage_options)


def q3_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q3 writing the Q3 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q3_plan(data_dir, storage_options), out_dir, storage_options)


def q5_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q5 writing the Q5 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q5_plan(data_dir, storage_options), out_dir, storage_options)


def q6_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q6 writing the Q6 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q6_plan(data_dir, storage_options), out_dir, storage_options)


def q10_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q10 writing the Q10 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q10_plan(data_dir, storage_options), out_dir, storage_options)


def q18_writing_intermediates(
    data_dir: DataDir, out_dir: DataDir, storage_options: StorageOptions = None
) -> pd.DataFrame:
    """Q18 writing the Q18 pipeline's intermediates (the baseline of its parquet mode)."""
    return write_and_answer(q18_plan(data_dir, storage_options), out_dir, storage_options)


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
