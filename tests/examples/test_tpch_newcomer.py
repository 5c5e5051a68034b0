"""TPC-H Q1 written the newcomer's way (an aggregate solid calling ``.compute()`` and
returning pandas) gives DuckDB's answer with parquet intermediates, on threads and on the
session's 2-worker cluster."""

import pytest

from daskflow import execute_pipeline
from examples.tpch.compare import assert_same_answer
from examples.tpch.pipelines import q1_newcomer
from examples.tpch.reference import duckdb_answer


@pytest.mark.parametrize("where", ["threads", pytest.param("cluster", marks=pytest.mark.cluster)])
def test_newcomer_q1_equals_duckdb(tpch_sf001, tmp_path, request, where):
    execution = {"threads": {}}
    if where == "cluster":
        execution = request.getfixturevalue("cluster_execution")
    store = tmp_path / "store"
    config = q1_newcomer.run_config(tpch_sf001, execution, store)
    result = execute_pipeline(q1_newcomer.tpch_q1_newcomer, config)
    assert result.success
    answer = result.output_for_solid("summarize_pricing")
    assert_same_answer(answer, duckdb_answer(1, tpch_sf001), 1)
    for solid_name in ("clean_lineitems", "price_shipped"):  # parquet intermediates
        out_dir = store / result.run_id / solid_name / "result"
        assert (out_dir / "_SUCCESS").is_file(), solid_name
    # the eager aggregate is deferred: built (its .compute() run) inside its own task
    built_in_task = {
        e.step_key: e.data["built_in_task"]
        for e in result.events
        if e.event_type == "STEP_SUCCESS" and "built_in_task" in (e.data or {})
    }
    assert built_in_task == {
        "clean_lineitems": False,
        "price_shipped": False,
        "summarize_pricing": True,
    }
