"""The report as rich tables for the terminal: the summary and each config's solids."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from daskflow.bench._markdown import (
    SOLID_HEADERS,
    SUMMARY_HEADERS,
    fmt_seconds,
    footer_cells,
    solid_cells,
    summary_cells,
)
from daskflow.bench._model import BenchReport, ConfigReport

__all__ = ["print_report"]

_NUMERIC = set(SUMMARY_HEADERS[1:]) | set(SOLID_HEADERS[1:])


def _table(title: str, headers: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for header in headers:
        table.add_column(header, justify="right" if header in _NUMERIC else "left", overflow="fold")
    return table


def _solids_table(report: BenchReport, config: ConfigReport) -> Table:
    overhead = config.overhead
    table = _table(
        f"{config.label}: per solid (timed repetition {config.median_repetition + 1}, the median)",
        SOLID_HEADERS,
    )
    for row in config.solids:
        table.add_row(*solid_cells(row))
    if config.other is not None:
        table.add_row(*solid_cells(config.other), style="dim")
    built = f", building {fmt_seconds(overhead.build)}" if overhead.build else ""
    where = (
        f"overhead (lead {fmt_seconds(overhead.lead)}{built}, gaps "
        f"{fmt_seconds(overhead.gaps)}, tail {fmt_seconds(overhead.tail)})"
    )
    table.add_row(*footer_cells(where, wall_share=fmt_seconds(overhead.seconds)), style="yellow")
    total = fmt_seconds(config.busy_seconds + overhead.seconds)
    task_seconds = fmt_seconds(config.task_seconds)
    table.add_row(
        *footer_cells("total = wall", task_seconds=task_seconds, wall_share=total), style="bold"
    )
    return table


def print_report(report: BenchReport, console: Console) -> None:
    """Print the summary table, then each config's per-solid table."""
    title = (
        f"Benchmark of {report.pipeline} (mode {report.mode}, {report.repeat} timed "
        f"repetitions after {report.warmup} warm-up)"
    )
    if report.baseline:
        title += f", baseline {report.baseline}"
    summary = _table(title, SUMMARY_HEADERS)
    for config in report.configs:
        summary.add_row(*summary_cells(config))
    console.print(summary)
    for config in report.configs:
        console.print(_solids_table(report, config))
    console.print(
        "overhead = wall time during which no task ran (wall - union of task "
        "intervals); wall share splits busy time among the tasks running.",
        style="dim",
    )
