"""Which steps a re-execution from failure runs: derived from the plan and what is stored.

Every step of the line's (sub-)pipeline is decided by the nearest run of the line (the
parent, then its ancestors) that planned it: a re-execution plans its step selection, the
run that started the line plans all of its steps. The step is *committed* there, and
reused, if it succeeded or if every output it must produce was stored (``HANDLED_OUTPUT``;
a coordinator killed between storing an output and the step's success loses nothing).
Everything else is re-run: failed, skipped and canceled steps, steps that were running
when the coordinator died, and steps no run ever started. This does not depend on which
step events happened to be written before a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from daskflow.events import DaskflowEventType, StepStatus

if TYPE_CHECKING:
    from daskflow.definitions.graph import DependencyGraph
    from daskflow.instance import DaskflowInstance, RunRecord

__all__ = ["required_outputs", "uncommitted_steps"]


def required_outputs(graph: DependencyGraph, step_keys: set[str]) -> dict[str, frozenset[str]]:
    """Per step, the outputs it must produce (required, not ``Nothing``)."""
    return {
        key: frozenset(
            o.name
            for o in graph.node(key).definition.output_defs
            if o.is_required and not o.daskflow_type.is_nothing
        )
        for key in step_keys
    }


def uncommitted_steps(
    instance: DaskflowInstance,
    parent: RunRecord,
    required: Mapping[str, frozenset[str]],
    parent_of: Callable[[str], RunRecord],
) -> set[str]:
    """The steps of ``required`` (step -> outputs it must produce) that the line of runs
    ending at ``parent`` did not commit."""
    undecided = set(required)
    rerun: set[str] = set()
    run: RunRecord | None = parent
    while undecided and run is not None:
        planned = undecided if run.step_selection is None else undecided & set(run.step_selection)
        if planned:
            committed = _committed(instance, run.run_id, {k: required[k] for k in planned})
            rerun |= planned - committed
            undecided -= planned
        run = parent_of(run.parent_run_id) if run.parent_run_id else None
    return rerun | undecided  # planned by no run of the line: never ran


def _committed(
    instance: DaskflowInstance, run_id: str, required: Mapping[str, frozenset[str]]
) -> set[str]:
    stats = instance.event_storage.get_step_stats(run_id)
    handled: dict[str, set[str]] = {}
    for stored in instance.event_storage.get_events(
        run_id, event_types=[DaskflowEventType.HANDLED_OUTPUT]
    ):
        record = stored.record
        if record.step_key is not None:
            handled.setdefault(record.step_key, set()).add(str(record.data.get("output_name")))
    committed = set()
    for key, outputs in required.items():
        status = stats[key].status if key in stats else None
        if status is StepStatus.SUCCESS:
            committed.add(key)
        elif status is StepStatus.IN_PROGRESS and outputs and outputs <= handled.get(key, set()):
            committed.add(key)  # its outputs were stored; its success event was not
    return committed
