"""The benchmark report as markdown, and the number formats shared with the terminal tables.

>>> fmt_bytes(1536), fmt_seconds(0.0123), fmt_seconds(12.345), fmt_ratio(None)
('1.5 KiB', '12.3ms', '12.35s', '-')
"""

from __future__ import annotations

from collections.abc import Sequence

from daskflow.bench._model import BenchReport, ConfigReport, Overhead, SolidRow

__all__ = [
    "DEFINITIONS",
    "fmt_bytes",
    "footer_cells",
    "fmt_ratio",
    "fmt_seconds",
    "solid_cells",
    "summary_cells",
    "SOLID_HEADERS",
    "SUMMARY_HEADERS",
    "to_markdown",
]

DEFINITIONS = (
    "Wall times are medians (min-max) of the timed repetitions; each repetition is one "
    "`execute_pipeline` call (graph build, submission, run, events, storage). The per-solid "
    "breakdown is of the median repetition. *Task s* sums the durations of a solid's Dask "
    "tasks (thread-seconds); *check*, *write* and *read* are the parts of it the run's events "
    "attribute to type checks, IO-manager writes and IO-manager reads, *compute* the rest. "
    "*Wall share* divides every instant during which tasks ran equally among the tasks "
    "running then, so the shares add up to the busy time (the union of all task intervals). "
    "**Overhead = wall - busy**: the time no task was running (before the first task: "
    "config, plan, building Dask DataFrame solids and submitting the graph; gaps between "
    "tasks; after the last: results, events, teardown). So wall = sum of wall shares + "
    "overhead. CPU is user+system time of the coordinator and every worker process; peak memory "
    "is the largest RSS sampled every 50 ms (the coordinator is the benchmarking process, "
    "which also hosts a `local:WxT` cluster's scheduler). Bytes "
    "written are the IO managers' own counts; bytes read are the stored sizes of the "
    "upstream outputs a solid loads (an upper bound: column projection reads less); process "
    "IO counts every read/write call of the processes. Baseline ratios are the median of "
    "per-pair ratios (pipeline run i / baseline run i, run back to back). With in-memory "
    "hand-off a chain of Dask solids runs fused in the last one's tasks (named after it): "
    "its row *includes* the earlier solids' time, and theirs say *fused into* it."
)

SUMMARY_HEADERS = [
    "config",
    "threads",
    "wall median",
    "min-max",
    "CPU",
    "overhead",
    "coordinator peak",
    "workers peak (sum)",
    "IO written",
    "IO read",
    "baseline",
    "pipeline / baseline",
]
SOLID_HEADERS = [
    "solid",
    "tasks",
    "task s",
    "compute",
    "check",
    "write",
    "read",
    "wall share",
    "rows",
    "bytes written",
    "bytes read",
]


def _built(overhead: Overhead) -> str:
    """`` (building Dask DataFrame solids: 120ms)`` when some were built."""
    if not overhead.build:
        return ""
    return f" (of which building Dask DataFrame solids {fmt_seconds(overhead.build)})"


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f}ms" if abs(value) < 1 else f"{value:.2f}s"


def fmt_bytes(value: float | None) -> str:
    if not value:
        return "-" if value is None else "0"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def summary_cells(config: ConfigReport) -> list[str]:
    baseline = config.baseline
    ratio = baseline.ratio if baseline is not None else None
    overhead = config.overhead
    return [
        config.label,
        str(config.parallelism),
        fmt_seconds(config.wall.median),
        f"{fmt_seconds(config.wall.min)}-{fmt_seconds(config.wall.max)}",
        fmt_seconds(config.cpu.median),
        f"{fmt_seconds(overhead.seconds)} ({overhead.fraction:.0%})",
        fmt_bytes(config.coordinator_peak_rss),
        fmt_bytes(config.workers_peak_rss_total) if config.worker_peak_rss else "-",
        fmt_bytes(config.io_bytes_written),
        fmt_bytes(config.io_bytes_read),
        fmt_seconds(baseline.wall.median) if baseline else "-",
        (f"{fmt_ratio(ratio.median)} ({ratio.min:.2f}-{fmt_ratio(ratio.max)})" if ratio else "-"),
    ]


def solid_name_cell(row: SolidRow) -> str:
    """The solid's name, with the other tasks' prefixes or what it was fused with.

    >>> solid_name_cell(SolidRow("c", includes=["a", "b"]))
    'c (includes a, b)'
    >>> solid_name_cell(SolidRow("a", fused_into=["c"]))
    'a (fused into c)'
    """
    notes = []
    if row.prefixes:
        notes.append(", ".join(row.prefixes))
    if row.fused_into:
        notes.append(f"fused into {', '.join(row.fused_into)}")
    if row.includes:
        notes.append(f"includes {', '.join(row.includes)}")
    return row.solid + (f" ({'; '.join(notes)})" if notes else "")


def solid_cells(row: SolidRow) -> list[str]:
    name = solid_name_cell(row)
    return [
        name,
        str(row.tasks),
        fmt_seconds(row.task_seconds),
        fmt_seconds(row.compute_seconds),
        fmt_seconds(row.check_seconds),
        fmt_seconds(row.write_seconds),
        fmt_seconds(row.load_seconds),
        fmt_seconds(row.wall_share_seconds),
        "-" if row.rows is None else f"{row.rows:,}",
        fmt_bytes(row.bytes_written),
        fmt_bytes(row.bytes_read),
    ]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _config_section(config: ConfigReport, number: int) -> list[str]:
    overhead = config.overhead
    lines = [
        f"## {number}. `{config.label}` ({config.parallelism} threads)",
        "",
        f"Breakdown of timed repetition {config.median_repetition + 1} "
        f"(wall {fmt_seconds(config.busy_seconds + overhead.seconds)}): busy "
        f"{fmt_seconds(config.busy_seconds)} + overhead {fmt_seconds(overhead.seconds)} "
        f"({overhead.fraction:.0%}: lead {fmt_seconds(overhead.lead)}{_built(overhead)}, gaps "
        f"{fmt_seconds(overhead.gaps)}, tail {fmt_seconds(overhead.tail)}). "
        f"Utilisation (task s / (wall x threads)): {config.utilisation:.0%}.",
        "",
    ]
    lines += _table(SOLID_HEADERS, _solid_rows(config)) + [""]
    peaks = (
        f"Peak memory: coordinator {fmt_bytes(config.coordinator_peak_rss)}"
        + "".join(f"; {w} {fmt_bytes(v)}" for w, v in config.worker_peak_rss.items())
        + _per_run(config.peak_rss_per_run)
    )
    lines += [
        f"{peaks}. Process IO (all processes, median repetition): read "
        f"{fmt_bytes(config.process_bytes_read)}, written "
        f"{fmt_bytes(config.process_bytes_written)}.",
        "",
    ]
    lines += _baseline_lines(config) + _report_lines(config)
    return lines


def _solid_rows(config: ConfigReport) -> list[list[str]]:
    """One row per solid (and the unattributed tasks), then overhead and the total."""
    overhead = config.overhead
    rows = [solid_cells(r) for r in config.solids]
    if config.other is not None:
        rows.append(solid_cells(config.other))
    return [
        *rows,
        footer_cells("overhead (no task running)", wall_share=fmt_seconds(overhead.seconds)),
        footer_cells(
            "**total = wall**",
            task_seconds=fmt_seconds(config.task_seconds),
            wall_share=fmt_seconds(config.busy_seconds + overhead.seconds),
        ),
    ]


def footer_cells(label: str, task_seconds: str = "", wall_share: str = "") -> list[str]:
    """A row of the solids table below the solids: only "task s" and "wall share" filled."""
    cells = [label] + [""] * (len(SOLID_HEADERS) - 1)
    cells[SOLID_HEADERS.index("task s")] = task_seconds
    cells[SOLID_HEADERS.index("wall share")] = wall_share
    return cells


def _baseline_lines(config: ConfigReport) -> list[str]:
    baseline = config.baseline
    if baseline is None:
        return []
    ratios = ", ".join(fmt_ratio(v) for v in baseline.ratio.values) if baseline.ratio else "-"
    return [
        f"Baseline: wall {fmt_seconds(baseline.wall.median)} "
        f"({fmt_seconds(baseline.wall.min)}-{fmt_seconds(baseline.wall.max)}), CPU "
        f"{fmt_seconds(baseline.cpu.median)}, coordinator peak "
        f"{fmt_bytes(baseline.coordinator_peak_rss)}"
        + "".join(f"; {w} {fmt_bytes(v)}" for w, v in baseline.worker_peak_rss.items())
        + _per_run(baseline.peak_rss_per_run)
        + f"; pipeline / baseline per pair: {ratios}.",
        "",
    ]


def _per_run(totals: Sequence[int]) -> str:
    """Each run's total peak (coordinator + workers), where there is more than one run."""
    if len(totals) < 2:
        return ""
    return f" (all processes, per run: {', '.join(fmt_bytes(t) for t in totals)})"


def _report_lines(config: ConfigReport) -> list[str]:
    if not config.performance_report:
        return []
    return [
        f"Dask performance report (an extra, untimed run): "
        f"[{config.performance_report}]({config.performance_report})",
        "",
    ]


def to_markdown(report: BenchReport) -> str:
    """The whole report: summary table, definitions, a section per config, charts."""
    env = report.environment
    lines = [
        f"# Benchmark of pipeline `{report.pipeline}`",
        "",
        f"Mode `{report.mode}`; {report.repeat} timed repetitions after {report.warmup} "
        f"warm-up(s) per config"
        + (f"; baseline `{report.baseline}`, interleaved" if report.baseline else "")
        + ("; workers restarted before every run" if report.fresh_workers else "")
        + ". "
        f"{report.created}; Python {env.get('python')}, dask {env.get('dask')}, "
        f"daskflow {env.get('daskflow')}, {env.get('cpu_count')} CPUs.",
        "",
        "## Summary",
        "",
    ]
    lines += _table(SUMMARY_HEADERS, [summary_cells(c) for c in report.configs]) + [""]
    lines += ["How to read it: " + DEFINITIONS, ""]
    for number, config in enumerate(report.configs, 1):
        lines += _config_section(config, number)
    if report.charts:
        lines += ["## Charts", ""] + [f"![{name}]({name})" for name in report.charts] + [""]
    return "\n".join(lines)
