"""The benchmark suite's summary: every case's ``daskflow bench`` report in one table.

``write_case`` records what a case was (query, variant, scale factor, DuckDB times, the
hand-written baseline) next to its report; ``write_summary`` finds every case under the
results directory, turns each (case, execution config) into one row (pipeline and
hand-written medians, the median of the pairwise ratios against the issue-14 target of its
variant, DuckDB, peak memory of both, how much of the wall time was overhead),
writes ``summary.{md,json}`` and ``ratios.png``, and puts the markdown between the
``<!-- suite:begin -->`` / ``<!-- suite:end -->`` markers of ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from daskflow.bench import BenchReport, ConfigReport, load_report

BEGIN, END = "<!-- suite:begin -->", "<!-- suite:end -->"
CASE_FILE = "case.json"
GIB = 1024**3
# Issue 14's targets, pipeline / hand-written (median of pairs): handing collections on in
# memory costs nothing over plain Dask; persisting intermediates costs at most 15% over a
# hand-written query writing the same intermediates with the same writer settings.
TARGETS = {"in-memory": 1.0, "parquet": 1.15}
TARGETS_TEXT = (
    "Targets (issue 14, median of pairs): **in-memory <= 1.0x** the plain hand-written query "
    "(`q<N>`); **parquet (persisted intermediates) <= 1.15x** the hand-written query writing "
    "the same intermediates with fs_io_manager's writer settings (`q<N>_writing_intermediates`)"
    ". The *baseline* column names the hand-written function of each row; the no-value-checks "
    "and out-of-core rows have no target."
)


@dataclass
class Row:
    """One execution config of one case."""

    sf: float
    query: int
    variant: str
    config: str
    pipeline_s: float
    handwritten_s: float | None
    ratio: float | None
    ratio_min: float | None
    duckdb_s: float | None
    peak_gib: float  # coordinator + every worker, pipeline
    handwritten_peak_gib: float | None
    overhead_fraction: float
    report: str  # the case's report.md, relative to the results directory
    coordinator_peak_gib: float = 0.0
    worker_peaks_gib: list[float] | None = None
    handwritten_coordinator_peak_gib: float | None = None
    handwritten_worker_peaks_gib: list[float] | None = None
    run_peaks_gib: list[float] | None = None  # per run: coordinator + workers
    handwritten_run_peaks_gib: list[float] | None = None
    baseline: str = ""  # the hand-written function (examples.tpch.handwritten)
    pipeline: str = ""  # the pipeline's module in examples.tpch.pipelines

    @property
    def target(self) -> float | None:
        return TARGETS.get(self.variant)

    @property
    def label(self) -> str:
        """``Q1``, or ``Q1 newcomer`` for a query's other pipeline."""
        extra = self.pipeline.removeprefix(f"q{self.query}").strip("_").replace("_", " ")
        return f"Q{self.query}" + (f" {extra}" if extra else "")


def write_case(  # noqa: PLR0913 (the facts of a case)
    case_dir: Path,
    query: int,
    variant: str,
    sf: float,
    duckdb_seconds: list[float],
    baseline: str,
    pipeline: str = "",
) -> None:
    """Say what ``case_dir/bench`` measured (read back by ``write_summary``)."""
    facts = {
        "query": query,
        "variant": variant,
        "sf": sf,
        "duckdb_seconds": duckdb_seconds,
        "baseline": baseline,
        "pipeline": pipeline or f"q{query}",
    }
    (case_dir / CASE_FILE).write_text(json.dumps(facts, indent=1) + "\n")


def _peak(coordinator: int, workers: dict[str, int]) -> float:
    return (coordinator + sum(workers.values())) / GIB


def config_row(facts: dict[str, Any], config: ConfigReport, report_path: str) -> Row:
    baseline = config.baseline
    duckdb = facts.get("duckdb_seconds") or []
    return Row(
        sf=facts["sf"],
        query=facts["query"],
        variant=facts["variant"],
        config=config.label,
        pipeline_s=config.wall.median,
        handwritten_s=baseline.wall.median if baseline else None,
        ratio=baseline.ratio.median if baseline and baseline.ratio else None,
        ratio_min=baseline.ratio.min if baseline and baseline.ratio else None,
        duckdb_s=statistics.median(duckdb) if duckdb else None,
        peak_gib=_peak(config.coordinator_peak_rss, config.worker_peak_rss),
        handwritten_peak_gib=(
            _peak(baseline.coordinator_peak_rss, baseline.worker_peak_rss) if baseline else None
        ),
        overhead_fraction=config.overhead.fraction,
        report=report_path,
        coordinator_peak_gib=config.coordinator_peak_rss / GIB,
        worker_peaks_gib=[v / GIB for v in config.worker_peak_rss.values()],
        handwritten_coordinator_peak_gib=(
            baseline.coordinator_peak_rss / GIB if baseline else None
        ),
        handwritten_worker_peaks_gib=(
            [v / GIB for v in baseline.worker_peak_rss.values()] if baseline else None
        ),
        run_peaks_gib=[v / GIB for v in config.peak_rss_per_run],
        handwritten_run_peaks_gib=(
            [v / GIB for v in baseline.peak_rss_per_run] if baseline else None
        ),
        baseline=facts.get("baseline") or f"q{facts['query']}",  # older cases: the plain one
        pipeline=facts.get("pipeline") or f"q{facts['query']}",
    )


def collect_rows(results: Path) -> tuple[list[Row], BenchReport | None]:
    """Rows of every case under ``results`` (sorted) and one report for its environment."""
    rows, last = [], None
    for case_file in sorted(results.glob(f"sf*/*/{CASE_FILE}")):
        facts = json.loads(case_file.read_text())
        bench_dir = case_file.parent / "bench"
        if not (bench_dir / "report.json").is_file():
            continue
        report = load_report(bench_dir)
        relative = str((bench_dir / "report.md").relative_to(results))
        rows += [config_row(facts, config, relative) for config in report.configs]
        last = report
    rows.sort(key=lambda r: (r.sf, r.query, r.pipeline, r.variant, r.config))
    return rows, last


def _num(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def _target_cell(row: Row) -> str:
    """``<= 1.15x: met`` / ``missed`` for the median ratio; ``–`` without a target."""
    if row.target is None or row.ratio is None:
        return "–"
    return f"<= {row.target:.2f}x: {'met' if row.ratio <= row.target else 'missed'}"


def _gib_list(values: list[float] | None) -> str:
    return ", ".join(f"{v:.2f}" for v in values or []) or "–"


def memory_section(rows: list[Row]) -> list[str]:
    """Per-process peaks of the distributed runs (the out-of-core run first)."""
    chosen = sorted(
        (r for r in rows if r.worker_peaks_gib),
        key=lambda r: (r.variant != "out-of-core", -r.sf, r.query, r.pipeline, r.variant),
    )
    if not chosen:
        return []
    lines = [
        "Peak memory per process on the local cluster (GiB; sampled every 50 ms; the "
        "largest over the timed runs), and each run's total over all processes:",
        "",
        "| SF | query | variant | pipeline coordinator | pipeline workers | "
        "hand-written coordinator | hand-written workers | pipeline total per run | "
        "hand-written total per run |",
        "|---:|---:|---|---:|---|---:|---|---|---|",
    ]
    for r in chosen:
        lines.append(
            f"| {r.sf:g} | {r.label} | {r.variant} | {r.coordinator_peak_gib:.2f} | "
            f"{_gib_list(r.worker_peaks_gib)} | "
            f"{_num(r.handwritten_coordinator_peak_gib)} | "
            f"{_gib_list(r.handwritten_worker_peaks_gib)} | "
            f"{_gib_list(r.run_peaks_gib)} | {_gib_list(r.handwritten_run_peaks_gib)} |"
        )
    return [*lines, ""]


def markdown(rows: list[Row], environment: dict[str, Any], results: Path, readme_dir: Path) -> str:
    """The summary table, the machine and versions, and the exact commands."""
    link_base = Path(_relative(results, readme_dir))
    lines = [
        "| SF | query | variant | scheduler | baseline | pipeline s | hand-written s | ratio "
        "(median of pairs) | target | best pair | DuckDB s | peak GiB pipeline / hand-written "
        "| overhead |",
        "|---:|---|---|---|---|---:|---:|---:|---|---:|---:|---|---:|",
    ]
    for r in rows:
        peaks = f"{r.peak_gib:.2f} / {_num(r.handwritten_peak_gib)}"
        lines.append(
            f"| {r.sf:g} | {r.label} | [{r.variant}]({link_base / r.report}) | {r.config} | "
            f"`{r.baseline}` | {r.pipeline_s:.2f} | {_num(r.handwritten_s)} | "
            f"{_num(r.ratio, suffix='x')} | {_target_cell(r)} | "
            f"{_num(r.ratio_min, suffix='x')} | {_num(r.duckdb_s)} | {peaks} | "
            f"{r.overhead_fraction:.0%} |"
        )
    env = ", ".join(f"{k} {v}" for k, v in environment.items() if v is not None)
    return "\n".join(
        [
            f"Machine and versions: {env}.",
            "",
            TARGETS_TEXT,
            "",
            *lines,
            "",
            f"![pipeline / hand-written ratios]({link_base / 'ratios.png'})",
            "",
            *memory_section(rows),
            *overhead_section(results),
            "Peak memory is the largest resident set seen while the run lasted, coordinator plus "
            'every worker (sampled); "overhead" is the part of the pipeline\'s wall time in which '
            "no task ran (see each case's report).",
        ]
    )


def overhead_section(results: Path) -> list[str]:
    """``overhead.py``'s table, when the suite ran it."""
    table = results / "overhead" / "overhead.md"
    if not table.is_file():
        return []
    body = [
        line for line in table.read_text().strip().splitlines() if not line.startswith("# ")
    ]  # its own title would break this page's outline
    return [
        "Per-step overhead (`benchmarks/overhead.py`, trivial solids, daskflow vs raw "
        "`dask.delayed` on the same scheduler):",
        "",
        *body,
        "",
    ]


def _relative(path: Path, start: Path) -> str:
    try:
        return str(path.resolve().relative_to(start.resolve()))
    except ValueError:
        return str(path.resolve())


def ratio_chart(rows: list[Row], path: Path) -> None:
    """Bars of pipeline / hand-written per query, one bar per (variant, scheduler)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r.ratio is not None]
    groups = sorted({(r.sf, r.query, r.label) for r in rows})
    series = sorted({(r.variant, r.config) for r in rows})
    if not groups:
        return
    width = 0.8 / max(len(series), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(groups) + 3), 4.5))
    for i, (variant, config) in enumerate(series):
        values = {
            (r.sf, r.query, r.label): r.ratio
            for r in rows
            if (r.variant, r.config) == (variant, config)
        }
        xs = [g + i * width for g in range(len(groups))]
        ax.bar(xs, [values.get(g, 0.0) for g in groups], width, label=f"{variant}, {config}")
    ax.axhline(1.0, color="black", linewidth=0.8)
    for target in sorted(set(TARGETS.values())):  # issue 14's targets
        ax.axhline(target, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))])
    ax.set_xticklabels([f"{label}\nSF {sf:g}" for sf, _, label in groups])
    ax.set_ylabel("pipeline / hand-written Dask (wall)")
    ax.legend(fontsize="x-small", ncols=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def replace_section(readme: Path, section: str) -> None:
    """Put ``section`` between the markers (appended with them if they are missing)."""
    text = readme.read_text() if readme.is_file() else ""
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)


def write_summary(results: Path, readme: Path | None = None) -> Path:
    """``summary.md``/``summary.json``/``ratios.png`` under ``results``; update ``readme``."""
    rows, last = collect_rows(results)
    environment = last.environment if last else {}
    (results / "summary.json").write_text(
        json.dumps({"environment": environment, "rows": [asdict(r) for r in rows]}, indent=1) + "\n"
    )
    ratio_chart(rows, results / "ratios.png")
    summary = results / "summary.md"
    summary.write_text(markdown(rows, environment, results, results) + "\n")
    if readme is not None:
        replace_section(readme, markdown(rows, environment, results, readme.parent))
    return summary
