"""The project's benchmark suite: one command (``make bench``) from raw data to the report.

What it runs, in order (every timing interleaves the pipeline with its baseline on the
same scheduler, so each ratio is a pair measured under the same noise):

1. TPC-H data at ``--sf`` with ``tpchgen-cli`` (once per directory; ``data/tpch-sf<SF>``).
2. The per-step overhead benchmark (``benchmarks/overhead.py``; ``--skip-overhead``).
3. Per TPC-H query (1, 3, 5, 6, 10, 18), ``daskflow bench`` on the query's pipeline with a
   hand-written ``dask.dataframe`` version (``examples/tpch/handwritten.py``) as baseline:
   - ``parquet``: intermediates persisted as parquet parts (mode ``default``), on every
     ``--cluster`` (threads vs local cluster), against ``q<N>_writing_intermediates``, the
     hand-written query writing the same intermediates with the same writer settings
     (into a scratch directory per case, removed after the case; target <= 1.15x);
   - ``in-memory``: the lazy collections handed on (mode ``in_memory``), every cluster,
     against the plain hand-written ``q<N>`` (target <= 1.0x);
   - ``parquet, no value checks`` and ``in-memory, no value checks``: only the columns'
     dtype rules (``DASKFLOW_TPCH_CHECKS=off``), on the first cluster (checks on vs off).
   With Q1, the newcomer's Q1 (``pipelines/q1_newcomer.py``: plain Dask solids, an
   aggregate calling ``.compute()``) in both modes, against the same kinds of baseline.
   DuckDB runs the same SQL on the same files ``--repeat`` times in this process.
4. ``--large-sf N``: Q1 at scale factor N (lineitem only) on a 2-worker local cluster,
   with the hand-written query, ``--large-repeat`` pairs (3), the workers restarted
   before every run: the out-of-core run and each run's peak memory from new processes.

Each ``daskflow bench`` report (JSON, markdown, charts, Dask performance report) stays in
``--out/sf<SF>/<case>/bench/`` with a ``case.json`` (query, variant, DuckDB times);
``summary.{md,json}`` and ``ratios.png`` gather every case found under ``--out`` (so a
later ``--only-large`` run keeps the SF 1 results), and the summary replaces the generated
section of ``benchmarks/README.md``. Nothing here asserts on times.

    make bench                      # SF 1, a few minutes per query on 2 cores
    make bench SF=0.1               # quick
    .venv/bin/python -m benchmarks.suite --sf 1 --queries 1,6 --repeat 2
    .venv/bin/python -m benchmarks.suite --skip-overhead --queries 1 --large-sf 50 --only-large
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/suite.py` as well as `-m benchmarks.suite`
    sys.path.insert(0, str(ROOT))

from benchmarks.suite_report import write_case, write_summary  # noqa: E402
from examples.tpch import data as tpch_data  # noqa: E402
from examples.tpch.pipelines import PIPELINES  # noqa: E402

DEFAULT_QUERIES = (1, 3, 5, 6, 10, 18)
DEFAULT_CLUSTERS = ("threads:2", "local:2x1")


@dataclass(frozen=True)
class Case:
    """One ``daskflow bench`` invocation: a query's pipeline in one variant."""

    query: int
    variant: str  # "parquet", "in-memory", "parquet, no value checks", "out-of-core"
    mode: str
    clusters: tuple[str, ...]
    data_dir: Path
    value_checks: bool = True
    repeat: int = 3
    warmup: int = 1
    performance_report: bool = True  # one extra untimed run on distributed configs
    fresh_workers: bool = False  # restart the workers before every run (memory peaks)
    pipeline: str = ""  # its module in examples.tpch.pipelines (default ``q<query>``)

    @property
    def module(self) -> str:
        return self.pipeline or f"q{self.query}"

    @property
    def slug(self) -> str:
        variant = self.variant.replace(", ", "-").replace(" ", "-")
        return f"{self.module}-{variant}"

    @property
    def writes_intermediates(self) -> bool:
        """A persisted-intermediates variant, measured against the hand-written query
        writing the same intermediates (the out-of-core run keeps the plain one)."""
        return self.variant.startswith("parquet")

    @property
    def baseline(self) -> str:
        """The hand-written function (``examples.tpch.handwritten``) it is measured against."""
        if self.writes_intermediates:
            return f"{self.module}_writing_intermediates"
        return f"q{self.query}"

    def baseline_spec(self, scratch: Path) -> str:
        """``daskflow bench --baseline``: the function with its literal arguments."""
        args = [repr(str(self.data_dir))]
        if self.writes_intermediates:
            args.append(repr(str(scratch)))
        return f"examples.tpch.handwritten:{self.baseline}({', '.join(args)})"


@dataclass
class Settings:
    """What the command line asked for."""

    sf: float
    queries: tuple[int, ...]
    clusters: tuple[str, ...]
    repeat: int
    warmup: int
    out: Path
    large_sf: float = 0.0
    large_repeat: int = 3
    variants: tuple[str, ...] = ()  # only these variants (default: all)


def data_dir_for(sf: float) -> Path:
    return ROOT / "data" / f"tpch-sf{sf:g}"


def tpch_cases(settings: Settings, data_dir: Path) -> list[Case]:
    """The per-query variants of step 3."""
    cases = []
    common = {"data_dir": data_dir, "repeat": settings.repeat, "warmup": settings.warmup}
    for query in settings.queries:
        cases += [
            Case(query, "parquet", "default", settings.clusters, **common),
            Case(query, "in-memory", "in_memory", settings.clusters, **common),
            Case(
                query,
                "parquet, no value checks",
                "default",
                settings.clusters[:1],
                value_checks=False,
                **common,
            ),
            Case(
                query,
                "in-memory, no value checks",
                "in_memory",
                settings.clusters[:1],
                value_checks=False,
                **common,
            ),
        ]
    if 1 in settings.queries:  # the eager pattern: Q1 as a newcomer writes it
        cases += [
            Case(1, variant, mode, settings.clusters, pipeline="q1_newcomer", **common)
            for variant, mode in (("parquet", "default"), ("in-memory", "in_memory"))
        ]
    if settings.variants:
        cases = [c for c in cases if c.variant in settings.variants]
    return cases


def case_dir_for(case: Case, out: Path, sf: float) -> Path:
    return out / f"sf{sf:g}" / case.slug


def run_case(case: Case, case_dir: Path) -> Path:
    """``daskflow bench`` for one case, in its own process (clean memory peaks); what the
    hand-written baseline wrote (a new directory per call) is removed after the case."""
    scratch = Path(tempfile.mkdtemp(prefix=f"daskflow-suite-{case.slug}-"))
    try:
        return _bench_case(case, case_dir, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _bench_case(case: Case, case_dir: Path, scratch: Path) -> Path:
    case_dir.mkdir(parents=True, exist_ok=True)
    config_file = case_dir / "run_config.yaml"
    module = importlib.import_module(f"examples.tpch.pipelines.{case.module}")
    run_config = module.run_config(str(case.data_dir))
    config_file.write_text(yaml.safe_dump(run_config, sort_keys=False))
    command = [
        str(Path(sys.executable).parent / "daskflow"),
        "bench",
        "-m",
        f"examples.tpch.pipelines.{case.module}",
        "-c",
        str(config_file),
        "--mode",
        case.mode,
        "--repeat",
        str(case.repeat),
        "--warmup",
        str(case.warmup),
        "--baseline",
        case.baseline_spec(scratch),
        "--out",
        str(case_dir / "bench"),
    ]
    for cluster in case.clusters:
        command += ["--cluster", cluster]
    if not case.performance_report:
        command.append("--no-performance-report")
    if case.fresh_workers:
        command.append("--fresh-workers")
    env = {**os.environ, "DASKFLOW_TPCH_CHECKS": "on" if case.value_checks else "off"}
    print(f"\n== {case.slug}: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return case_dir / "bench"


def time_duckdb(query: int, data_dir: Path, repeat: int, warmup: int) -> list[float]:
    """Wall seconds of DuckDB answering the query (SQL on the same parquet files)."""
    from examples.tpch.reference import duckdb_answer

    times = []
    for index in range(warmup + repeat):
        start = time.perf_counter()
        duckdb_answer(query, data_dir)
        if index >= warmup:
            times.append(time.perf_counter() - start)
    return times


def run_overhead(out: Path, quick: bool) -> None:
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "overhead.py"),
        "--no-profile",
        "--out",
        str(out / "overhead"),
    ]
    if quick:
        command.append("--quick")
    print(f"\n== overhead: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def run_suite(
    settings: Settings, skip_overhead: bool, only_large: bool, quick: bool, readme: Path | None
) -> Path:
    settings.out.mkdir(parents=True, exist_ok=True)
    if not only_large:
        data_dir = tpch_data.generate(settings.sf, data_dir_for(settings.sf))
        if not skip_overhead:
            run_overhead(settings.out, quick)
        for case in tpch_cases(settings, Path(data_dir)):
            case_dir = case_dir_for(case, settings.out, settings.sf)
            run_case(case, case_dir)
            duckdb = (
                time_duckdb(case.query, case.data_dir, case.repeat, case.warmup)
                if case.variant == "parquet" and not case.pipeline
                else []
            )
            write_case(
                case_dir, case.query, case.variant, settings.sf, duckdb, case.baseline, case.module
            )
    if settings.large_sf:
        run_large(settings)
    return write_summary(settings.out, readme)


def run_large(settings: Settings) -> None:
    """Q1 at ``--large-sf`` on a 2-worker local cluster: the larger-than-memory run."""
    data_dir = tpch_data.generate(
        settings.large_sf, data_dir_for(settings.large_sf), tables=("lineitem",)
    )
    case = Case(
        1,
        "out-of-core",
        "default",
        ("local:2x1",),
        Path(data_dir),
        repeat=settings.large_repeat,
        warmup=0,
        performance_report=False,
        fresh_workers=True,
    )
    case_dir = case_dir_for(case, settings.out, settings.large_sf)
    run_case(case, case_dir)
    write_case(
        case_dir, case.query, case.variant, settings.large_sf, [], case.baseline, case.module
    )


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (1)")
    parser.add_argument("--queries", default=",".join(map(str, DEFAULT_QUERIES)))
    parser.add_argument(
        "--clusters",
        default=",".join(DEFAULT_CLUSTERS),
        help="daskflow bench --cluster specs, comma-separated",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--large-sf",
        type=float,
        default=0.0,
        help="also run Q1 at this scale factor on local:2x1 (e.g. 50)",
    )
    parser.add_argument(
        "--large-repeat",
        type=int,
        default=3,
        help="pipeline/hand-written pairs of the --large-sf run (3)",
    )
    parser.add_argument(
        "--only-large",
        action="store_true",
        help="run only the --large-sf case (keeps the other results)",
    )
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument(
        "--variants",
        default="",
        help='only these variants, separated by ";" (e.g. "in-memory; '
        'in-memory, no value checks"); default: all',
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: SF 0.1, one repetition, quick overhead"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "suite")
    parser.add_argument(
        "--no-readme",
        action="store_true",
        help="do not update benchmarks/README.md's generated section",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sf, args.repeat, args.warmup = 0.1, 1, 0
    queries = tuple(int(q) for q in args.queries.split(",") if q.strip())
    unknown = sorted(set(queries) - set(PIPELINES))
    if unknown:
        parser.error(f"no pipeline for queries {unknown}; choose from {sorted(PIPELINES)}")
    if args.only_large and not args.large_sf:
        parser.error("--only-large needs --large-sf")
    clusters = tuple(c.strip() for c in args.clusters.split(",") if c.strip())
    variants = tuple(v.strip() for v in args.variants.split(";") if v.strip())
    settings = Settings(
        args.sf,
        queries,
        clusters,
        args.repeat,
        args.warmup,
        args.out,
        args.large_sf,
        args.large_repeat,
        variants,
    )
    return settings, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    readme = None if args.no_readme else ROOT / "benchmarks" / "README.md"
    summary = run_suite(settings, args.skip_overhead, args.only_large, args.quick, readme)
    print(f"\nSummary: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
