"""``daskflow bench``: time a pipeline over execution configs, with an optional baseline.

Exit codes: 0 the benchmark ran and its report was written, 1 a run (or the baseline)
failed, 2 bad usage or config (nothing was run).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from daskflow.bench import (
    BaselineError,
    BenchClusterError,
    BenchReport,
    BenchRunError,
    ClusterSpec,
    load_baseline,
    parse_cluster,
    print_report,
    run_benchmark,
    write_report,
)
from daskflow.cli.common import EXIT_FAILURE, fail, make_console, open_instance
from daskflow.cli.pipeline_commands import (
    RunRequest,
    definition_errors_exit,
    run_options,
    target_options,
)

__all__ = ["bench"]


def _run(request: RunRequest, keep_runs: bool, options: dict[str, Any]) -> BenchReport:
    """``run_benchmark`` with a progress bar; a failed run exits 1, a bad cluster 2."""
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    try:
        with _instance(keep_runs) as instance, _progress() as progress:
            return run_benchmark(
                request.pipeline,
                request.run_config,
                mode=request.mode,
                solid_selection=request.solid_selection,
                instance=instance,
                progress=progress,
                **options,
            )
    except BenchRunError as exc:
        fail(str(exc), EXIT_FAILURE)
    except BenchClusterError as exc:  # the run config's execution block is a cluster class
        raise click.UsageError(str(exc)) from exc


def _clusters(specs: tuple[str, ...]) -> list[ClusterSpec]:
    try:
        return [parse_cluster(spec) for spec in specs]
    except BenchClusterError as exc:
        raise click.UsageError(f"--cluster: {exc}") from exc


def _baseline(spec: str | None) -> Callable[[], Any] | None:
    if spec is None:
        return None
    try:
        return load_baseline(spec)
    except BaselineError as exc:
        raise click.UsageError(f"--baseline: {exc}") from exc


@contextlib.contextmanager
def _progress() -> Iterator[Any]:
    """A progress bar on stderr; yields the ``progress(description, done, total)`` hook."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        yield update


@contextlib.contextmanager
def _instance(keep_runs: bool) -> Iterator[Any]:
    if not keep_runs:
        yield None  # run_benchmark uses a throwaway instance
        return
    with open_instance() as instance:
        yield instance


def _default_out(pipeline_name: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / f"bench-{pipeline_name}-{stamp}"


@click.command("bench")
@target_options
@run_options
@click.option(
    "--cluster",
    "clusters",
    multiple=True,
    metavar="SPEC",
    help="Execution config (repeatable): in_process, threads, threads:N, local:WxT "
    "(a LocalCluster of W workers x T threads, started once) or "
    "address:tcp://host:port. Default: the run config's execution block.",
)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Timed runs per config.",
)
@click.option(
    "--warmup",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Untimed runs per config before the timed ones.",
)
@click.option(
    "--baseline",
    metavar="MODULE:FUNCTION",
    help="A zero-argument function timed the same way, interleaved with the "
    "pipeline's runs, on the same scheduler; literal arguments may be bound: "
    "'pkg.mod:fn(\"data\")'.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Directory for report.json, report.md and charts (default: ./bench-<pipeline>-<time>).",
)
@click.option("--no-charts", is_flag=True, help="Skip the PNG charts (no matplotlib needed).")
@click.option(
    "--no-performance-report",
    is_flag=True,
    help="Skip the extra run collecting Dask's performance report.",
)
@click.option(
    "--fresh-workers",
    is_flag=True,
    help="Restart a cluster's workers before every run (untimed), so each run's "
    "worker peak memory is measured from new processes.",
)
@click.option(
    "--keep-runs",
    is_flag=True,
    help="Store the runs in DASKFLOW_HOME instead of a throwaway instance.",
)
@definition_errors_exit
def bench(  # noqa: PLR0913 (click passes its options by keyword)
    *,
    clusters: tuple[str, ...],
    repeat: int,
    warmup: int,
    baseline: str | None,
    out_dir: str | None,
    no_charts: bool,
    no_performance_report: bool,
    keep_runs: bool,
    fresh_workers: bool,
    **kwargs: Any,
) -> None:
    """Time a pipeline on one or more execution configs and write a report.

    Prints wall time (median, min, max), CPU, peak memory of the coordinator and workers,
    IO-manager bytes and a per-solid breakdown (task time split into compute, type checks,
    writes and reads; overhead = wall time during which no task ran), and writes
    report.json, report.md, PNG charts and, on distributed configs, Dask's performance
    report to --out.
    """
    request = RunRequest(**kwargs)
    request.check_config()
    out = Path(out_dir) if out_dir else _default_out(request.pipeline.name)
    options = dict(
        clusters=_clusters(clusters) or None,
        repeat=repeat,
        warmup=warmup,
        baseline=_baseline(baseline),
        baseline_name=baseline,
        performance_report=not no_performance_report,
        artifacts_dir=out,
        fresh_workers=fresh_workers,
    )
    report = _run(request, keep_runs, options)
    written = write_report(report, out, charts=not no_charts)
    console = make_console()
    print_report(report, console)
    files = [written.json, written.markdown, *written.charts, *written.performance_reports]
    console.print(f"Wrote {', '.join(p.name for p in files)} to {written.directory}")
