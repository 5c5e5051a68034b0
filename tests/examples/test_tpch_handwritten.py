"""The TPC-H groundwork: generated data, the table reader, the answer check, and the
hand-written Dask queries, each equal to DuckDB's answer on the same files (SF 0.01)."""

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from examples.tpch import handwritten
from examples.tpch.compare import assert_same_answer
from examples.tpch.data import MARKER, TABLES, generate
from examples.tpch.reference import QUERIES, duckdb_answer
from examples.tpch.tables import read_table, to_numpy_types


@pytest.mark.parametrize("query", QUERIES)
def test_handwritten_query_equals_duckdb(tpch_sf001, query):
    ours = handwritten.QUERIES[query](tpch_sf001)
    assert_same_answer(ours, duckdb_answer(query, tpch_sf001), query)


def test_duckdb_answers_have_rows_and_the_spec_limits(tpch_sf001):
    rows = {query: len(duckdb_answer(query, tpch_sf001)) for query in QUERIES}
    assert rows[1] == 4 and rows[6] == 1 and rows[5] == 5
    assert rows[3] == 10 and rows[10] == 20
    assert 0 < rows[18] <= 100


def test_generated_files_have_the_documented_arrow_types(tpch_sf001):
    for table in TABLES:
        assert sorted((tpch_sf001 / table).glob("*.parquet")), table
    schema = pq.read_schema(next((tpch_sf001 / "lineitem").glob("*.parquet")))
    assert schema.field("l_quantity").type == pa.decimal128(15, 2)
    assert schema.field("l_shipdate").type == pa.date32()
    assert schema.field("l_returnflag").type == pa.string_view()
    assert schema.field("l_linenumber").type == pa.int32()
    assert json.loads((tpch_sf001 / MARKER).read_text())["parts"] == 2


def test_generate_is_idempotent_and_redoes_an_incomplete_directory(tmp_path):
    out = generate(0.001, tmp_path, parts=1)
    lineitem = out / "lineitem" / "lineitem.1.parquet"
    first_mtime = lineitem.stat().st_mtime_ns
    assert generate(0.001, tmp_path, parts=1) == out
    assert lineitem.stat().st_mtime_ns == first_mtime  # nothing regenerated
    (out / "orders" / "orders.1.parquet").unlink()  # an interrupted or damaged run
    generate(0.001, tmp_path, parts=1)
    assert (out / "orders" / "orders.1.parquet").exists()
    assert json.loads((out / MARKER).read_text())["scale_factor"] == 0.001


def test_read_table_gives_numpy_types_and_projects(tpch_sf001):
    li = read_table(
        tpch_sf001, "lineitem", ["l_orderkey", "l_quantity", "l_shipdate", "l_returnflag"]
    )
    assert li.dtypes.to_dict() == {
        "l_orderkey": "int64",
        "l_quantity": "float64",
        "l_shipdate": "datetime64[ms]",
        "l_returnflag": "str",
    }
    assert list(read_table(tpch_sf001, "region").columns) == ["r_regionkey", "r_name", "r_comment"]


def test_filter_on_a_converted_column_sees_the_converted_values(tpch_sf001):
    """dask 2026.8 pushes filters through a frame-level astype without the cast; the
    per-column assign in to_numpy_types must keep the filter above the conversion."""
    li = read_table(tpch_sf001, "lineitem", ["l_shipdate", "l_quantity"])
    kept = li[(li.l_shipdate <= pd.Timestamp("1998-09-02")) & (li.l_quantity == 24.0)]
    expected = to_numpy_types(
        pd.concat(
            pq.read_table(path, columns=["l_shipdate", "l_quantity"]).to_pandas(
                types_mapper=pd.ArrowDtype
            )
            for path in sorted((tpch_sf001 / "lineitem").glob("*.parquet"))
        )
    )
    expected = expected[
        (expected.l_shipdate <= pd.Timestamp("1998-09-02")) & (expected.l_quantity == 24.0)
    ]
    assert len(kept.compute()) == len(expected) > 0


def test_to_numpy_types_on_pandas_with_string_view():
    table = pa.table(
        {
            "s": pa.array(["a", "b"], pa.string_view()),
            "d": pa.array([pa.scalar(10_000, pa.date32())] * 2),
            "m": pa.array([1, 2], pa.decimal128(15, 2)),
        }
    )
    df = to_numpy_types(table.to_pandas(types_mapper=pd.ArrowDtype))
    assert df.dtypes.to_dict() == {"s": "str", "d": "datetime64[ms]", "m": "float64"}
    assert df.s.tolist() == ["a", "b"] and df.m.tolist() == [1.0, 2.0]


# --- assert_same_answer ---------------------------------------------------------------


def _q5(names, revenue):
    return pd.DataFrame({"n_name": names, "revenue": revenue})


def test_compare_accepts_float_noise_and_reordered_ties():
    reference = _q5(["CHINA", "INDIA", "JAPAN"], [3.0, 2.0, 2.0])
    assert_same_answer(_q5(["CHINA", "JAPAN", "INDIA"], [3.0 + 1e-9, 2.0, 2.0]), reference, 5)


@pytest.mark.parametrize(
    ("ours", "message"),
    [
        (pd.DataFrame({"revenue": [1.0], "n_name": ["X"]}), "TPC-H Q5: columns differ"),
        (_q5(["CHINA"], [3.0]), "TPC-H Q5: 1 rows, DuckDB has 3"),
        (
            _q5(["INDIA", "CHINA", "JAPAN"], [2.0, 3.0, 2.0]),
            "TPC-H Q5, column 'n_name', row 0 (in ORDER BY order; 2 of 3 rows differ): "
            "ours 'INDIA' != DuckDB 'CHINA'",
        ),
        (
            _q5(["CHINA", "INDIA", "JAPAN"], [3.0, 2.0, 2.001]),
            "TPC-H Q5, column 'revenue', row 2 (in ORDER BY order; 1 of 3 rows differ): "
            "ours 2.001 != DuckDB 2.0 (rtol=1e-06)",
        ),
        (_q5(["CHINA", "INDIA", "JAPAN"], ["3", "2", "2"]), "column 'revenue': ours has dtype"),
    ],
)
def test_compare_names_query_column_and_row(ours, message):
    reference = _q5(["CHINA", "INDIA", "JAPAN"], [3.0, 2.0, 2.0])
    with pytest.raises(AssertionError) as failure:
        assert_same_answer(ours, reference, 5)
    assert message in str(failure.value)


def test_compare_dates_exactly_across_units():
    reference = pd.DataFrame({"d": pd.to_datetime(["1995-03-15"]).astype("datetime64[us]")})
    assert_same_answer(reference.astype("datetime64[ms]"), reference, 6)
    with pytest.raises(AssertionError, match="column 'd', row 0"):
        assert_same_answer(pd.DataFrame({"d": pd.to_datetime(["1995-03-16"])}), reference, 6)
