"""From a launch request to a ready coordinator: the same checks run twice, once in the
process that submits (so bad config is refused before a run record exists) and once in
the run's own process (which builds the plan again from the stored record).

A fresh run validates its config against the pipeline (or the sub-pipeline of its solid
selection); a re-execution (a record with a parent and a step selection) validates
against the scope of its line's first run and reads the other steps' outputs from the
parent run or its ancestors, as ``reexecute_pipeline`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.planning.plan import ExecutionPlan, build_plan
from daskflow.engine.planning.selection import select_solids
from daskflow.engine.run.launch import check_stores_fit_scheduler
from daskflow.engine.run.reexecute import output_origin_finder, solid_scope, steps_to_rerun
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.instance import DaskflowInstance, RunRecord
from daskflow.run_config import ResolvedRunConfig, resolve_run_config

__all__ = ["Prepared", "RunRequest", "plan_new_run", "plan_reexecution", "reexecution_steps"]

PARENT_TAG = "daskflow/parent_run_id"


@dataclass(frozen=True)
class RunRequest:
    """A run to create: for a fresh run ``solid_selection`` (Dagster syntax); for a
    re-execution ``parent_run_id`` with the steps to run in ``step_selection``."""

    pipeline_name: str
    run_config: Mapping[str, Any]
    mode: str | None = None
    solid_selection: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    parent_run_id: str | None = None
    step_selection: Sequence[str] = ()


@dataclass(frozen=True)
class Prepared:
    """A validated run: resolved config, plan, and the selection to store."""

    resolved: ResolvedRunConfig
    plan: ExecutionPlan
    solid_selection: list[str] | None
    step_selection: list[str] | None


def plan_new_run(
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any],
    mode: str | None,
    selected: set[str] | None,
    storage_dir: str,
) -> Prepared:
    """Validate and plan a fresh run (raises the engine's config/definition errors)."""
    mode_name = pipeline.get_mode(mode).name
    resolved = resolve_run_config(pipeline, run_config, mode_name, selected)
    plan = build_plan(pipeline, resolved, selected)
    check_stores_fit_scheduler(pipeline, resolved, plan, storage_dir)
    return Prepared(resolved, plan, sorted(selected) if selected else None, None)


def reexecution_steps(
    instance: DaskflowInstance,
    pipeline: PipelineDefinition,
    parent: RunRecord,
    from_failure: bool,
    step_selection: Sequence[str] = (),
) -> set[str]:
    """The steps a re-execution of ``parent`` runs: the chosen ones (within the scope of
    its line's first run), those that did not succeed or never started (so a canceled run
    resumes where it stopped), or every step of that scope."""
    scope = solid_scope(instance, parent)
    if step_selection:
        chosen = select_solids(pipeline.graph, list(step_selection))
        return chosen if scope is None else chosen & scope
    if from_failure:
        steps = steps_to_rerun(instance, parent) | _never_started(instance, pipeline, parent, scope)
        if not steps:
            raise DaskflowInvalidDefinitionError(
                f"run {parent.run_id} has no failed or skipped step to re-execute"
            )
        return steps
    return set(pipeline.graph.node_names) if scope is None else set(scope)


def _never_started(
    instance: DaskflowInstance,
    pipeline: PipelineDefinition,
    parent: RunRecord,
    scope: set[str] | None,
) -> set[str]:
    """Steps the parent planned but never started (a canceled run stops before them)."""
    planned = parent.step_selection or parent.solid_selection
    names = set(planned) if planned else (scope or set(pipeline.graph.node_names))
    return names - set(instance.event_storage.get_step_stats(parent.run_id))


def plan_reexecution(
    instance: DaskflowInstance,
    pipeline: PipelineDefinition,
    parent: RunRecord,
    run_config: Mapping[str, Any],
    steps: set[str],
) -> Prepared:
    """Validate and plan a re-execution of ``parent`` running ``steps``."""
    if parent.pipeline_name != pipeline.name:
        raise DaskflowInvalidDefinitionError(
            f'run {parent.run_id} is of pipeline "{parent.pipeline_name}", not "{pipeline.name}"'
        )
    scope = solid_scope(instance, parent)
    resolved = resolve_run_config(pipeline, run_config, parent.mode, scope, executed=steps)
    plan = build_plan(
        pipeline, resolved, steps, parent.run_id, output_origin_finder(instance, parent.run_id)
    )
    for step in plan.steps.values():
        for inp in step.inputs:
            if inp.source == "missing":
                raise DaskflowInvalidDefinitionError(
                    f'input "{inp.name}" of step "{step.key}" has no source in the re-execution'
                )
    check_stores_fit_scheduler(pipeline, resolved, plan, str(instance.storage_dir))
    return Prepared(resolved, plan, None, sorted(steps))
