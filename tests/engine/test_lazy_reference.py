"""Outputs recorded by reference: a Dask solid returning a parquet read unchanged copies nothing."""

import datetime
import glob
import json
import os

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dask.utils import key_split

from daskflow import OutputDefinition, dataframe_type, execute_pipeline, pipeline, solid
from daskflow.engine.api import reexecute_pipeline
from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
from daskflow.engine.run.compile import compile_run
from daskflow.engine.run.launch import RunRequest, prepare_run
from daskflow.events import DaskflowEventType as E
from daskflow.instance import DaskflowInstance
from daskflow.types import Column, DaskDataFrame

THREADS = {"threads": {"max_workers": 4}}
NFILES = 4
ROWS = 100  # per file

Plain = dataframe_type("RefPlain", {"a": int, "b": float}, dask=True)  # columns only
Capped = dataframe_type(
    "RefCapped", {"a": Column(int, max_value=ROWS * NFILES - 2)}, dask=True
)  # broken by the last row of the last file


def _write_file(path, i, rows=ROWS):
    start = i * ROWS
    table = pa.table(
        {
            "a": np.arange(start, start + rows),
            "b": np.linspace(0.0, 1.0, rows) + i,
            "d": pa.array(
                [
                    datetime.date(2020, 1, 1) + datetime.timedelta(days=int(k))
                    for k in range(start, start + rows)
                ],
                pa.date32(),
            ),
        }
    )
    pq.write_table(table, os.path.join(path, f"part.{i}.parquet"))


@pytest.fixture
def source(tmp_path):
    path = str(tmp_path / "src")
    os.makedirs(path)
    for i in range(NFILES):
        _write_file(path, i)
    return path, dd.read_parquet(path).compute()  # the dtypes dask reads


@solid
def load(_, src: DaskDataFrame) -> DaskDataFrame:
    return src  # unchanged: recorded by reference


@solid(output_defs=[OutputDefinition(Plain)])
def typed_load(_, src: DaskDataFrame):
    return src


@solid(output_defs=[OutputDefinition(Capped)])
def capped(_, src: DaskDataFrame):
    return src


@solid(config_schema={"path": str})
def read_own(context) -> DaskDataFrame:
    return dd.read_parquet(context.solid_config["path"], columns=["a", "b"])


@solid
def positive(_, src: DaskDataFrame) -> DaskDataFrame:
    return src[src.a > 0]  # modified: copied


@solid
def total(_, df: DaskDataFrame) -> float:
    return df.b.sum()


@solid
def count(_, df: pd.DataFrame) -> int:
    return len(df)


@solid
def after(_, df: DaskDataFrame) -> DaskDataFrame:
    return df.assign(c=df.a * 2)


@pipeline
def by_reference():
    frame = load()
    total(frame)
    count(frame)


@pipeline
def own_read():
    frame = read_own()
    total(frame)
    count(frame)


@pipeline
def copied():
    total(positive())


@pipeline
def capped_pipeline():
    after(capped())


@pipeline
def typed_pipeline():
    frame = typed_load()
    total(frame)
    count(frame)


def _config(path, store, solid_name="load", execution=THREADS, filters=None, **options):
    parquet = {"path": path, **options}
    if filters is not None:
        parquet["filters"] = filters
    return {
        "execution": execution,
        "solids": {solid_name: {"inputs": {"src": {"parquet": parquet}}}},
        "resources": {"io_manager": {"config": {"base_dir": store}}},
    }


def _events(result, solid_name, event_type):
    return [e for e in result.result_for_solid(solid_name).events if e.event_type == event_type]


def _manifest(store, run_id, solid_name):
    with open(os.path.join(store, run_id, solid_name, "result", "_SUCCESS")) as file:
        return json.load(file)


def _failure(result, solid_name):
    return _events(result, solid_name, E.STEP_FAILURE)[0].message


def test_an_unchanged_read_is_recorded_by_reference(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    result = execute_pipeline(
        by_reference, _config(path, store, filters=[["d", "<=", "2020-03-01"]])
    )
    assert result.success
    expected = frame[frame.d <= datetime.date(2020, 3, 1)]
    assert result.output_for_solid("total") == pytest.approx(expected.b.sum())
    assert result.output_for_solid("count") == len(expected)
    out_dir = os.path.join(store, result.run_id, "load", "result")
    assert os.listdir(out_dir) == ["_SUCCESS"]  # nothing copied
    manifest = _manifest(store, result.run_id, "load")
    assert manifest["layout"] == "reference" and manifest["bytes"] == 0
    reference = manifest["reference"]
    assert reference["path"] == path
    assert [f["url"].rsplit("/", 1)[1] for f in reference["files"]] == [
        f"part.{i}.parquet" for i in range(NFILES)
    ]
    assert all(
        f["size"] == os.path.getsize(f"{path}/{f['url'].rsplit('/', 1)[1]}")
        for f in reference["files"]
    )
    assert reference["filters"] == [["d", "<=", {"date": "2020-03-01"}]]
    output = _events(result, "load", E.STEP_OUTPUT)[0]
    assert "recorded by reference" in output.message and output.data["reference"] == path
    handled = _events(result, "load", E.HANDLED_OUTPUT)[0]
    assert "recorded by reference" in handled.message and "nothing copied" in handled.message
    entries = {e["label"]: e["value"] for e in handled.data["metadata_entries"]}
    assert entries["format"] == "parquet (by reference)" and entries["bytes"] == 0
    assert entries["source"] == path and entries["files"] == NFILES
    # the run's result reads the output back from the source, same dtypes
    loaded = result.output_for_solid("load")
    pd.testing.assert_frame_equal(loaded.reset_index(drop=True), expected.reset_index(drop=True))


def test_a_solid_returning_read_parquet_is_a_reference_too(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    config = {
        "execution": THREADS,
        "solids": {"read_own": {"config": {"path": path}}},
        "resources": {"io_manager": {"config": {"base_dir": store}}},
    }
    result = execute_pipeline(own_read, config)
    assert result.success
    assert result.output_for_solid("total") == pytest.approx(frame.b.sum())
    assert result.output_for_solid("count") == len(frame)
    assert os.listdir(os.path.join(store, result.run_id, "read_own", "result")) == ["_SUCCESS"]
    assert _manifest(store, result.run_id, "read_own")["reference"]["columns"] == ["a", "b"]


def test_no_partition_tasks_without_value_rules_checks_with_them(source, tmp_path):
    path, _ = source
    store = str(tmp_path / "store")
    instance = DaskflowInstance.ephemeral()

    def prefixes(pipeline_def, solid_name):
        coordinator, _, _ = prepare_run(
            RunRequest(pipeline_def, _config(path, store, solid_name)), instance
        )
        register_local_sink(coordinator.run_id, lambda record: None)
        try:
            compiled = compile_run(coordinator.payload)
        finally:
            unregister_local_sink(coordinator.run_id)
        return [key_split(k) for k in compiled.graph]

    plain = prefixes(typed_pipeline, "typed_load")
    assert "typed_load_commit" in plain
    assert not {"typed_load", "typed_load_write", "typed_load_check"} & set(plain)
    checked = prefixes(capped_pipeline, "capped")
    assert checked.count("capped_check") == NFILES and "capped_write" not in checked


def test_typed_reference_output_feeds_dask_and_pandas_solids(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    result = execute_pipeline(typed_pipeline, _config(path, store, "typed_load"))
    assert result.success
    assert result.output_for_solid("total") == pytest.approx(frame.b.sum())
    assert result.output_for_solid("count") == len(frame)
    output = _events(result, "typed_load", E.STEP_OUTPUT)[0]
    assert output.data["type_check"]["success"] and "no value rules" in output.message


def test_a_modified_frame_is_still_copied(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    result = execute_pipeline(copied, _config(path, store, "positive"))
    assert result.success
    assert result.output_for_solid("total") == pytest.approx(frame[frame.a > 0].b.sum())
    out_dir = os.path.join(store, result.run_id, "positive", "result")
    assert len(glob.glob(os.path.join(out_dir, "part.*.parquet"))) == NFILES
    assert "layout" not in _manifest(store, result.run_id, "positive")


def test_a_failing_partition_of_a_referenced_output_commits_nothing(source, tmp_path):
    path, _ = source
    store = str(tmp_path / "store")
    result = execute_pipeline(capped_pipeline, _config(path, store, "capped"), raise_on_error=False)
    assert not result.success
    failure = _failure(result, "capped")
    assert f"in 1 partition of {NFILES}" in failure
    assert f'partition {NFILES - 1}: column "a": 1 row above max_value' in failure
    assert not os.path.exists(os.path.join(store, result.run_id, "capped", "result", "_SUCCESS"))
    assert result.result_for_solid("after").skipped


def test_a_passing_check_counts_rows_in_the_manifest(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    config = _config(path, store, "capped", filters=[["a", "<", 10]])
    result = execute_pipeline(capped_pipeline, config)
    assert result.success
    manifest = _manifest(store, result.run_id, "capped")
    assert manifest["layout"] == "reference" and manifest["rows"] == 10
    assert len(result.output_for_solid("after")) == 10


def test_reexecution_reads_the_source_and_fails_once_it_changed(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        config = _config(path, store)  # reused verbatim: "load" (not re-run) has inputs
        parent = execute_pipeline(by_reference, config, instance=instance)
        assert parent.success
        child = reexecute_pipeline(
            by_reference,
            parent.run_id,
            instance,
            from_failure=False,
            step_selection=["total", "count"],
            run_config=config,
        )
        assert child.success
        assert child.output_for_solid("total") == pytest.approx(frame.b.sum())
        assert child.output_for_solid("count") == len(frame)
        _write_file(path, 2, rows=ROWS // 2)  # the source changes (another size)
        again = reexecute_pipeline(
            by_reference,
            parent.run_id,
            instance,
            from_failure=False,
            step_selection=["total", "count"],
            run_config=config,
            raise_on_error=False,
        )
    assert not again.success
    for solid_name in ("total", "count"):  # the Dask reader and the pandas reader
        message = _failure(again, solid_name)
        assert "part.2.parquet" in message
        assert f"changed since run {parent.run_id!r} recorded it" in message


def test_the_manifest_holds_no_credentials(source, tmp_path):
    path, frame = source
    store = str(tmp_path / "store")
    options = {"key": "AKIAFAKEKEY123", "secret": "fake-secret-value"}
    result = execute_pipeline(by_reference, _config(path, store, storage_options=options))
    assert result.success
    assert result.output_for_solid("count") == len(frame)
    with open(os.path.join(store, result.run_id, "load", "result", "_SUCCESS")) as file:
        raw = file.read()
    assert "AKIAFAKEKEY123" not in raw and "fake-secret-value" not in raw
    assert json.loads(raw)["reference"]["protocol"] == "file"


def test_a_reference_on_s3_read_by_worker_processes(s3_bucket, tmp_path, cluster_execution):
    import s3fs

    bucket, options = s3_bucket
    fs = s3fs.S3FileSystem(**options)
    local = tmp_path / "src"
    local.mkdir()
    for i in range(2):
        _write_file(str(local), i)
        fs.put(str(local / f"part.{i}.parquet"), f"{bucket}/src/part.{i}.parquet")
    frame = dd.read_parquet(str(local)).compute()
    config = _config(
        f"s3://{bucket}/src/",
        f"s3://{bucket}/runs",
        storage_options=options,
        execution=cluster_execution,
    )
    config["resources"]["io_manager"]["config"]["storage_options"] = options
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        result = execute_pipeline(by_reference, config, instance=instance)
    assert result.success
    assert result.output_for_solid("total") == pytest.approx(frame.b.sum())
    assert result.output_for_solid("count") == len(frame)
    fs.invalidate_cache()
    out = f"{bucket}/runs/{result.run_id}/load/result"
    assert [p.rsplit("/", 1)[1] for p in fs.ls(out, detail=False)] == ["_SUCCESS"]
    raw = fs.cat_file(f"{out}/_SUCCESS").decode()
    assert options["secret"] not in raw and options["endpoint_url"] not in raw
    reference = json.loads(raw)["reference"]
    assert reference["protocol"] == "s3" and len(reference["files"]) == 2
