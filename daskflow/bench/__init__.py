"""``daskflow bench``'s engine, usable from Python: time a pipeline over execution configs.

``run_benchmark(pipeline, run_config, clusters=["threads:2", "local:2x1"], repeat=3,
warmup=1, baseline=fn)`` runs it and returns a ``BenchReport`` (one ``ConfigReport`` per
config: wall/CPU stats, peak memory, IO bytes, per-solid ``SolidRow``s, ``Overhead`` and the
baseline's ``BaselineReport``); ``write_report(report, out_dir)`` writes ``report.json``,
``report.md``, the PNG charts and the Dask performance reports, and ``load_report`` reads
one back. ``load_baseline("module:function(literal args)")`` resolves a baseline spec.

>>> parse_cluster("threads:2").execution()
{'threads': {'max_workers': 2}}
"""

from daskflow.bench._baseline import BaselineError, load_baseline
from daskflow.bench._clusters import BenchClusterError, ClusterSpec, parse_cluster
from daskflow.bench._model import (
    BaselineReport,
    BenchReport,
    ConfigReport,
    Overhead,
    Repetition,
    SolidRow,
    Stat,
)
from daskflow.bench._runner import BenchRunError, run_benchmark
from daskflow.bench._terminal import print_report
from daskflow.bench._write import WrittenReport, load_report, write_report

__all__ = [
    "BaselineError",
    "BaselineReport",
    "BenchClusterError",
    "BenchReport",
    "BenchRunError",
    "ClusterSpec",
    "ConfigReport",
    "Overhead",
    "Repetition",
    "SolidRow",
    "Stat",
    "WrittenReport",
    "load_baseline",
    "load_report",
    "parse_cluster",
    "print_report",
    "run_benchmark",
    "write_report",
]
