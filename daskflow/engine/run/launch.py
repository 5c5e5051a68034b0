"""Preparing a run before anything executes: preset, selection, config, plan, run record.

Everything that can be wrong with a request (unknown mode, bad selection, bad config,
an in-memory store on a multi-process cluster) raises here, before any step runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from daskflow.engine.planning.payload import RunPayload
from daskflow.engine.planning.plan import build_plan
from daskflow.engine.planning.selection import select_solids
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.errors import DaskflowExecutionError, DaskflowInvalidDefinitionError
from daskflow.run_config import resolve_run_config, used_resource_keys

__all__ = [
    "check_stores_fit_scheduler",
    "create_coordinator",
    "prepare_run",
    "raise_for_failure",
]


def prepare_run(
    pipeline: Any,
    run_config: Mapping[str, Any] | None,
    mode: str | None,
    preset: str | None,
    solid_selection: Sequence[str] | str | None,
    instance: Any,
    tags: Mapping[str, str] | None,
) -> tuple[RunCoordinator, Any, bool]:
    if preset is not None:
        chosen = pipeline.get_preset(preset)
        if run_config:
            raise DaskflowInvalidDefinitionError(
                f'give either preset "{preset}" or run_config, not both'
            )
        if mode is not None and mode != chosen.mode:
            raise DaskflowInvalidDefinitionError(
                f'preset "{preset}" uses mode "{chosen.mode}", not "{mode}"'
            )
        run_config, mode = chosen.run_config, chosen.mode
        solid_selection = solid_selection or chosen.solid_selection
        tags = {**chosen.tags, **(tags or {})}
    selected = select_solids(pipeline.graph, solid_selection) if solid_selection else None
    mode_name = pipeline.get_mode(mode).name
    resolved = resolve_run_config(pipeline, run_config, mode_name, selected)
    plan = build_plan(pipeline, resolved, selected)
    check_stores_fit_scheduler(pipeline, resolved, plan, getattr(instance, "storage_dir", None))
    owned = instance is None
    if owned:
        from daskflow.instance import DaskflowInstance

        instance = DaskflowInstance.ephemeral()
    record = instance.run_storage.create_run(
        pipeline.name,
        resolved.raw,
        mode_name,
        tags={**pipeline.tags, **(tags or {})},
        solid_selection=sorted(selected) if selected else None,
    )
    return create_coordinator(pipeline, resolved, plan, record.run_id, instance), instance, owned


def create_coordinator(
    pipeline: Any, resolved: Any, plan: Any, run_id: str, instance: Any
) -> RunCoordinator:
    mode = pipeline.get_mode(resolved.mode)
    payload = RunPayload(
        run_id=run_id,
        pipeline=pipeline,
        mode=mode.name,
        resolved=resolved,
        plan=plan,
        storage_dir=str(instance.storage_dir),
        resource_keys=tuple(used_resource_keys(pipeline, mode)),
    )
    return RunCoordinator(payload, instance)


def check_stores_fit_scheduler(
    pipeline: Any, resolved: Any, plan: Any, storage_dir: str | None = None
) -> None:
    """Reject IO managers that cannot serve worker processes before anything runs.

    Applies to execution ``dask`` unless the cluster is a ``LocalCluster`` with
    ``processes: false`` (its workers are threads of this process). ``storage_dir`` is the
    instance's, which ``fs_io_manager`` defaults to.
    """
    execution = resolved.execution
    if "dask" not in execution:
        return
    local = execution["dask"]["cluster"].get("local")
    if local is not None and not local.get("processes", True):
        return
    from daskflow.io_managers import check_usable_on_distributed

    resource_defs = pipeline.get_mode(resolved.mode).resource_defs
    for key in sorted(
        {o.io_manager_key for s in plan.steps.values() for o in s.definition.output_defs}
    ):
        reason = check_usable_on_distributed(
            resource_defs[key], resolved.resources.get(key), storage_dir
        )
        if reason:
            raise DaskflowInvalidDefinitionError(
                f'IO manager "{key}" (resources.{key} of mode "{resolved.mode}") cannot be '
                f'used with execution "dask", whose workers are separate processes: {reason}'
            )


def raise_for_failure(result: Any) -> None:
    for name, step in result.step_results.items():
        if step.status == "failure":
            raise DaskflowExecutionError(
                f'Solid "{name}" failed in run {result.run_id} of pipeline '
                f'"{result.pipeline.name}": {step.error}',
                solid_name=name,
                run_id=result.run_id,
            ) from step.error
    raise DaskflowExecutionError(
        f'Run {result.run_id} of pipeline "{result.pipeline.name}" did not succeed.',
        run_id=result.run_id,
    )
