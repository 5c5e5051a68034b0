"""Writing a report to a directory: ``report.json``, ``report.md``, PNG charts and the Dask
performance reports of distributed configs."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from daskflow.bench._markdown import to_markdown
from daskflow.bench._model import BenchReport

__all__ = ["WrittenReport", "load_report", "write_report"]


@dataclass
class WrittenReport:
    """Where ``write_report`` put each file."""

    directory: Path
    json: Path
    markdown: Path
    charts: list[Path] = field(default_factory=list)
    performance_reports: list[Path] = field(default_factory=list)


def write_report(report: BenchReport, out_dir: str | Path, charts: bool = True) -> WrittenReport:
    """Write everything into ``out_dir`` (created). Performance reports are copied in and
    ``report`` is updated to name files relative to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reports = []
    for config in report.configs:
        if config.performance_report:
            source = Path(config.performance_report)
            if not source.is_absolute():
                source = out / source
            target = out / source.name
            if source.is_file() and source.resolve() != target.resolve():
                shutil.copyfile(source, target)
            config.performance_report = target.name
            reports.append(target)
    if charts:
        from daskflow.bench._charts import draw_charts

        report.charts = draw_charts(report, out)
    json_path = out / "report.json"
    json_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    markdown_path = out / "report.md"
    markdown_path.write_text(to_markdown(report) + "\n")
    return WrittenReport(out, json_path, markdown_path, [out / c for c in report.charts], reports)


def load_report(path: str | Path) -> BenchReport:
    """A report written by ``write_report`` (its ``report.json``, or the directory)."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    return BenchReport.from_dict(json.loads(path.read_text()))
