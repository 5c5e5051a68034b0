"""The repetition loop: warm-up runs, timed runs interleaved with the baseline, per config.

For each execution config (started once, before any timing): ``warmup`` untimed pairs,
then ``repeat`` timed pairs. A pair is one pipeline run and, with a baseline, one call of
it; the order inside a pair alternates (pipeline first in even pairs, baseline first in odd
ones) so neither side always profits from a warm cache. Only ``execute_pipeline`` (or the
baseline call) is inside the timer; samplers and task-stream collection start before it
and are read after it. On a distributed config one more, untimed, run collects Dask's
performance report (building it takes seconds, which would distort a timed run).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daskflow.bench._clusters import (
    ClusterSpec,
    OpenCluster,
    open_cluster,
    parse_cluster,
    spec_from_execution,
)
from daskflow.bench._events import step_stats
from daskflow.bench._measure import capture_tasks, measure_usage
from daskflow.bench._model import BenchReport, ConfigReport, Repetition
from daskflow.bench._report import build_config_report, build_report
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.api import execute_pipeline
from daskflow.engine.result import PipelineExecutionResult
from daskflow.errors import DaskflowError
from daskflow.events import DaskflowEventType
from daskflow.instance import DaskflowInstance

__all__ = ["BenchRunError", "Progress", "run_benchmark"]

# progress(description, done, total): called before each run and once when all are done.
Progress = Callable[[str, int, int], None]


class BenchRunError(DaskflowError, RuntimeError):
    """A pipeline run (or the baseline) failed during the benchmark."""


@dataclass
class _Target:
    pipeline: PipelineDefinition
    run_config: dict[str, Any]
    mode: str | None
    solid_selection: Sequence[str] | None
    instance: DaskflowInstance
    owned_instance: bool


class _Counter:
    def __init__(self, total: int, progress: Progress | None):
        self.done, self.total, self._progress = 0, total, progress

    def step(self, description: str) -> None:
        if self._progress is not None:
            self._progress(description, self.done, self.total)
        self.done += 1

    def finish(self) -> None:
        if self._progress is not None:
            self._progress("done", self.total, self.total)


def run_benchmark(  # noqa: PLR0913 (public API: options are keyword-only)
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    *,
    mode: str | None = None,
    solid_selection: Sequence[str] | None = None,
    clusters: Sequence[str | ClusterSpec] | None = None,
    repeat: int = 3,
    warmup: int = 1,
    baseline: Callable[[], Any] | None = None,
    baseline_name: str | None = None,
    instance: DaskflowInstance | None = None,
    performance_report: bool = True,
    artifacts_dir: str | Path | None = None,
    progress: Progress | None = None,
    fresh_workers: bool = False,
) -> BenchReport:
    """Benchmark ``pipeline`` on each of ``clusters`` (specs such as ``"threads:4"``,
    ``"local:2x1"``, ``"address:tcp://host:8786"``; default: the run config's ``execution:``)
    and return the report. ``baseline``, a zero-argument callable, is timed the same way,
    interleaved with the runs, on the same scheduler. Without ``instance`` runs go to a
    throwaway instance. Performance reports are copied to ``artifacts_dir`` (default: a new
    temporary directory). ``fresh_workers`` restarts the workers before every run."""
    if repeat < 1 or warmup < 0:
        raise ValueError("repeat must be >= 1 and warmup >= 0")
    run_config = dict(run_config or {})
    specs = [parse_cluster(c) if isinstance(c, str) else c for c in clusters or ()]
    specs = specs or [spec_from_execution(run_config.get("execution"))]
    artifacts = Path(artifacts_dir or tempfile.mkdtemp(prefix="daskflow-bench-"))
    plan = _Plan(repeat, warmup, fresh_workers, baseline, performance_report, artifacts)
    counter = _Counter(plan.run_count(specs), progress)
    with _instance(instance) as (chosen, owned):
        target = _Target(pipeline, run_config, mode, solid_selection, chosen, owned)
        configs = [_bench_config(target, spec, plan, counter) for spec in specs]
    counter.finish()
    named = baseline_name or _callable_name(baseline)
    header = (pipeline.name, pipeline.get_mode(mode).name, repeat, warmup)
    return build_report(*header, configs, baseline=named, fresh_workers=fresh_workers)


@contextlib.contextmanager
def _instance(instance: DaskflowInstance | None) -> Iterator[tuple[DaskflowInstance, bool]]:
    if instance is not None:
        yield instance, False
        return
    with DaskflowInstance.ephemeral() as ephemeral:
        yield ephemeral, True


def _callable_name(fn: Callable[..., Any] | None) -> str | None:
    if fn is None:
        return None
    return f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', repr(fn))}"


@dataclass(frozen=True)
class _Plan:
    """What runs on every config: how many runs, whether each starts on new worker
    processes, the baseline, and whether (and where) Dask's performance report is kept."""

    repeat: int
    warmup: int
    fresh_workers: bool
    baseline: Callable[[], Any] | None
    performance_report: bool
    artifacts: Path

    def run_count(self, specs: Sequence[ClusterSpec]) -> int:
        """Runs (and baseline calls) over all configs, performance-report runs included."""
        per_config = (self.warmup + self.repeat) * (2 if self.baseline else 1)
        extra = sum(1 for s in specs if s.distributed and self.performance_report)
        return per_config * len(specs) + extra


def _bench_config(
    target: _Target, spec: ClusterSpec, plan: _Plan, counter: _Counter
) -> ConfigReport:
    runs: list[Repetition] = []
    baseline_runs: list[Repetition] = []
    repeat, warmup, baseline = plan.repeat, plan.warmup, plan.baseline
    with open_cluster(spec) as cluster:
        for index in range(warmup + repeat):
            timed = index >= warmup
            what = f"rep {index - warmup + 1}/{repeat}" if timed else f"warm-up {index + 1}"
            for kind in _pair_order(index - warmup if timed else index, baseline is not None):
                counter.step(f"{spec.label}: {kind} {what}")
                with _run_cluster(plan, cluster) as run_cluster:
                    rep = (
                        _pipeline_once(target, run_cluster)
                        if kind == "pipeline"
                        else _baseline_once(baseline, run_cluster)
                    )
                if timed:
                    (runs if kind == "pipeline" else baseline_runs).append(rep)
        report_path = None
        if spec.distributed and plan.performance_report:
            counter.step(f"{spec.label}: performance report run")
            report_path = _performance_report(target, cluster, plan.artifacts)
        solids = _solid_order(target, runs)
    return build_config_report(
        spec.label,
        spec.kind,
        cluster.parallelism,
        runs,
        solids,
        baseline=baseline_runs or None,
        performance_report=report_path,
        workers_restarted=plan.fresh_workers and cluster.client is not None,
    )


@contextlib.contextmanager
def _run_cluster(plan: _Plan, shared: OpenCluster) -> Iterator[OpenCluster]:
    """The cluster one run uses: the config's own, or with ``fresh_workers`` new worker
    processes: a new ``LocalCluster`` for ``local:WxT`` (restarting a LocalCluster that
    lives in this process sometimes loses a nanny for good under load), a restart of the
    workers of a cluster reached by address. Starting them is never timed."""
    if not plan.fresh_workers or shared.client is None:
        yield shared
    elif shared.spec.kind == "local":
        with open_cluster(shared.spec) as fresh:
            yield fresh
    else:
        shared.client.restart()
        yield shared


def _pair_order(index: int, with_baseline: bool) -> list[str]:
    if not with_baseline:
        return ["pipeline"]
    return ["pipeline", "baseline"] if index % 2 == 0 else ["baseline", "pipeline"]


def _inputs(pipeline: PipelineDefinition) -> dict[str, list[str]]:
    return {
        node.name: [str(ref) for refs in node.inputs.values() for ref in refs]
        for node in pipeline.solids
    }


def _solid_order(target: _Target, runs: Sequence[Repetition]) -> list[str]:
    ran = set().union(*(r.steps for r in runs)) if runs else set()
    ordered = [n.name for n in target.pipeline.solids if n.name in ran]
    return ordered + sorted(ran - set(ordered))


def _execute(
    target: _Target, cluster: OpenCluster, performance_report: bool = False
) -> PipelineExecutionResult:
    config = {**target.run_config, "execution": cluster.execution(performance_report)}
    return execute_pipeline(
        target.pipeline,
        config,
        mode=target.mode,
        solid_selection=target.solid_selection,
        instance=target.instance,
        raise_on_error=False,
    )


def _pipeline_once(target: _Target, cluster: OpenCluster) -> Repetition:
    with measure_usage(cluster.client) as usage, capture_tasks(cluster.client) as tasks:
        started, clock = time.time(), time.perf_counter()
        result = _execute(target, cluster)
        wall = time.perf_counter() - clock
    _check(result, cluster)
    _forget_outputs(target, result.run_id)
    return Repetition(
        wall,
        started,
        usage,
        tasks,
        step_stats(result.events, _inputs(target.pipeline)),
        result.run_id,
    )


def _baseline_once(baseline: Callable[[], Any] | None, cluster: OpenCluster) -> Repetition:
    assert baseline is not None
    with (
        measure_usage(cluster.client) as usage,
        capture_tasks(cluster.client) as tasks,
        cluster.as_default_scheduler(),
    ):
        started, clock = time.time(), time.perf_counter()
        try:
            baseline()
        except Exception as exc:
            raise BenchRunError(
                f"the baseline {_callable_name(baseline)} failed on "
                f"{cluster.label}: {type(exc).__name__}: {exc}"
            ) from exc
        wall = time.perf_counter() - clock
    return Repetition(wall, started, usage, tasks)


def _check(result: PipelineExecutionResult, cluster: OpenCluster) -> None:
    if result.success:
        return
    failures = [
        e.message
        for e in result.events
        if e.event_type in (DaskflowEventType.STEP_FAILURE, DaskflowEventType.PIPELINE_FAILURE)
    ]
    raise BenchRunError(
        f"run {result.run_id} failed on {cluster.label}: "
        + ("; ".join(failures) or "no failure event")
    )


def _forget_outputs(target: _Target, run_id: str) -> None:
    """Delete a run's intermediates when they live in the benchmark's throwaway instance."""
    if not target.owned_instance:
        return
    storage = Path(str(target.instance.storage_dir))
    if storage.is_dir():
        shutil.rmtree(storage / run_id, ignore_errors=True)


def _performance_report(target: _Target, cluster: OpenCluster, artifacts: Path) -> str | None:
    result = _execute(target, cluster, performance_report=True)
    _check(result, cluster)
    _forget_outputs(target, result.run_id)
    for event in result.events:
        source = (event.data or {}).get("performance_report")
        if source and Path(source).is_file():
            artifacts.mkdir(parents=True, exist_ok=True)
            name = f"performance-{re.sub(r'[^A-Za-z0-9_.-]+', '_', cluster.label)}.html"
            shutil.copyfile(source, artifacts / name)
            return str(artifacts / name)
    return None
