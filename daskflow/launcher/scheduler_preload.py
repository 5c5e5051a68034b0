"""A Dask scheduler preload: start recording the task stream when the scheduler starts.

The scheduler only records its task stream once somebody asks for it, and a launched
run's watcher can only ask once the run's events reach it (after the graph is
submitted), so the first tasks would be missing. ``execute_launched_run`` names this
module in ``distributed.scheduler.preload`` for the clusters a run starts in its process.
"""

from __future__ import annotations

from distributed import Scheduler
from distributed.diagnostics.task_stream import TaskStreamPlugin

__all__ = ["PRELOAD", "dask_setup"]

PRELOAD = __name__


def dask_setup(scheduler: Scheduler) -> None:
    if TaskStreamPlugin.name not in scheduler.plugins:
        scheduler.add_plugin(TaskStreamPlugin(scheduler))
