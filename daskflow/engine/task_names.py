"""How the engine names the Dask tasks of a step, and the step a task's name belongs to.

A step's tasks are keyed ``<solid>-<token>`` (the solid's own work) or
``<solid><suffix>-<token>`` for the engine's tasks around it: Dask's ``key_split`` turns
either into the name the dashboard, ``daskflow bench`` and the web UI group by.

>>> step_of_task_name("load_write"), step_of_task_name("load"), step_of_task_name("sum_start")
('load', 'load', 'sum')
"""

from __future__ import annotations

__all__ = ["TASK_SUFFIXES", "step_of_task_name"]

# _write: a partition checked and written; _check: a referenced source's partition checked;
# _commit: a Dask DataFrame step finished; _gather: an in-memory output collected;
# _hand: an in-memory output's partitions handed to a deferred step; _start: a Dask step's
# start (its build events); _load / _result: values read for a deferred (eager) step.
TASK_SUFFIXES = (
    "_write",
    "_check",
    "_commit",
    "_gather",
    "_hand",
    "_start",
    "_load",
    "_result",
)


def step_of_task_name(name: str) -> str:
    """The step of a task named ``name`` (a key's ``key_split``): the name less its suffix."""
    for suffix in TASK_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
