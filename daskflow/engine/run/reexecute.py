"""Re-execution: run again the steps of a parent run whose outputs were not committed
(``resume.py``: failed, skipped, canceled, interrupted, never started), or chosen steps,
loading the outputs of the other steps from where the parent (or its ancestors) stored
them, instead of recomputing them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from daskflow.definitions.graph import DependencyGraph
from daskflow.engine.planning.plan import MISSING, ExecutionPlan, build_plan
from daskflow.engine.planning.selection import select_solids
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.engine.run.launch import check_stores_fit_scheduler, create_coordinator
from daskflow.engine.run.resume import required_outputs, uncommitted_steps
from daskflow.errors import DaskflowInvalidDefinitionError, DaskflowRunNotFoundError
from daskflow.events import DaskflowEventType, RunStatus
from daskflow.run_config import resolve_run_config

if TYPE_CHECKING:
    from daskflow.definitions.pipeline import PipelineDefinition
    from daskflow.instance import DaskflowInstance, RunRecord
    from daskflow.run_config import ResolvedRunConfig

__all__ = [
    "Reexecution",
    "plan_reexecution",
    "prepare_reexecution",
    "select_reexecution_steps",
]


@dataclass(frozen=True)
class Reexecution:
    """What ``reexecute_pipeline`` was asked: which run to re-execute, and which steps.

    Without ``step_selection``: the parent's failed and skipped steps (``from_failure``),
    or all of its steps. Without ``run_config``: the parent's.
    """

    pipeline: PipelineDefinition
    parent_run_id: str
    from_failure: bool = True
    step_selection: Sequence[str] | None = None
    run_config: Mapping[str, Any] | None = None


def _parent(instance: DaskflowInstance, run_id: str) -> RunRecord:
    record = instance.run_storage.get_run(run_id)
    if record is None:
        raise DaskflowRunNotFoundError(run_id, repr(instance))
    return record


def steps_to_rerun(
    instance: DaskflowInstance, parent: RunRecord, graph: DependencyGraph, scope: set[str] | None
) -> set[str]:
    """The steps of the line's (sub-)pipeline whose outputs its runs did not commit
    (``resume.py``): failed, skipped, canceled, interrupted and never started ones."""
    steps = set(graph.node_names) if scope is None else set(scope)
    return uncommitted_steps(
        instance, parent, required_outputs(graph, steps), lambda run_id: _parent(instance, run_id)
    )


def solid_scope(instance: DaskflowInstance, parent: RunRecord) -> set[str] | None:
    """The solids of the run that started the parent's line of re-executions: its solid
    selection, or None for the whole pipeline. Its run config, reused by every
    re-execution, is validated against that (sub-)pipeline."""
    root = parent
    while root.parent_run_id:
        root = _parent(instance, root.parent_run_id)
    return set(root.solid_selection) if root.solid_selection else None


def _scope_graph(graph: DependencyGraph, scope: set[str]) -> DependencyGraph:
    """The dependency graph of the solids in ``scope``, for resolving a step selection."""
    nodes = []
    for name in graph.node_names:
        if name in scope:
            node = graph.node(name)
            inputs = {
                k: kept
                for k, refs in node.inputs.items()
                if (kept := tuple(r for r in refs if r.node in scope))
            }
            nodes.append(dataclasses.replace(node, inputs=inputs))
    return DependencyGraph(nodes)


def output_origin_finder(
    instance: DaskflowInstance, parent_run_id: str
) -> Callable[[str, str], str]:
    """``(step, output) -> run_id`` of the run (the parent or an ancestor) that stored it."""
    stored_by_run: dict[str, set[tuple[str | None, Any]]] = {}  # read each run's events once

    def stored_outputs(run_id: str) -> set[tuple[str | None, Any]]:
        if run_id not in stored_by_run:
            events = instance.event_storage.get_events(
                run_id, event_types=[DaskflowEventType.HANDLED_OUTPUT]
            )
            stored_by_run[run_id] = {
                (e.record.step_key, e.record.data.get("output_name")) for e in events
            }
        return stored_by_run[run_id]

    def find(step_key: str, output_name: str) -> str:
        run_id: str | None = parent_run_id
        while run_id:
            if (step_key, output_name) in stored_outputs(run_id):
                return run_id
            run_id = _parent(instance, run_id).parent_run_id
        raise DaskflowInvalidDefinitionError(
            f'cannot re-execute: output "{output_name}" of step "{step_key}" was not stored '
            f"by run {parent_run_id} or its ancestors (an in-memory IO manager keeps nothing "
            "between runs; use a persisting IO manager such as fs_io_manager)"
        )

    return find


def prepare_reexecution(request: Reexecution, instance: DaskflowInstance) -> RunCoordinator:
    """The coordinator of a new run re-executing steps of ``request.parent_run_id``.

    Every output the re-executed steps read from earlier runs is found before anything
    runs; the run's config is the parent's unless the request gives one.
    """
    pipeline = request.pipeline
    parent = _parent(instance, request.parent_run_id)
    if parent.pipeline_name != pipeline.name:
        raise DaskflowInvalidDefinitionError(
            f'run {parent.run_id} is of pipeline "{parent.pipeline_name}", not "{pipeline.name}"'
        )
    selected = select_reexecution_steps(request, instance, parent)
    config = parent.run_config if request.run_config is None else request.run_config
    resolved, plan = plan_reexecution(instance, pipeline, parent, config, selected)
    record = instance.run_storage.create_run(
        pipeline.name,
        resolved.raw,
        parent.mode or resolved.mode,
        tags={**parent.tags, "daskflow/parent_run_id": parent.run_id},
        step_selection=sorted(selected),
        parent_run_id=parent.run_id,
    )
    return create_coordinator(pipeline, resolved, plan, record.run_id, instance)


def plan_reexecution(
    instance: DaskflowInstance,
    pipeline: PipelineDefinition,
    parent: RunRecord,
    run_config: Mapping[str, Any],
    steps: set[str],
) -> tuple[ResolvedRunConfig, ExecutionPlan]:
    """Validate ``run_config`` and plan a re-execution of ``parent`` running ``steps``.

    The parent's config is valid for the (sub-)pipeline its line's first run ran: it is
    validated against that, the blocks of the steps not re-executed optional (checked when
    given, then unused). Every output the steps read from earlier runs is found now.
    """
    scope = solid_scope(instance, parent)
    resolved = resolve_run_config(pipeline, run_config, parent.mode, scope, executed=steps)
    plan = build_plan(
        pipeline, resolved, steps, parent.run_id, output_origin_finder(instance, parent.run_id)
    )
    _check_sources(plan)
    check_stores_fit_scheduler(pipeline, resolved, plan, str(instance.storage_dir))
    return resolved, plan


def select_reexecution_steps(
    request: Reexecution, instance: DaskflowInstance, parent: RunRecord
) -> set[str]:
    """The steps to run again: the selection (within the scope of the line's first run),
    the steps whose outputs the line did not commit (``from_failure``), or all of them."""
    scope = solid_scope(instance, parent)
    graph = request.pipeline.graph
    if request.step_selection:
        return select_solids(
            graph if scope is None else _scope_graph(graph, scope), request.step_selection
        )
    if request.from_failure:
        if not (parent.status.is_finished or parent.status == RunStatus.NOT_STARTED):
            raise DaskflowInvalidDefinitionError(
                f"run {parent.run_id} is {parent.status.value}: its coordinator may still "
                "be running it; cancel it (daskflow run cancel, --force if its coordinator "
                "is gone) before re-executing it from failure"
            )
        selected = steps_to_rerun(instance, parent, graph, scope)
        if not selected:
            raise DaskflowInvalidDefinitionError(
                f"run {parent.run_id} has no failed or skipped step to re-execute: every "
                "step's outputs are stored"
            )
        return selected
    return set(graph.node_names) if scope is None else set(scope)


def _check_sources(plan: ExecutionPlan) -> None:
    """Every input of a re-executed step has a source (found now, before running)."""
    for step in plan.steps.values():
        for inp in step.inputs:
            if inp.source == MISSING:
                raise DaskflowInvalidDefinitionError(
                    f'input "{inp.name}" of step "{step.key}" has no source in the re-execution'
                )
