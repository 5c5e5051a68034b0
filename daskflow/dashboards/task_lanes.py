"""The Dask task stream under the steps' Gantt: one lane per worker thread, each task a
bar on the same time axis as the steps, coloured by the solid its key belongs to (task
keys are ``<solid>-<token>``, ``<solid>_write-…``, ``<solid>_commit-…`` and the like).

>>> tasks = [{"key": "('a-1f', 0)", "worker": "tcp://h:1", "thread": 7, "start": 11.0,
...           "stop": 12.0}]
>>> lanes = task_lanes(tasks, start=10.0, span=4.0)
>>> [(lane.label, [(t.solid, t.left, t.width) for t in lane.tasks]) for lane in lanes]
[('tcp://h:1 · thread 1', [('a', 25.0, 25.0)])]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dask.utils import key_split

from daskflow.engine.task_names import step_of_task_name

__all__ = ["Lane", "LaneTask", "task_lanes"]

MAX_DRAWN = 5_000  # tasks drawn on a page; a longer stream is cut (and said so)
_MIN_WIDTH = 0.15
_COLOURS = 8
_PAYLOAD = "daskflow_run-"
# Task names of a Dask DataFrame step besides its own: reading inputs, checking and writing
# partitions, committing the output, gathering values for pandas consumers.


@dataclass(frozen=True)
class LaneTask:
    key: str
    solid: str
    colour: int
    left: float
    width: float
    seconds: float


@dataclass(frozen=True)
class Lane:
    label: str
    tasks: list[LaneTask]


def _solid(key: str) -> str:
    return step_of_task_name(key_split(key))


def task_lanes(tasks: Sequence[dict[str, Any]], start: float | None, span: float) -> list[Lane]:
    """Lanes of ``tasks`` placed as percentages of ``[start, start + span]``."""
    if start is None or span <= 0 or not tasks:
        return []
    solids = sorted({_solid(str(t["key"])) for t in tasks})
    colour = {name: index % _COLOURS for index, name in enumerate(solids)}
    threads: dict[tuple[str, Any], list[LaneTask]] = {}
    for task in list(tasks)[:MAX_DRAWN]:
        key = str(task["key"])
        if key.startswith(_PAYLOAD):
            continue  # the run's payload, shipped to every worker: not work of a solid
        left = max(0.0, 100 * (float(task["start"]) - start) / span)
        width = max(100 * (float(task["stop"]) - float(task["start"])) / span, _MIN_WIDTH)
        solid = _solid(key)
        lane = threads.setdefault((str(task["worker"]), task.get("thread")), [])
        lane.append(
            LaneTask(
                key,
                solid,
                colour[solid],
                round(left, 3),
                round(min(width, 100 - left), 3),
                float(task["stop"]) - float(task["start"]),
            )
        )
    lanes = []
    numbers: dict[str, int] = {}
    for (worker, _thread), drawn in sorted(threads.items(), key=lambda item: str(item[0])):
        numbers[worker] = numbers.get(worker, 0) + 1
        lanes.append(Lane(f"{worker} · thread {numbers[worker]}", drawn))
    return lanes
