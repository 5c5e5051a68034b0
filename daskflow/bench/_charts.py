"""PNG charts of a benchmark report, drawn with matplotlib (the ``bench`` extra).

- ``solids.png``: per config, each solid's task time stacked as compute, type checks,
  writes and reads (thread-seconds of the median repetition).
- ``breakdown.png``: per config, the median repetition's wall time as the solids' wall
  shares plus overhead (they add up to the wall time).
- ``scaling.png``: wall time (median, min-max whiskers) per config, and the baseline's with
  the pipeline / baseline ratio.

matplotlib is imported only here, through its object API and the Agg canvas, so drawing
never changes the pyplot backend of the calling program.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from daskflow.bench._model import BenchReport, ConfigReport, Overhead

__all__ = ["CHART_NAMES", "draw_charts"]

CHART_NAMES = ("solids.png", "breakdown.png", "scaling.png")
_PARTS = [
    ("compute_seconds", "compute", "#4C72B0"),
    ("check_seconds", "type checks", "#DD8452"),
    ("write_seconds", "writes", "#55A868"),
    ("load_seconds", "reads", "#8172B3"),
]
_OVERHEAD_COLOUR = "#BBBBBB"


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "daskflow bench draws its charts with matplotlib, which is not "
            "installed: pip install 'daskflow[bench]' (or skip charts with "
            "--no-charts / charts=False)"
        ) from exc
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def draw_charts(report: BenchReport, out_dir: str | Path) -> list[str]:
    """Draw the charts into ``out_dir``; returns their file names."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _solids_chart(report).savefig(out / CHART_NAMES[0])
    _breakdown_chart(report).savefig(out / CHART_NAMES[1])
    _scaling_chart(report).savefig(out / CHART_NAMES[2])
    return list(CHART_NAMES)


def _rows(config: ConfigReport) -> list[Any]:
    return [*config.solids, *([config.other] if config.other is not None else [])]


def _solids_chart(report: BenchReport) -> Any:
    count = len(report.configs)
    height = max(2.0, 0.4 * max(len(_rows(c)) for c in report.configs) + 1.2)
    figure = _figure(9, height * count)
    axes = figure.subplots(count, 1, squeeze=False)[:, 0]
    for ax, config in zip(axes, report.configs, strict=True):
        rows = list(reversed(_rows(config)))
        names = [r.solid for r in rows]
        left = [0.0] * len(rows)
        for attr, label, colour in _PARTS:
            widths = [getattr(r, attr) for r in rows]
            ax.barh(names, widths, left=left, label=label, color=colour)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_title(
            f"{report.pipeline} on {config.label}: task time per solid "
            f"(repetition {config.median_repetition + 1}, wall "
            f"{config.wall.values[config.median_repetition]:.3g} s)",
            fontsize=10,
        )
        ax.set_xlabel("seconds (sum over the solid's tasks)")
        ax.legend(loc="lower right", fontsize=8)
    return figure


def _solid_colours(report: BenchReport) -> dict[str, Any]:
    from matplotlib import colormaps

    names: list[str] = []
    for config in report.configs:
        names += [r.solid for r in _rows(config) if r.solid not in names]
    palette = colormaps["tab20"]
    return {name: palette(i % 20) for i, name in enumerate(names)}


def _overhead_bar(ax: Any, y: int, left: float, overhead: Overhead, first: bool) -> None:
    """The hatched overhead bar at the end of a config's row, with its share written."""
    label = "overhead (no task running)" if first else None
    ax.barh(y, overhead.seconds, left=left, color=_OVERHEAD_COLOUR, hatch="//", label=label)
    text = f" {overhead.fraction:.0%} overhead"
    ax.text(left + overhead.seconds, y, text, va="center", fontsize=8)


def _breakdown_chart(report: BenchReport) -> Any:
    colours = _solid_colours(report)
    figure = _figure(10, max(1.5 + 0.7 * len(report.configs), 0.3 * len(colours) + 1.0))
    ax = figure.subplots()
    labels = [c.label for c in report.configs]
    drawn: set[str] = set()
    for y, config in enumerate(report.configs):
        left = 0.0
        for row in _rows(config):
            ax.barh(
                y,
                row.wall_share_seconds,
                left=left,
                color=colours[row.solid],
                label=None if row.solid in drawn else row.solid,
            )
            drawn.add(row.solid)
            left += row.wall_share_seconds
        _overhead_bar(ax, y, left, config.overhead, first=y == 0)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("seconds of the median repetition's wall time")
    ax.set_title(f"{report.pipeline}: where the wall time went", fontsize=10)
    ax.margins(x=0.15)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return figure


def _scaling_chart(report: BenchReport) -> Any:
    figure = _figure(max(6.0, 1.6 * len(report.configs) + 2), 4.8)
    ax = figure.subplots()
    positions = list(range(len(report.configs)))
    has_baseline = any(c.baseline for c in report.configs)
    width = 0.38 if has_baseline else 0.6
    shift = width / 2 if has_baseline else 0.0
    _bars(ax, [p - shift for p in positions], [c.wall for c in report.configs], width, "pipeline")
    if has_baseline:
        walls = [c.baseline.wall if c.baseline else None for c in report.configs]
        _bars(ax, [p + shift for p in positions], walls, width, "baseline")
        name = report.baseline or "?"
        ax.set_xlabel(
            f"baseline: {name if len(name) <= 80 else name[:77] + '...'}\n"
            "above the bars: median of per-pair pipeline / baseline ratios",
            fontsize=8,
        )
        for p, config in zip(positions, report.configs, strict=True):
            if config.baseline and config.baseline.ratio:
                top = max(config.wall.max, config.baseline.wall.max)
                ax.annotate(
                    f"{config.baseline.ratio.median:.2f}x",
                    (p, top * 1.02),
                    ha="center",
                    va="bottom",
                    fontsize=9,
                )
    ax.set_xticks(positions, [f"{c.label}\n({_threads(c.parallelism)})" for c in report.configs])
    ax.set_ylabel("wall seconds (median; whiskers min-max)")
    tops = [c.wall.max for c in report.configs]
    tops += [c.baseline.wall.max for c in report.configs if c.baseline]
    ax.set_ylim(0, max(tops, default=1.0) * 1.15 or 1.0)
    ax.set_title(f"{report.pipeline}: wall time per execution config", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    return figure


_BAR_COLOURS = {"pipeline": "#4C72B0", "baseline": "#C44E52"}


def _bars(ax: Any, xs: list[float], stats: list[Any], width: float, label: str) -> None:
    colour = _BAR_COLOURS[label]
    points = [(x, s) for x, s in zip(xs, stats, strict=True) if s is not None]
    heights = [s.median for _, s in points]
    errors = [[s.median - s.min for _, s in points], [s.max - s.median for _, s in points]]
    ax.bar(
        [x for x, _ in points], heights, width, yerr=errors, capsize=4, label=label, color=colour
    )


def _threads(count: int) -> str:
    return f"{count} thread" + ("" if count == 1 else "s")
