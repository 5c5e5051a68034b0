"""IO managers that cannot serve worker processes are refused before anything runs; the
same stores work where the workers are threads of this process."""

import uuid

import dask.dataframe as dd
import fsspec
import numpy as np
import pandas as pd
import pytest

from daskflow import execute_pipeline
from daskflow.engine.run import coordinator
from daskflow.errors import DaskflowInvalidDefinitionError

from .distributed_pipelines import measuring

PROCESSES = {"dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}}
THREAD_WORKERS = {
    "dask": {"cluster": {"local": {"n_workers": 1, "threads_per_worker": 2, "processes": False}}}
}


@pytest.fixture
def source(tmp_path):
    frame = pd.DataFrame({"a": np.arange(400), "b": np.linspace(0, 1, 400)})
    dd.from_pandas(frame, npartitions=4).to_parquet(str(tmp_path / "src"))
    return str(tmp_path / "src"), frame


@pytest.fixture
def memory_base():
    base = f"memory://daskflow-cluster-{uuid.uuid4().hex}"
    yield base
    fs = fsspec.filesystem("memory")
    if fs.exists(base.removeprefix("memory://")):
        fs.rm(base.removeprefix("memory://"), recursive=True)


def _config(src, execution, base_dir):
    return {
        "execution": execution,
        "solids": {"measure": {"inputs": {"src": {"parquet": {"path": src}}}}},
        "resources": {"io_manager": {"config": {"base_dir": base_dir}}},
    }


@pytest.mark.parametrize(
    "execution",
    [PROCESSES, {"dask": {"cluster": {"address": "tcp://127.0.0.1:1"}}}],
    ids=["local_cluster", "address"],
)
def test_memory_url_on_worker_processes_fails_before_anything_runs(
    source, instance, memory_base, execution, monkeypatch
):
    opened: list[object] = []
    monkeypatch.setattr(coordinator, "open_executor", lambda *args: opened.append(args))
    with pytest.raises(DaskflowInvalidDefinitionError) as info:
        execute_pipeline(measuring, _config(source[0], execution, memory_base), instance=instance)
    assert opened == []  # no cluster was started or connected to
    message = str(info.value)
    assert 'IO manager "io_manager" (resources.io_manager of mode "default")' in message
    assert f"base_dir {memory_base!r}" in message
    assert "s3://" in message and "mem_io_manager" in message and "processes: false" in message
    assert instance.run_storage.get_runs() == []  # not even a run record


@pytest.mark.cluster  # its own: a LocalCluster whose workers are threads of this process
def test_memory_url_works_on_a_local_cluster_whose_workers_are_threads(
    source, instance, memory_base
):
    src, frame = source
    result = execute_pipeline(
        measuring, _config(src, THREAD_WORKERS, memory_base), instance=instance
    )
    assert result.success
    assert result.output_for_solid("sum_double") == pytest.approx(frame.b.sum() * 2)
    assert result.output_for_solid("count_rows") == 400
    fs = fsspec.filesystem("memory")
    out_dir = f"{memory_base.removeprefix('memory://')}/{result.run_id}/measure/result"
    names = sorted(p.rsplit("/", 1)[1] for p in fs.ls(out_dir, detail=False))
    assert names == ["_SUCCESS", *(f"part.{i}.parquet" for i in range(4))]


def test_reexecution_checks_the_store_too(source, instance, memory_base, tmp_path):
    from daskflow.engine.api import reexecute_pipeline

    src, _ = source
    first = execute_pipeline(
        measuring, _config(src, {"in_process": {}}, str(tmp_path / "st")), instance=instance
    )
    assert first.success
    with pytest.raises(DaskflowInvalidDefinitionError, match="memory:// is private"):
        reexecute_pipeline(
            measuring,
            first.run_id,
            instance,
            from_failure=False,
            step_selection=["sum_double"],
            run_config={
                "execution": PROCESSES,
                "resources": {"io_manager": {"config": {"base_dir": memory_base}}},
            },
        )
