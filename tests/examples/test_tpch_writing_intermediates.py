"""The hand-written queries that write their pipeline's intermediates (the baselines of the
pipelines' parquet mode): the same answer as the plain hand-written query, and exactly the
intermediates the pipeline persists in its default mode, with the same rows (SF 0.01)."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

from daskflow import execute_pipeline
from examples.tpch import handwritten
from examples.tpch.compare import assert_same_answer
from examples.tpch.pipelines import PIPELINES, q1_newcomer

CASES = [(query, PIPELINES[query].pipeline, query) for query in sorted(PIPELINES)]
CASES.append(("1_newcomer", q1_newcomer.tpch_q1_newcomer, 1))


def _parts(directory):
    parts = sorted(directory.glob("part.*.parquet"))
    assert parts, directory
    return parts


def _stored_rows(store, run_id, solid_name):
    return sum(
        len(pd.read_parquet(part)) for part in _parts(store / run_id / solid_name / "result")
    )


def _stored_columns(directory):
    """The parquet columns of a part: the frame's columns and its index, when stored."""
    return len(pq.read_schema(_parts(directory)[0]).names)


def _persisted(store, run_id):
    """The solids whose outputs the run wrote as parquet parts (its Dask DataFrames)."""
    return sorted(p.parent.parent.name for p in (store / run_id).glob("*/result/part.0.parquet"))


@pytest.mark.parametrize(("name", "pipeline", "query"), CASES, ids=[str(c[0]) for c in CASES])
def test_writing_variant_answers_and_writes_the_pipelines_intermediates(
    tpch_sf001, tmp_path, name, pipeline, query
):
    writing = getattr(handwritten, f"q{name}_writing_intermediates")
    out = tmp_path / "handwritten"
    answer = writing(tpch_sf001, out)
    assert_same_answer(answer, handwritten.QUERIES[query](tpch_sf001), query)
    (run_dir,) = out.iterdir()  # one new directory per call

    store = tmp_path / "store"
    module = q1_newcomer if name == "1_newcomer" else PIPELINES[query]
    result = execute_pipeline(pipeline, module.run_config(tpch_sf001, None, store))
    assert result.success
    persisted = _persisted(store, result.run_id)
    assert persisted and sorted(p.name for p in run_dir.iterdir()) == persisted
    for solid_name in persisted:
        written = pd.read_parquet(run_dir / solid_name)
        assert len(written) == _stored_rows(store, result.run_id, solid_name), solid_name
        assert len(written) > 0, solid_name
        stored = store / result.run_id / solid_name / "result"
        assert _stored_columns(run_dir / solid_name) == _stored_columns(stored), solid_name


def test_each_call_writes_a_new_directory(tpch_sf001, tmp_path):
    handwritten.q6_writing_intermediates(tpch_sf001, tmp_path)
    handwritten.q6_writing_intermediates(tpch_sf001, tmp_path)
    assert len(list(tmp_path.iterdir())) == 2
