"""The report builder: repetitions in, ``ConfigReport``/``BenchReport`` out (pure functions).

How wall time is split (for the **median repetition**: the one whose wall time is the
median, the lower of the two middle ones for an even count, so its parts add up exactly):

- Each task's compute interval is clipped to the run's ``[start, start + wall]``. The
  *busy* time is the length of the union of those intervals: the time at least one task ran.
- Every instant of busy time is shared equally among the tasks running then; a solid's
  ``wall_share`` is the sum over its tasks. The shares add up to the busy time.
- **Overhead = wall - busy**: the time no task was running, split into lead (before the
  first task), gaps (between tasks) and tail (after the last). So
  ``wall = sum of solids' wall shares + other tasks' share + overhead``, exactly.
- A solid's ``task_seconds`` is the plain sum of its tasks' durations (thread-seconds, which
  exceeds its wall share when its tasks run in parallel); ``compute = task - check - write -
  load``, the check, write and load times coming from the run's events.

Tasks map to solids by name: ``key_split`` of a key is ``<step>`` or ``<step>_write``,
``<step>_commit``, ``<step>_gather`` (Dask DataFrame solids); anything else is "other".
With in-memory hand-off a chain of Dask solids runs fused in the last one's tasks, named
after it: the run records the chain (``fused_from``), so the earlier solids' rows say which
solid's tasks did their work (``fused_into``) and that solid's row says which solids its
time includes (``includes``), instead of showing them idle.

Baseline ratios are per pair: repetition *i* of the pipeline and of the baseline ran one
after the other, and the reported ratio is the median of ``pipeline_i / baseline_i``.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from daskflow.bench._measure import TaskRecord
from daskflow.bench._model import (
    BaselineReport,
    BenchReport,
    ConfigReport,
    Overhead,
    Repetition,
    SolidRow,
    Stat,
    StepStats,
)
from daskflow.engine.task_names import step_of_task_name

__all__ = [
    "attribute",
    "build_config_report",
    "build_report",
    "median_index",
    "overhead_of",
    "pair_ratios",
    "solid_of",
    "solid_rows",
]

_ENGINE_PREFIXES = frozenset({"daskflow_run"})  # the run's payload: data, not work
OTHER = "(other tasks)"


def solid_of(prefix: str, steps: set[str] | frozenset[str]) -> str | None:
    """The step a task belongs to, from its key's prefix; None for foreign tasks.

    >>> solid_of("load_write", {"load"}), solid_of("load", {"load"}), solid_of("sum", {"load"})
    ('load', 'load', None)
    """
    if prefix in steps:
        return prefix
    step = step_of_task_name(prefix)
    return step if step in steps else None


def _clipped(
    tasks: Sequence[TaskRecord],
    start: float,
    stop: float,
) -> list[tuple[float, float]]:
    return [(max(t.start, start), min(max(t.stop, t.start), stop)) for t in tasks]


def attribute(
    tasks: Sequence[TaskRecord],
    start: float,
    stop: float,
) -> tuple[list[float], float]:
    """Each task's share of the busy time in ``[start, stop]``, and the busy time.

    >>> shares, busy = attribute([TaskRecord("a", 0, 2), TaskRecord("b", 1, 3)], 0, 4)
    >>> shares, busy
    ([1.5, 1.5], 3.0)
    """
    intervals = _clipped(tasks, start, stop)
    starting: dict[float, list[int]] = defaultdict(list)
    stopping: dict[float, list[int]] = defaultdict(list)
    for i, (begin, end) in enumerate(intervals):
        if end > begin:
            starting[begin].append(i)
            stopping[end].append(i)
    shares = [0.0] * len(intervals)
    active: set[int] = set()
    busy, previous = 0.0, None
    for moment in sorted(starting.keys() | stopping.keys()):
        if previous is not None and active:
            step = moment - previous
            busy += step
            for i in active:
                shares[i] += step / len(active)
        active.update(starting.get(moment, ()))
        active.difference_update(stopping.get(moment, ()))
        previous = moment
    return shares, busy


def overhead_of(tasks: Sequence[TaskRecord], start: float, stop: float, busy: float) -> Overhead:
    """Wall time without any task running, as lead + gaps + tail."""
    wall = max(stop - start, 0.0)
    intervals = [(b, e) for b, e in _clipped(tasks, start, stop) if e > b]
    if not intervals:
        return Overhead(wall, 1.0 if wall else 0.0, wall, 0.0, 0.0)
    first = min(b for b, _ in intervals)
    last = max(e for _, e in intervals)
    lead, tail = first - start, stop - last
    gaps = max((last - first) - busy, 0.0)
    seconds = max(wall - busy, 0.0)
    return Overhead(seconds, seconds / wall if wall else 0.0, lead, gaps, tail)


def solid_rows(
    rep: Repetition,
    solids: Sequence[str],
) -> tuple[list[SolidRow], SolidRow | None, float, Overhead]:
    """The per-solid breakdown of one repetition, its other tasks, busy time and overhead."""
    tasks = [t for t in rep.tasks if t.prefix not in _ENGINE_PREFIXES]
    shares, busy = attribute(tasks, rep.started_at, rep.stopped_at)
    known = set(solids) | set(rep.steps)
    rows = {name: SolidRow(name) for name in [*solids, *sorted(set(rep.steps) - set(solids))]}
    other = SolidRow(OTHER)
    for task, share in zip(tasks, shares, strict=True):
        name = solid_of(task.prefix, known)
        row = rows[name] if name is not None else other
        row.tasks += 1
        row.task_seconds += max(task.stop - task.start, 0.0)
        row.wall_share_seconds += share
        if name is None and task.prefix not in other.prefixes:
            other.prefixes.append(task.prefix)
    for name, row in rows.items():
        _fill_from_events(row, rep.steps.get(name))
    _mark_fused(rows, rep.steps)
    overhead = overhead_of(tasks, rep.started_at, rep.stopped_at, busy)
    overhead.build = sum(s.build_seconds for s in rep.steps.values())
    return list(rows.values()), (other if other.tasks else None), busy, overhead


def _mark_fused(rows: dict[str, SolidRow], steps: dict[str, StepStats]) -> None:
    """Link each step whose tasks ran fused upstream work with those upstream steps.

    A fused step's own ``fused_from`` (a chain inside a chain) is covered by the outermost
    step's list, which is transitive; the included solids are listed in pipeline order.
    """
    inner = {name for stats in steps.values() for name in stats.fused_from}
    order = {name: index for index, name in enumerate(rows)}
    for name, stats in steps.items():
        if name in inner or name not in rows or not stats.fused_from:
            continue
        members = sorted((m for m in stats.fused_from if m in rows), key=order.__getitem__)
        rows[name].includes = members
        for member in members:
            rows[member].fused_into.append(name)


def _fill_from_events(row: SolidRow, stats: StepStats | None) -> None:
    if stats is not None:
        row.check_seconds, row.write_seconds = stats.check_seconds, stats.write_seconds
        row.load_seconds, row.rows = stats.load_seconds, stats.rows
        row.bytes_written, row.bytes_read = stats.bytes_written, stats.bytes_read
    row.compute_seconds = max(
        row.task_seconds - row.check_seconds - row.write_seconds - row.load_seconds, 0.0
    )


def median_index(values: Sequence[float]) -> int:
    """The index of the median value (the lower middle one for an even count).

    >>> median_index([3.0, 1.0, 2.0]), median_index([4.0, 1.0, 3.0, 2.0])
    (2, 3)
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    return order[(len(values) - 1) // 2]


def pair_ratios(pipeline: Sequence[float], baseline: Sequence[float]) -> Stat | None:
    """``pipeline[i] / baseline[i]`` for each pair; median, min and max.

    >>> pair_ratios([2.0, 3.0, 10.0], [1.0, 1.0, 2.0]).median
    3.0
    """
    ratios = [p / b for p, b in zip(pipeline, baseline, strict=False) if b > 0]
    return Stat.of(ratios) if ratios else None


def _peaks(reps: Sequence[Repetition], restarted: bool = False) -> tuple[int, dict[str, int]]:
    """The coordinator's and each worker's peak over ``reps``.

    Workers are named by address, or, when they were ``restarted`` before every run (new
    addresses each time), ``worker 1``, ``worker 2``... in address order within each run.
    """
    coordinator = max((r.usage.coordinator.peak_rss for r in reps), default=0)
    workers: dict[str, int] = {}
    for rep in reps:
        for rank, address in enumerate(sorted(rep.usage.workers), start=1):
            label = f"worker {rank}" if restarted else address
            workers[label] = max(workers.get(label, 0), rep.usage.workers[address].peak_rss)
    return coordinator, workers


def _run_totals(reps: Sequence[Repetition]) -> list[int]:
    """Per repetition: the coordinator's peak plus every worker's (one sample per run)."""
    return [
        r.usage.coordinator.peak_rss + sum(w.peak_rss for w in r.usage.workers.values())
        for r in reps
    ]


def _baseline(
    runs: Sequence[Repetition], baseline: Sequence[Repetition], restarted: bool
) -> BaselineReport:
    coordinator, workers = _peaks(baseline, restarted)
    walls = [r.wall_seconds for r in baseline]
    return BaselineReport(
        Stat.of(walls),
        Stat.of([r.cpu_seconds for r in baseline]),
        coordinator,
        workers,
        pair_ratios([r.wall_seconds for r in runs], walls),
        _run_totals(baseline),
    )


def _io_totals(rep: Repetition) -> dict[str, Any]:
    """Bytes the IO managers wrote and read, and all processes' IO, in one repetition."""
    processes = [rep.usage.coordinator, *rep.usage.workers.values()]
    return {
        "io_bytes_written": sum(s.bytes_written for s in rep.steps.values()),
        "io_bytes_read": sum(s.bytes_read for s in rep.steps.values()),
        "process_bytes_read": sum(p.read_bytes for p in processes),
        "process_bytes_written": sum(p.write_bytes for p in processes),
    }


def build_config_report(  # noqa: PLR0913 (the report's optional parts are keyword-only)
    label: str,
    kind: str,
    parallelism: int,
    runs: Sequence[Repetition],
    solids: Sequence[str],
    *,
    baseline: Sequence[Repetition] | None = None,
    performance_report: str | None = None,
    workers_restarted: bool = False,
) -> ConfigReport:
    """Aggregate one config's timed repetitions (and the baseline's, paired by index)."""
    if not runs:
        raise ValueError(f"no repetitions for {label}")
    walls = [r.wall_seconds for r in runs]
    rep = runs[middle := median_index(walls)]
    rows, other, busy, overhead = solid_rows(rep, solids)
    task_seconds = sum(r.task_seconds for r in rows) + (other.task_seconds if other else 0.0)
    coordinator, workers = _peaks(runs, workers_restarted)
    return ConfigReport(
        label=label,
        kind=kind,
        parallelism=parallelism,
        wall=Stat.of(walls),
        cpu=Stat.of([r.cpu_seconds for r in runs]),
        busy_seconds=busy,
        task_seconds=task_seconds,
        utilisation=task_seconds / (rep.wall_seconds * parallelism) if rep.wall_seconds else 0,
        overhead=overhead,
        median_repetition=middle,
        coordinator_peak_rss=coordinator,
        worker_peak_rss=workers,
        peak_rss_per_run=_run_totals(runs),
        **_io_totals(rep),
        solids=rows,
        other=other,
        baseline=_baseline(runs, baseline, workers_restarted) if baseline else None,
        performance_report=performance_report,
        run_ids=[r.run_id for r in runs if r.run_id],
    )


def environment() -> dict[str, Any]:
    """Versions and machine facts a reader needs to compare reports."""
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for package in ("daskflow", "dask", "distributed", "pandas", "pyarrow"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        **versions,
    }


def build_report(  # noqa: PLR0913 (the report's optional parts are keyword-only)
    pipeline: str,
    mode: str,
    repeat: int,
    warmup: int,
    configs: Sequence[ConfigReport],
    *,
    baseline: str | None = None,
    fresh_workers: bool = False,
) -> BenchReport:
    """The whole report (creation time and environment filled in)."""
    created = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return BenchReport(
        pipeline,
        mode,
        repeat,
        warmup,
        list(configs),
        baseline,
        created,
        environment(),
        fresh_workers=fresh_workers,
    )
