"""The benchmark's data: raw repetitions in, ``BenchReport`` out, and the report as JSON.

``Repetition`` is what one timed run measured; ``BenchReport`` (with a ``ConfigReport`` per
execution config) is what the report builder makes of them. ``BenchReport.to_dict`` /
``from_dict`` round-trip through JSON.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from daskflow.bench._measure import TaskRecord, Usage

__all__ = [
    "BaselineReport",
    "BenchReport",
    "ConfigReport",
    "Overhead",
    "Repetition",
    "SolidRow",
    "Stat",
    "StepStats",
]


@dataclass
class StepStats:
    """What a run's events say about one step (solid)."""

    rows: int | None = None  # rows of its dataframe outputs (type checks' row counts)
    bytes_written: int = 0  # by IO managers (their "bytes" metadata)
    bytes_read: int = 0  # stored upstream outputs it loaded (their written size)
    check_seconds: float = 0.0  # type checks inside its tasks
    write_seconds: float = 0.0  # IO manager writes (partition writes for Dask solids)
    load_seconds: float = 0.0  # IO manager reads of eager inputs
    partitions: int = 0  # partitions written (Dask DataFrame solids)
    build_seconds: float = 0.0  # building a Dask DataFrame solid's graph on the coordinator
    lazy: bool = False  # a Dask DataFrame solid
    # in-memory upstream steps whose work ran inside this step's tasks (named after it)
    fused_from: list[str] = field(default_factory=list)


@dataclass
class Repetition:
    """One timed run: a pipeline run (``run_id``, ``steps``) or a call of the baseline."""

    wall_seconds: float
    started_at: float  # time.time() when it started
    usage: Usage = field(default_factory=Usage)
    tasks: list[TaskRecord] = field(default_factory=list)
    steps: dict[str, StepStats] = field(default_factory=dict)
    run_id: str | None = None

    @property
    def stopped_at(self) -> float:
        return self.started_at + self.wall_seconds

    @property
    def cpu_seconds(self) -> float:
        usage = self.usage
        return usage.coordinator.cpu_seconds + sum(w.cpu_seconds for w in usage.workers.values())


@dataclass
class Stat:
    """Median, min and max of some repetitions' values (in the order they ran)."""

    median: float
    min: float
    max: float
    values: list[float] = field(default_factory=list)

    @staticmethod
    def of(values: Sequence[float]) -> Stat:
        if not values:
            return Stat(0.0, 0.0, 0.0, [])
        return Stat(statistics.median(values), min(values), max(values), list(values))


@dataclass
class SolidRow:
    """One solid's share of the median repetition (task time split by what it spent on)."""

    solid: str
    tasks: int = 0
    task_seconds: float = 0.0  # sum of its tasks' durations (thread-seconds)
    compute_seconds: float = 0.0  # task_seconds - check - write - load
    check_seconds: float = 0.0
    write_seconds: float = 0.0
    load_seconds: float = 0.0
    wall_share_seconds: float = 0.0  # its share of the busy wall time (see Overhead)
    rows: int | None = None
    bytes_written: int = 0
    bytes_read: int = 0
    prefixes: list[str] = field(default_factory=list)  # for the "other tasks" row
    # In-memory hand-off fuses a chain of Dask solids into the last one's tasks (their keys
    # carry its name): the earlier solids have no tasks of their own and name the solid(s)
    # whose tasks did their work; that solid's time includes theirs.
    fused_into: list[str] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)


@dataclass
class Overhead:
    """Wall time during which no task ran: ``seconds = lead + gaps + tail``.

    ``lead``: from the call until the first task started (config, plan, building Dask
    DataFrame solids on the coordinator, graph submission); ``gaps``: idle time between the
    first task's start and the last task's end; ``tail``: from the last task's end until the
    call returned (results, events, resource teardown, storage).
    """

    seconds: float = 0.0
    fraction: float = 0.0  # of the wall time
    lead: float = 0.0
    gaps: float = 0.0
    tail: float = 0.0
    build: float = 0.0  # part of lead: Dask DataFrame solids built on the coordinator


@dataclass
class BaselineReport:
    """The baseline function's repetitions, paired with the pipeline's."""

    wall: Stat
    cpu: Stat
    coordinator_peak_rss: int = 0
    worker_peak_rss: dict[str, int] = field(default_factory=dict)
    ratio: Stat | None = None  # pipeline wall / baseline wall, per interleaved pair
    peak_rss_per_run: list[int] = field(default_factory=list)  # coordinator + workers


@dataclass
class ConfigReport:
    """Everything measured on one execution config."""

    label: str
    kind: str
    parallelism: int
    wall: Stat
    cpu: Stat
    busy_seconds: float = 0.0  # union of task intervals in the median repetition
    task_seconds: float = 0.0  # sum of task durations in the median repetition
    utilisation: float = 0.0  # task_seconds / (wall * parallelism)
    overhead: Overhead = field(default_factory=Overhead)
    median_repetition: int = 0  # index (0-based, among timed runs) the breakdown is of
    coordinator_peak_rss: int = 0  # max over repetitions
    worker_peak_rss: dict[str, int] = field(default_factory=dict)  # max over repetitions
    peak_rss_per_run: list[int] = field(default_factory=list)  # coordinator + workers, each run
    io_bytes_written: int = 0  # by IO managers (median repetition)
    io_bytes_read: int = 0  # stored outputs loaded by downstream solids (an upper bound)
    process_bytes_read: int = 0  # read() characters, coordinator + workers
    process_bytes_written: int = 0
    solids: list[SolidRow] = field(default_factory=list)
    other: SolidRow | None = None  # tasks no solid's name matches
    baseline: BaselineReport | None = None
    performance_report: str | None = None
    run_ids: list[str] = field(default_factory=list)

    @property
    def workers_peak_rss_total(self) -> int:
        return sum(self.worker_peak_rss.values())


@dataclass
class BenchReport:
    """A benchmark of one pipeline over one or more execution configs."""

    pipeline: str
    mode: str
    repeat: int
    warmup: int
    configs: list[ConfigReport]
    baseline: str | None = None
    created: str = ""
    environment: dict[str, Any] = field(default_factory=dict)
    charts: list[str] = field(default_factory=list)
    fresh_workers: bool = False  # distributed workers restarted before every run

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> BenchReport:
        values = dict(data)
        values["configs"] = [_config_from_dict(c) for c in data["configs"]]
        return BenchReport(**values)


def _build(cls: type, data: dict[str, Any] | None) -> Any:
    if data is None:
        return None
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def _config_from_dict(data: dict[str, Any]) -> ConfigReport:
    values = dict(data)
    values["wall"] = _build(Stat, data["wall"])
    values["cpu"] = _build(Stat, data["cpu"])
    values["overhead"] = _build(Overhead, data["overhead"])
    values["solids"] = [_build(SolidRow, s) for s in data["solids"]]
    values["other"] = _build(SolidRow, data.get("other"))
    baseline = data.get("baseline")
    if baseline is not None:
        baseline = dict(baseline)
        baseline["wall"] = _build(Stat, baseline["wall"])
        baseline["cpu"] = _build(Stat, baseline["cpu"])
        baseline["ratio"] = _build(Stat, baseline.get("ratio"))
        values["baseline"] = _build(BaselineReport, baseline)
    return _build(ConfigReport, values)
