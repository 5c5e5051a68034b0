"""The TPC-H pipelines (examples/tpch/pipelines) give DuckDB's answers on SF 0.01.

Every query runs on the threaded scheduler with parquet intermediates (fs_io_manager under
``tmp_path``); Q1, Q3 and Q6 also run on the session's shared 2-worker LocalCluster
(workers are separate processes: they unpickle the solids by importing ``examples.tpch``),
and with mem_io_manager, which hands the lazy frames on and writes nothing.
"""

import decimal
import os
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from daskflow import execute_pipeline
from daskflow.events import DaskflowEventType as E
from daskflow.instance import DaskflowInstance
from examples.tpch.compare import assert_same_answer
from examples.tpch.pipelines import PIPELINES
from examples.tpch.reference import duckdb_answer

CLUSTER_QUERIES = (1, 3, 6)


@pytest.fixture(scope="module")
def answers(tpch_sf001):
    """DuckDB's answers, computed once per query."""
    cache = {}

    def answer(query):
        if query not in cache:
            cache[query] = duckdb_answer(query, tpch_sf001)
        return cache[query]

    return answer


def _output_event(result, solid_name):
    return next(
        e for e in result.result_for_solid(solid_name).events if e.event_type == E.STEP_OUTPUT
    )


@pytest.mark.parametrize("query", sorted(PIPELINES))
def test_pipeline_with_parquet_intermediates_equals_duckdb(tpch_sf001, answers, tmp_path, query):
    entry = PIPELINES[query]
    store = tmp_path / "store"
    result = execute_pipeline(entry.pipeline, entry.config(tpch_sf001, store=store))
    assert result.success
    assert_same_answer(result.output_for_solid(entry.answer_solid), answers(query), query)
    assert entry.persisted_solids()
    for solid_name in entry.persisted_solids():
        out_dir = store / result.run_id / solid_name / "result"
        assert (out_dir / "_SUCCESS").is_file(), solid_name
        assert sorted(out_dir.glob("part.*.parquet")), solid_name
        check = _output_event(result, solid_name).data["type_check"]  # merged partition checks
        rows = {m["label"]: m["value"] for m in check["metadata_entries"]}["row_count"]
        assert check["success"] and rows > 0, solid_name


@pytest.mark.parametrize("query", CLUSTER_QUERIES)
def test_pipeline_on_a_local_cluster_equals_duckdb(
    tpch_sf001, answers, cluster_execution, tmp_path, query
):
    entry = PIPELINES[query]
    store = tmp_path / "store"
    result = execute_pipeline(entry.pipeline, entry.config(tpch_sf001, cluster_execution, store))
    assert result.success
    assert_same_answer(result.output_for_solid(entry.answer_solid), answers(query), query)
    for solid_name in entry.persisted_solids():
        assert (store / result.run_id / solid_name / "result" / "_SUCCESS").is_file()


@pytest.mark.parametrize("where", ["threads", pytest.param("cluster", marks=pytest.mark.cluster)])
@pytest.mark.parametrize("query", CLUSTER_QUERIES)
def test_in_memory_hand_off_writes_nothing(
    tpch_sf001, answers, tmp_path, monkeypatch, request, query, where
):
    entry = PIPELINES[query]
    execution = (
        {"threads": {}} if where == "threads" else request.getfixturevalue("cluster_execution")
    )
    monkeypatch.chdir(tmp_path)  # the default ./.daskflow/storage would land here
    instance = DaskflowInstance.ephemeral()
    try:
        result = execute_pipeline(
            entry.pipeline, entry.config(tpch_sf001, execution), mode="in_memory", instance=instance
        )
        assert result.success
        assert_same_answer(result.output_for_solid(entry.answer_solid), answers(query), query)
        written = [f for _, _, files in os.walk(instance.storage_dir) for f in files]
        assert written == [] and os.listdir(tmp_path) == []
        for solid_name in entry.persisted_solids():
            handled = [
                e
                for e in result.result_for_solid(solid_name).events
                if e.event_type == E.HANDLED_OUTPUT
            ]
            assert handled and handled[0].data["lazy"] is True, solid_name
    finally:
        instance.dispose()


def test_a_bad_discount_fails_filter_shipped_in_its_partition(tpch_sf001, tmp_path):
    """The column rules run inside each partition's task: a discount above 0.1 is caught."""
    data = tmp_path / "broken"
    (data / "lineitem").mkdir(parents=True)
    for path in sorted((tpch_sf001 / "lineitem").glob("*.parquet")):
        table = pq.read_table(path)
        if path.name.endswith(".2.parquet"):
            discount = table.column("l_discount").to_pylist()
            discount[5] = decimal.Decimal("1.00")  # 100% off
            column = pa.array(discount, table.schema.field("l_discount").type)
            table = table.set_column(
                table.schema.get_field_index("l_discount"), "l_discount", column
            )
        pq.write_table(table, data / "lineitem" / path.name)
    entry = PIPELINES[1]
    result = execute_pipeline(
        entry.pipeline, entry.config(data, store=tmp_path / "store"), raise_on_error=False
    )
    assert not result.success
    failure = next(
        e.message
        for e in result.result_for_solid("filter_shipped").events
        if e.event_type == E.STEP_FAILURE
    )
    assert re.search(r'partition \d+: column "l_discount": 1 row above max_value 0.1', failure)
    assert result.result_for_solid("price_lineitems").skipped


@pytest.mark.cluster
def test_q6_on_its_own_local_cluster(tpch_sf001, answers, tmp_path):
    """The ``local`` cluster config: the run starts (and closes) its own LocalCluster."""
    entry = PIPELINES[6]
    execution = {"dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}}
    result = execute_pipeline(
        entry.pipeline, entry.config(tpch_sf001, execution, tmp_path / "store")
    )
    assert result.success
    assert_same_answer(result.output_for_solid(entry.answer_solid), answers(6), 6)
