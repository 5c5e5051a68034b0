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
from daskflow.engine.run.launch import check_stores_fit_scheduler
from daskflow.engine.run.reexecute import Reexecution, select_reexecution_steps
from daskflow.engine.run.reexecute import plan_reexecution as plan_engine_reexecution
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
    """The steps a re-execution of ``parent`` runs, as ``reexecute_pipeline`` picks them:
    the chosen ones, those whose outputs were not committed, or every step."""
    request = Reexecution(pipeline, parent.run_id, from_failure, list(step_selection) or None)
    return select_reexecution_steps(request, instance, parent)


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
    resolved, plan = plan_engine_reexecution(instance, pipeline, parent, run_config, steps)
    return Prepared(resolved, plan, None, sorted(steps))
