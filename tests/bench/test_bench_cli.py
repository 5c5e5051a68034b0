"""``daskflow bench`` on a tiny pipeline: threads with a baseline, and a 1-worker LocalCluster.

No timing assertions: the structure of the outputs, positive and consistent numbers, files
written, valid PNGs, the performance report of the cluster config.
"""

import json
import os
import statistics

import pytest

from ..cli.helpers import invoke
from .tiny_pipeline import write_source

HERE = os.path.dirname(os.path.abspath(__file__))
PIPELINE = os.path.join(HERE, "tiny_pipeline.py")
SOLIDS = ["score", "gather", "count"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path / "home"))


@pytest.fixture
def config(tmp_path):
    source = str(tmp_path / "src")
    write_source(source)
    path = tmp_path / "run.yaml"
    path.write_text(f'solids: {{score: {{inputs: {{src: {{parquet: {{path: "{source}"}}}}}}}}}}\n')
    return path, source


def _png(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    assert matplotlib.image.imread(path).ndim == 3


def _check_config(entry, walls_seen):
    assert entry["wall"]["median"] > 0 and entry["wall"]["min"] <= entry["wall"]["max"]
    assert len(entry["wall"]["values"]) == walls_seen
    assert entry["cpu"]["median"] >= 0 and entry["coordinator_peak_rss"] > 0
    assert [row["solid"] for row in entry["solids"]] == SOLIDS
    for row in entry["solids"]:
        assert row["tasks"] >= 1 and row["task_seconds"] > 0
        parts = (
            row["compute_seconds"]
            + row["check_seconds"]
            + row["write_seconds"]
            + row["load_seconds"]
        )
        assert (
            parts == pytest.approx(row["task_seconds"], rel=1e-6, abs=1e-9)
            or row["compute_seconds"] == 0
        )
    score = entry["solids"][0]
    assert score["rows"] == 400 and score["bytes_written"] > 0 and score["write_seconds"] > 0
    assert entry["io_bytes_written"] > 0
    # the Dask DataFrame solid was built on the coordinator, inside the lead overhead
    assert 0 < entry["overhead"]["build"] <= entry["overhead"]["lead"]
    shares = sum(r["wall_share_seconds"] for r in entry["solids"])
    shares += entry["other"]["wall_share_seconds"] if entry["other"] else 0
    assert shares == pytest.approx(entry["busy_seconds"], rel=1e-6, abs=1e-6)
    wall = entry["wall"]["values"][entry["median_repetition"]]
    assert entry["busy_seconds"] + entry["overhead"]["seconds"] == pytest.approx(
        wall, rel=1e-6, abs=1e-6
    )
    overhead = entry["overhead"]
    assert overhead["lead"] + overhead["gaps"] + overhead["tail"] == pytest.approx(
        overhead["seconds"], rel=1e-6, abs=1e-9
    )


def test_bench_on_threads_with_a_baseline(config, tmp_path, monkeypatch):
    path, source = config
    monkeypatch.syspath_prepend(os.path.dirname(os.path.dirname(HERE)))
    out = tmp_path / "out"
    result = invoke(
        "bench",
        "-f",
        PIPELINE,
        "-c",
        path,
        "--cluster",
        "threads:2",
        "--repeat",
        2,
        "--warmup",
        0,
        "--out",
        out,
        "--baseline",
        f"tests.bench.tiny_pipeline:baseline({source!r})",
    )
    assert result.exit_code == 0, result.output
    assert "per solid" in result.output and "gather" in result.output
    report = json.loads((out / "report.json").read_text())
    assert report["pipeline"] == "tiny" and report["repeat"] == 2 and report["warmup"] == 0
    (entry,) = report["configs"]
    assert entry["label"] == "threads:2" and entry["parallelism"] == 2
    _check_config(entry, 2)
    baseline = entry["baseline"]
    ratios = [
        p / b for p, b in zip(entry["wall"]["values"], baseline["wall"]["values"], strict=True)
    ]
    assert baseline["ratio"]["median"] == pytest.approx(statistics.median(ratios))
    assert entry["performance_report"] is None
    markdown = (out / "report.md").read_text()
    assert "| config |" in markdown and "| gather |" in markdown and "overhead" in markdown
    assert report["charts"] == ["solids.png", "breakdown.png", "scaling.png"]
    for name in report["charts"]:
        _png(out / name)
        assert f"![{name}]({name})" in markdown


@pytest.mark.cluster  # its own: bench starts a local:1x1 cluster
def test_bench_on_a_local_cluster_saves_the_performance_report(config, tmp_path):
    path, _ = config
    out = tmp_path / "out"
    result = invoke(
        "bench",
        "-f",
        PIPELINE,
        "-c",
        path,
        "--cluster",
        "local:1x1",
        "--repeat",
        1,
        "--warmup",
        0,
        "--out",
        out,
        "--no-charts",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    (entry,) = report["configs"]
    assert entry["kind"] == "local" and entry["parallelism"] == 1
    _check_config(entry, 1)
    assert len(entry["worker_peak_rss"]) == 1
    assert all(v > 0 for v in entry["worker_peak_rss"].values())
    assert entry["performance_report"] == "performance-local_1x1.html"
    assert "<html" in (out / entry["performance_report"]).read_text().lower()
    assert report["charts"] == [] and not list(out.glob("*.png"))


@pytest.mark.slow
@pytest.mark.cluster
@pytest.mark.parametrize("kind", ["local", "address"])
def test_fresh_workers_start_new_worker_processes_before_every_run(
    config, tmp_path, monkeypatch, request, kind
):
    """``local:1x1`` starts a new LocalCluster for every run (restarting one that lives in
    this process sometimes lost its nanny for good under load: the test hung); a cluster
    reached by address (``dask scheduler`` / ``dask worker`` processes) is restarted."""
    if kind == "local":
        cluster = "local:1x1"
    else:
        cluster = f"address:{request.getfixturevalue('external_scheduler')}"
    path, source = config
    monkeypatch.syspath_prepend(os.path.dirname(os.path.dirname(HERE)))
    out = tmp_path / "out"
    result = invoke(
        "bench",
        "-f",
        PIPELINE,
        "-c",
        path,
        "--cluster",
        cluster,
        "--repeat",
        2,
        "--warmup",
        0,
        "--out",
        out,
        "--no-charts",
        "--no-performance-report",
        "--fresh-workers",
        "--keep-runs",
        "--baseline",
        f"tests.bench.tiny_pipeline:baseline({source!r})",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    (entry,) = report["configs"]
    assert report["fresh_workers"] is True
    assert list(entry["worker_peak_rss"]) == ["worker 1"]
    assert list(entry["baseline"]["worker_peak_rss"]) == ["worker 1"]
    assert len(entry["peak_rss_per_run"]) == len(entry["baseline"]["peak_rss_per_run"]) == 2
    assert all(t > entry["worker_peak_rss"]["worker 1"] / 2 for t in entry["peak_rss_per_run"])
    assert "workers restarted before every run" in (out / "report.md").read_text()
    from daskflow.instance import DaskflowInstance

    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        workers = [
            {e.record.data.get("worker") for e in instance.event_storage.get_events(run)} - {None}
            for run in entry["run_ids"]
        ]
    assert all(workers) and not workers[0] & workers[1]  # a new worker process each run


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cluster", "gpus:4"], 'unknown cluster "gpus:4"'),
        (["--cluster", "local:2"], "local:WxT"),
        (["--baseline", "no_such_module_xyz:fn"], "importing no_such_module_xyz failed"),
        (["--baseline", "os.path:no_such_fn"], 'has no attribute "no_such_fn"'),
        (["--baseline", "os.path"], "expected MODULE:FUNCTION"),
        (["--baseline", "os.path:join(x)"], "literals"),
        (["--repeat", 0], "--repeat"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(config, tmp_path, args, message):
    path, _ = config
    result = invoke("bench", "-f", PIPELINE, "-c", path, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_a_failing_run_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('solids: {score: {inputs: {src: {parquet: {path: "/nonexistent/x"}}}}}\n')
    result = invoke(
        "bench",
        "-f",
        PIPELINE,
        "-c",
        bad,
        "--cluster",
        "threads:1",
        "--repeat",
        1,
        "--warmup",
        0,
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 1, result.output
    assert "failed on threads:1" in result.output
