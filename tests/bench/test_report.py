"""The report builder on synthetic repetitions: breakdown sums, overhead, medians, ratios,
step stats from events, JSON round trip, markdown and the charts."""

import json

import pytest

from daskflow.bench import BenchReport, Repetition
from daskflow.bench._events import step_stats
from daskflow.bench._markdown import to_markdown
from daskflow.bench._measure import ProcessUsage, TaskRecord, Usage
from daskflow.bench._model import StepStats
from daskflow.bench._report import (
    OTHER,
    attribute,
    build_config_report,
    build_report,
    median_index,
    overhead_of,
    pair_ratios,
    solid_of,
)
from daskflow.bench._write import load_report, write_report
from daskflow.events import DaskflowEventType as E
from daskflow.events import EventRecord

SOLIDS = ["load", "total"]


def _rep(wall, start=100.0, tasks=(), steps=None, cpu=1.0, peak=1000, workers=None):
    usage = Usage(
        ProcessUsage(peak, cpu, 10, 20),
        {w: ProcessUsage(p, cpu, 1, 2) for w, p in (workers or {}).items()},
    )
    return Repetition(
        wall, start, usage, [TaskRecord(*t) for t in tasks], steps or {}, run_id=f"run-{wall}"
    )


def _tasks(start=100.0):
    """load: two partitions in parallel, its write tasks, a foreign task, then total."""
    return [
        ("load", start + 0.5, start + 1.5, "w1"),
        ("load", start + 0.5, start + 1.0, "w2"),
        ("load_write", start + 1.5, start + 2.0, "w1"),
        ("shuffle-transfer", start + 1.0, start + 1.5, "w2"),
        ("total", start + 2.5, start + 3.0, "w1"),
    ]


STEPS = {
    "load": StepStats(
        rows=400, bytes_written=4096, check_seconds=0.1, write_seconds=0.2, partitions=2, lazy=True
    ),
    "total": StepStats(bytes_written=10, bytes_read=4096, load_seconds=0.05),
}


def test_solid_of_strips_the_suffixes_of_known_solids_only():
    steps = {"load", "my_write"}
    assert solid_of("load_commit", steps) == "load"
    assert solid_of("my_write", steps) == "my_write"
    assert solid_of("other_write", steps) is None


def test_attribute_shares_busy_time_among_running_tasks():
    shares, busy = attribute([TaskRecord(*t) for t in _tasks()], 100.0, 103.5)
    assert busy == pytest.approx(2.0)  # 100.5-102.0 and 102.5-103.0
    assert sum(shares) == pytest.approx(busy)
    assert shares[0] == pytest.approx(0.25 + 0.25)  # shared with 1 other task all along
    assert shares[4] == pytest.approx(0.5)


def test_tasks_are_clipped_to_the_run():
    shares, busy = attribute([TaskRecord("a", 99.0, 101.0)], 100.0, 100.5)
    assert busy == pytest.approx(0.5) and shares == [pytest.approx(0.5)]


def test_overhead_is_lead_plus_gaps_plus_tail():
    tasks = [TaskRecord(*t) for t in _tasks()]
    _, busy = attribute(tasks, 100.0, 103.5)
    overhead = overhead_of(tasks, 100.0, 103.5, busy)
    assert (overhead.lead, overhead.gaps, overhead.tail) == pytest.approx((0.5, 0.5, 0.5))
    assert overhead.seconds == pytest.approx(1.5)
    assert overhead.fraction == pytest.approx(1.5 / 3.5)
    assert overhead_of([], 0.0, 2.0, 0.0).seconds == 2.0


def test_median_index_and_pair_ratios():
    assert median_index([5.0]) == 0
    assert median_index([3.0, 1.0, 2.0]) == 2
    ratio = pair_ratios([2.0, 4.0, 9.0], [1.0, 1.0, 3.0])  # 2, 4, 3
    assert (ratio.median, ratio.min, ratio.max) == (3.0, 2.0, 4.0)
    assert ratio.values == [2.0, 4.0, 3.0]
    assert pair_ratios([1.0], [0.0]) is None


def _config_report(baseline=True):
    runs = [
        _rep(4.0, tasks=_tasks(), steps=STEPS, cpu=2.0, peak=500, workers={"w1": 7}),
        _rep(
            3.5,
            start=200.0,
            tasks=_tasks(200.0),
            steps=STEPS,
            cpu=3.0,
            peak=900,
            workers={"w1": 5, "w2": 6},
        ),
        _rep(9.0, start=300.0, tasks=_tasks(300.0), steps=STEPS, cpu=4.0, peak=800),
    ]
    base = [_rep(1.0), _rep(1.0), _rep(3.0)] if baseline else None
    return build_config_report(
        "local:2x1", "local", 2, runs, SOLIDS, baseline=base, performance_report="perf.html"
    )


def test_config_report_breaks_down_the_median_repetition():
    config = _config_report()
    assert config.median_repetition == 0  # walls 4.0, 3.5, 9.0: the median is 4.0
    assert (config.wall.median, config.wall.min, config.wall.max) == (4.0, 3.5, 9.0)
    assert config.cpu.values == [2.0 + 2.0, 3.0 * 3, 4.0]  # coordinator + each worker
    assert config.cpu.median == 4.0
    rows = {r.solid: r for r in config.solids}
    assert list(rows) == SOLIDS
    assert rows["load"].tasks == 3 and rows["load"].task_seconds == pytest.approx(2.0)
    assert rows["load"].compute_seconds == pytest.approx(2.0 - 0.1 - 0.2)
    assert rows["load"].rows == 400 and rows["load"].bytes_written == 4096
    assert rows["total"].compute_seconds == pytest.approx(0.5 - 0.05)
    assert config.other.solid == OTHER and config.other.prefixes == ["shuffle-transfer"]
    shares = sum(r.wall_share_seconds for r in config.solids) + config.other.wall_share_seconds
    assert shares == pytest.approx(config.busy_seconds) == pytest.approx(2.0)
    assert config.busy_seconds + config.overhead.seconds == pytest.approx(4.0)
    assert config.overhead.tail == pytest.approx(4.0 - 3.0)
    assert config.task_seconds == pytest.approx(3.0)
    assert config.utilisation == pytest.approx(3.0 / (4.0 * 2))
    assert config.coordinator_peak_rss == 900
    assert config.worker_peak_rss == {"w1": 7, "w2": 6} and config.workers_peak_rss_total == 13
    assert config.io_bytes_written == 4106 and config.io_bytes_read == 4096
    assert config.process_bytes_read == 10 + 1  # median repetition: coordinator + w1
    assert config.baseline.ratio.values == [4.0, 3.5, 3.0]
    assert config.baseline.ratio.median == 3.5
    assert config.baseline.wall.median == 1.0
    assert config.run_ids == ["run-4.0", "run-3.5", "run-9.0"]
    assert config.peak_rss_per_run == [500 + 7, 900 + 5 + 6, 800]
    assert config.baseline.peak_rss_per_run == [1000, 1000, 1000]


def test_workers_restarted_before_every_run_are_named_by_rank():
    runs = [
        _rep(1.0, workers={"tcp://a:1": 7, "tcp://a:2": 3}),
        _rep(1.0, workers={"tcp://a:4": 5, "tcp://a:3": 9}),
    ]
    config = build_config_report("local:2x1", "local", 2, runs, SOLIDS, workers_restarted=True)
    assert config.worker_peak_rss == {"worker 1": 9, "worker 2": 5}
    assert config.workers_peak_rss_total == 14


def _report():
    return build_report(
        "tiny", "default", 3, 1, [_config_report(), _config_report(False)], baseline="mod:fn"
    )


def test_json_round_trip():
    report = _report()
    again = BenchReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report
    assert again.configs[0].baseline.ratio.median == 3.5
    assert again.configs[1].baseline is None
    assert report.environment["cpu_count"] >= 1 and report.environment["dask"]


def test_markdown_has_the_summary_and_per_solid_tables():
    text = to_markdown(_report())
    assert "# Benchmark of pipeline `tiny`" in text
    assert "| config | threads | wall median |" in text
    assert "| local:2x1 | 2 | 4.00s | 3.50s-9.00s |" in text
    assert "3.50x (3.00-4.00x)" in text
    assert "| load | 3 | 2.00s |" in text and "| total | 1 |" in text
    assert "Overhead = wall - busy" in text
    assert "[perf.html](perf.html)" in text


def test_write_report_writes_json_markdown_and_valid_pngs(tmp_path):
    perf = tmp_path / "perf.html"
    perf.write_text("<html></html>")
    report = _report()
    for config in report.configs:
        config.performance_report = str(perf)
    written = write_report(report, tmp_path / "out")
    assert load_report(tmp_path / "out") == report
    assert written.performance_reports[0].read_text() == "<html></html>"
    assert report.configs[0].performance_report == "perf.html"
    assert [p.name for p in written.charts] == ["solids.png", "breakdown.png", "scaling.png"]
    import matplotlib.image

    for path in written.charts:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert matplotlib.image.imread(path).shape[0] > 100
    assert "![scaling.png](scaling.png)" in written.markdown.read_text()


def test_write_report_without_charts(tmp_path):
    written = write_report(_report(), tmp_path, charts=False)
    assert written.charts == [] and not list(tmp_path.glob("*.png"))


def _event(kind, step, **data):
    return EventRecord.create("r", kind, "p", step_key=step, data=data)


def test_step_stats_from_events():
    rows = {"label": "row_count", "kind": "int", "value": 7}
    nbytes = {"label": "bytes", "kind": "int", "value": 100}
    events = [
        _event(E.STEP_INPUT, "lazy", check_seconds=5.0),  # on the coordinator: left out
        _event(
            E.STEP_OUTPUT, "lazy", output_name="result", type_check={"metadata_entries": [rows]}
        ),
        _event(E.HANDLED_OUTPUT, "lazy", output_name="result", metadata_entries=[nbytes]),
        _event(
            E.STEP_SUCCESS,
            "lazy",
            partitions=2,
            rows=7,
            bytes_written=100,
            check_seconds=0.1,
            write_seconds=0.2,
            build_seconds=0.05,
        ),
        _event(  # deferred: built (and its eager computes run) inside its own task
            E.STEP_SUCCESS, "deferred", partitions=1, build_seconds=0.9, built_in_task=True
        ),
        _event(E.LOADED_INPUT, "eager", load_seconds=0.3),
        _event(E.STEP_INPUT, "eager", check_seconds=0.01),
        _event(E.STEP_OUTPUT, "eager", check_seconds=0.02, type_check={}),
        _event(E.HANDLED_OUTPUT, "eager", write_seconds=0.04, metadata_entries=[]),
        _event(E.PIPELINE_SUCCESS, None),
    ]
    stats = step_stats(events, {"eager": ["lazy.result"], "lazy": []})
    assert stats["lazy"] == StepStats(
        rows=7,
        bytes_written=100,
        check_seconds=0.1,
        write_seconds=0.2,
        partitions=2,
        lazy=True,
        build_seconds=0.05,
    )
    assert stats["deferred"].lazy and stats["deferred"].build_seconds == 0.0
    eager = stats["eager"]
    assert eager.check_seconds == pytest.approx(0.03) and eager.write_seconds == 0.04
    assert eager.load_seconds == 0.3 and eager.bytes_read == 100 and eager.rows is None
