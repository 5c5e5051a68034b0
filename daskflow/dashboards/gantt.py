"""The Gantt of a run's steps: one bar per step from its first start to its end (or now,
while it runs), placed as fractions of the run's time span.

>>> from daskflow.instance import StepStats, StepStatus
>>> stats = [StepStats("a", "a", StepStatus.SUCCESS, 10.0, 12.0, 1),
...          StepStats("b", "b", StepStatus.IN_PROGRESS, 11.0, None, 1)]
>>> chart = gantt(stats, run_start=10.0, run_end=None, now=14.0)
>>> [(b.step_key, b.left, b.width) for b in chart.bars]
[('a', 0.0, 50.0), ('b', 25.0, 75.0)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from daskflow.instance import StepStats

__all__ = ["Bar", "Gantt", "gantt"]

_MIN_WIDTH = 0.4  # percent: a step of a few milliseconds stays visible


@dataclass(frozen=True)
class Bar:
    step_key: str
    status: str
    left: float  # percent of the span
    width: float
    start: float | None
    end: float | None
    attempts: int


@dataclass(frozen=True)
class Gantt:
    start: float | None
    span: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]


def _ticks(span: float) -> list[tuple[float, str]]:
    if span <= 0:
        return []
    step = next((s for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 600) if span / s <= 8), 3600)
    count = int(span / step)
    return [(100 * i * step / span, f"{i * step:g}s") for i in range(count + 1)]


def gantt(
    stats: Iterable[StepStats], run_start: float | None, run_end: float | None, now: float
) -> Gantt:
    steps = list(stats)
    starts = [s.start_time for s in steps if s.start_time is not None]
    start = run_start if run_start is not None else (min(starts) if starts else None)
    if start is None:
        return Gantt(
            None,
            0.0,
            [Bar(s.step_key, s.status.value, 0, 0, None, None, s.attempts) for s in steps],
            [],
        )
    end = run_end if run_end is not None else now
    ends = [s.end_time for s in steps if s.end_time is not None]
    span = max([end - start, *(e - start for e in ends), 1e-9])
    bars = []
    for step in steps:
        if step.start_time is None:
            bars.append(Bar(step.step_key, step.status.value, 0, 0, None, None, step.attempts))
            continue
        finish = step.end_time if step.end_time is not None else end
        left = 100 * (step.start_time - start) / span
        width = max(100 * (finish - step.start_time) / span, _MIN_WIDTH)
        bars.append(
            Bar(
                step.step_key,
                step.status.value,
                round(left, 3),
                round(min(width, 100 - left), 3),
                step.start_time,
                step.end_time,
                step.attempts,
            )
        )
    return Gantt(start, span, bars, _ticks(span))
