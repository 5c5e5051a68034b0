"""Runs on real distributed clusters: the session's shared LocalCluster of worker processes
(``cluster_execution``), an existing scheduler started with `dask scheduler` / `dask worker`,
and clusters of their own where a worker is killed mid-run."""

import os
import re
import signal
import threading
import time

import pytest
import yaml

from daskflow import execute_pipeline
from daskflow.events import DaskflowEventType as E
from daskflow.events import StepStatus

from ..conftest import CEREAL_DIR
from .distributed_pipelines import squares

LOCAL_2 = {"dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}}


def _cereal_config(tmp_path, execution):
    with open(os.path.join(CEREAL_DIR, "cereal.yaml")) as f:
        config = yaml.safe_load(f)
    config["solids"]["add_sugar_per_cup"]["inputs"]["cereals"]["csv"]["path"] = os.path.join(
        CEREAL_DIR, "data", "cereal.csv"
    )
    config["resources"]["datalake"]["config"]["root_dir"] = str(tmp_path / "lake")
    return {**config, "execution": execution}


def _check_cereal_run(result, tmp_path):
    assert result.success
    top = result.output_for_solid("filter_below_cutoff")
    assert len(top) == 19
    logs = [e for e in result.events if e.event_type == E.LOG]
    assert logs and logs[0].message == "Simulating computation for 0.1 seconds!"
    mats = [e for e in result.events if e.event_type == E.ASSET_MATERIALIZATION]
    assert [m.data["asset_key"] for m in mats] == ["local_datalake.cereals"]
    checks = [e for e in result.events if e.event_type in (E.STEP_INPUT, E.STEP_OUTPUT)]
    assert len(checks) == 5 + 4  # every input (5) and output (4) type-checked
    assert all(c.data["type_check"]["success"] for c in checks)
    assert (tmp_path / "lake" / "cereals").exists()


@pytest.mark.parametrize(
    "execution",
    [
        {"in_process": {}},
        {"threads": {"max_workers": 2}},
        pytest.param("shared cluster", marks=pytest.mark.cluster),
    ],
    ids=["in_process", "threads", "local_cluster"],
)
def test_cereal_gives_19_cereals_everywhere(cereal_module, tmp_path, instance, execution, request):
    if execution == "shared cluster":
        execution = request.getfixturevalue("cluster_execution")
    result = execute_pipeline(
        cereal_module.compute_top_quartile_pipeline,
        _cereal_config(tmp_path, execution),
        mode="local",
        instance=instance,
    )
    _check_cereal_run(result, tmp_path)
    stored = [s.record.event_type for s in instance.event_storage.get_events(result.run_id)]
    assert stored == result.event_types  # every event reached storage, in order
    if "dask" in execution:
        logs = [e for e in result.events if e.event_type == E.LOG]
        assert logs[0].data["worker"].startswith("tcp://127.0.0.1:")  # sent by a worker
        engine = [e.data for e in result.events if e.event_type == E.ENGINE_EVENT]
        assert any("dashboard_link" in d for d in engine)


@pytest.mark.cluster
def test_cereal_on_an_existing_scheduler(cereal_module, tmp_path, instance, external_scheduler):
    execution = {"dask": {"cluster": {"address": external_scheduler}}}
    result = execute_pipeline(
        cereal_module.compute_top_quartile_pipeline,
        _cereal_config(tmp_path, execution),
        mode="local",
        instance=instance,
    )
    _check_cereal_run(result, tmp_path)
    connected = [e.message for e in result.events if e.event_type == E.ENGINE_EVENT]
    assert any(external_scheduler in m for m in connected)


@pytest.mark.slow
@pytest.mark.cluster  # its own cluster: a worker is killed
def test_run_survives_a_worker_killed_mid_step(tmp_path, instance):
    pid_file = tmp_path / "pids.txt"
    config = {
        "execution": LOCAL_2,
        "solids": {"slow_square": {"config": {"pid_file": str(pid_file), "seconds": 3.0}}},
    }

    def kill_first_worker():
        deadline = time.time() + 60
        while time.time() < deadline:
            if pid_file.exists() and pid_file.read_text().strip():
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_first_worker)
    killer.start()
    result = execute_pipeline(squares, config, instance=instance)
    killer.join()
    assert result.success
    assert result.output_for_solid("total") == sum(n * n for n in range(10))
    pids = pid_file.read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]  # the step ran again on another process
    starts = [
        e for e in result.events if e.event_type == E.STEP_START and e.step_key == "slow_square"
    ]
    assert len(starts) == 2


def test_performance_report_is_saved_and_linked(tmp_path, instance, cluster_execution):
    execution = {"dask": {**cluster_execution["dask"], "performance_report": True}}
    config = {
        "execution": execution,
        "solids": {"slow_square": {"config": {"pid_file": str(tmp_path / "p"), "seconds": 0.1}}},
    }
    result = execute_pipeline(squares, config, instance=instance)
    reports = [
        e.data["performance_report"]
        for e in result.events
        if e.event_type == E.ENGINE_EVENT and "performance_report" in e.data
    ]
    assert len(reports) == 1
    with open(reports[0]) as f:
        html = f.read()
    assert "slow_square" in html and "Task Stream" in html
    # self-contained, so it renders offline: no script loaded from elsewhere
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)


def test_cancel_on_a_cluster_marks_the_run_canceled(tmp_path, instance, cluster_execution):
    from daskflow.engine.api import cancel_run
    from daskflow.events import RunStatus

    pid_file = tmp_path / "pids.txt"

    def cancel_when_slow_step_runs():
        deadline = time.time() + 60
        while time.time() < deadline and not pid_file.exists():
            time.sleep(0.05)
        runs = instance.run_storage.get_runs(status=RunStatus.STARTED)
        cancel_run(instance, runs[0].run_id)

    canceller = threading.Thread(target=cancel_when_slow_step_runs)
    canceller.start()
    config = {
        "execution": cluster_execution,
        "solids": {"slow_square": {"config": {"pid_file": str(pid_file), "seconds": 3.0}}},
    }
    result = execute_pipeline(squares, config, instance=instance)
    canceller.join()
    assert result.event_types[-1] == E.PIPELINE_CANCELED
    assert result.step_results["total"].status == StepStatus.CANCELED
    assert instance.run_storage.get_run(result.run_id).status == RunStatus.CANCELED


def test_dask_dataframe_solids_on_a_local_cluster(tmp_path, instance, cluster_execution):
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    from .distributed_pipelines import measuring

    frame = pd.DataFrame({"a": np.arange(800), "b": np.linspace(0, 1, 800)})
    dd.from_pandas(frame, npartitions=8).to_parquet(str(tmp_path / "src"))
    store = tmp_path / "store"
    config = {
        "execution": cluster_execution,
        "solids": {"measure": {"inputs": {"src": {"parquet": {"path": str(tmp_path / "src")}}}}},
        "resources": {"io_manager": {"config": {"base_dir": str(store)}}},
    }
    result = execute_pipeline(measuring, config, instance=instance)
    assert result.success
    assert result.output_for_solid("sum_double") == pytest.approx(frame.b.sum() * 2)
    assert result.output_for_solid("count_rows") == 800
    assert len(list((store / result.run_id / "measure" / "result").glob("part.*.parquet"))) == 8
    logs = {e.step_key: e for e in result.events if e.event_type == E.LOG}
    # built on the coordinator; its held events are sent by its start task on a worker
    assert logs["measure"].message == f"building on process {os.getpid()}"
    assert logs["measure"].data["worker"].startswith("tcp://127.0.0.1:")
    assert logs["count_rows"].data["worker"].startswith("tcp://127.0.0.1:")
    output = [
        e for e in result.events if e.event_type == E.STEP_OUTPUT and e.step_key == "measure"
    ][0]
    assert output.data["type_check"]["success"]
    assert output.data["worker"].startswith("tcp://127.0.0.1:")  # committed on a worker


@pytest.mark.slow
@pytest.mark.cluster  # its own cluster: a worker is killed
def test_worker_killed_mid_write_leaves_nothing_half_written_readable(tmp_path, instance):
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    from .distributed_pipelines import measuring_with_a_stalled_write

    frame = pd.DataFrame({"a": np.arange(800), "b": np.linspace(0, 1, 800)})
    dd.from_pandas(frame, npartitions=8).to_parquet(str(tmp_path / "src"))
    store, pid_file = tmp_path / "store", tmp_path / "writer.pid"
    seen_during_stall = []

    def kill_the_writer():
        deadline = time.time() + 60
        while time.time() < deadline:
            if pid_file.exists() and pid_file.read_text().strip():
                seen_during_stall.extend(p.name for p in store.rglob("*") if p.is_file())
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
                return
            time.sleep(0.05)

    config = {
        "execution": LOCAL_2,
        "solids": {"measure": {"inputs": {"src": {"parquet": {"path": str(tmp_path / "src")}}}}},
        "resources": {
            "io_manager": {"config": {"base_dir": str(store), "pid_file": str(pid_file)}}
        },
    }
    killer = threading.Thread(target=kill_the_writer)
    killer.start()
    result = execute_pipeline(measuring_with_a_stalled_write, config, instance=instance)
    killer.join()
    assert seen_during_stall, "the writer never stalled"
    assert "part.0.parquet" not in seen_during_stall  # the half file had no readable name
    assert result.success
    assert result.output_for_solid("sum_double") == pytest.approx(frame.b.sum() * 2)
    assert result.output_for_solid("count_rows") == 800
    out_dir = store / result.run_id / "measure" / "result"
    parts = sorted(out_dir.glob("part.*.parquet"))
    assert len(parts) == 8
    total_rows = sum(len(pd.read_parquet(p)) for p in parts)  # every part file is whole
    assert total_rows == 800


def test_dashboard_task_groups_are_named_after_the_solids(tmp_path, instance, dask_cluster):
    """What the dashboard's progress bars and task stream show, read off the scheduler."""
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    from dask.utils import key_split
    from distributed import Client, get_task_stream

    from .distributed_pipelines import measuring

    frame = pd.DataFrame({"a": np.arange(400), "b": np.linspace(0, 1, 400)})
    dd.from_pandas(frame, npartitions=4).to_parquet(str(tmp_path / "src"))
    config = {
        "execution": {"dask": {"cluster": {"address": dask_cluster.scheduler_address}}},
        "solids": {"measure": {"inputs": {"src": {"parquet": {"path": str(tmp_path / "src")}}}}},
        "resources": {"io_manager": {"config": {"base_dir": str(tmp_path / "store")}}},
    }
    with Client(dask_cluster.scheduler_address) as client, get_task_stream(client) as stream:
        result = execute_pipeline(measuring, config, instance=instance)
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
        )
    assert result.success
    streamed = {key_split(task["key"]) for task in stream.data}
    expected = {"measure", "measure_write", "measure_commit", "sum_double", "count_rows"}
    assert expected <= streamed, streamed
    assert expected <= set(prefixes), prefixes
    # Nothing else: no anonymous dask names (read-parquet-..., getitem-...) in the stream.
    assert all(p.split("_")[0] in {"daskflow", "measure", "sum", "count"} for p in streamed), (
        streamed
    )
