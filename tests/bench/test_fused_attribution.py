"""``daskflow bench`` attributes fused tasks: with in-memory hand-off a chain of Dask solids
runs in the last one's tasks (named after it), and the report says so in its JSON, markdown
and terminal tables instead of showing the earlier solids idle. With parquet hand-off each
solid has its own tasks and nothing is marked."""

import io

import pytest
from rich.console import Console

from daskflow.bench import load_report, print_report, run_benchmark, write_report

from .fused_pipeline import fused_chain
from .tiny_pipeline import write_source


@pytest.fixture
def run_config(tmp_path):
    source = str(tmp_path / "src")
    write_source(source)
    return {
        "solids": {"load": {"inputs": {"src": {"parquet": {"path": source}}}}},
        "resources": {"io_manager": {"config": {"base_dir": str(tmp_path / "store")}}},
    }


def _bench(run_config, mode):
    config = dict(run_config)
    if mode == "in_memory":
        config.pop("resources")  # mem_io_manager takes no base_dir
    report = run_benchmark(
        fused_chain, config, mode=mode, clusters=["threads:2"], repeat=1, warmup=0
    )
    (entry,) = report.configs
    return report, {row.solid: row for row in entry.solids}


def test_in_memory_chain_is_attributed_to_the_solid_whose_tasks_ran_it(run_config, tmp_path):
    report, rows = _bench(run_config, "in_memory")
    # their start and commit tasks only: their partitions run in total's tasks
    assert rows["load"].tasks <= 2 and rows["keep"].tasks <= 2
    assert rows["total"].tasks > 2
    assert rows["load"].fused_into == ["total"] and rows["keep"].fused_into == ["total"]
    assert rows["total"].includes == ["load", "keep"]  # in pipeline order
    assert rows["report"].fused_into == [] and rows["report"].includes == []

    write_report(report, tmp_path / "out", charts=False)
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert f"| load (fused into total) | {rows['load'].tasks} |" in markdown
    assert "| total (includes load, keep) |" in markdown
    loaded = {row.solid: row for row in load_report(tmp_path / "out").configs[0].solids}
    assert loaded["keep"].fused_into == ["total"]  # through report.json
    assert loaded["total"].includes == ["load", "keep"]

    console = Console(file=io.StringIO(), width=300, color_system=None)
    print_report(report, console)
    terminal = console.file.getvalue()
    assert "keep (fused into total)" in terminal and "total (includes load, keep)" in terminal


def test_parquet_hand_off_marks_nothing(run_config):
    _, rows = _bench(run_config, "default")
    for name in ("load", "keep", "total"):
        assert rows[name].tasks > 2, name  # its partitions, written by its own tasks
        assert rows[name].fused_into == [] and rows[name].includes == [], name
