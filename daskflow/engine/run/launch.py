"""Preparing a run before anything executes: preset, selection, config, plan, run record.

Everything that can be wrong with a request (unknown mode, bad selection, bad config,
an in-memory store on a multi-process cluster) raises here, before any step runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from daskflow.engine.planning.payload import RunPayload
from daskflow.engine.planning.plan import ExecutionPlan, build_plan
from daskflow.engine.planning.selection import select_solids
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.instance import DaskflowInstance
from daskflow.io_managers import check_usable_on_distributed
from daskflow.run_config import ResolvedRunConfig, resolve_run_config, used_resource_keys

if TYPE_CHECKING:
    from daskflow.definitions.pipeline import PipelineDefinition

__all__ = [
    "RunRequest",
    "check_stores_fit_scheduler",
    "create_coordinator",
    "prepare_run",
]


@dataclass(frozen=True)
class RunRequest:
    """What ``execute_pipeline`` was asked to run: the pipeline and how."""

    pipeline: PipelineDefinition
    run_config: Mapping[str, Any] | None = None
    mode: str | None = None
    preset: str | None = None
    solid_selection: Sequence[str] | str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def with_preset(self) -> RunRequest:
        """The request with its preset's config, mode, selection and tags filled in."""
        if self.preset is None:
            return self
        chosen = self.pipeline.get_preset(self.preset)
        if self.run_config:
            raise DaskflowInvalidDefinitionError(
                f'give either preset "{self.preset}" or run_config, not both'
            )
        if self.mode is not None and self.mode != chosen.mode:
            raise DaskflowInvalidDefinitionError(
                f'preset "{self.preset}" uses mode "{chosen.mode}", not "{self.mode}"'
            )
        return replace(
            self,
            run_config=chosen.run_config,
            mode=chosen.mode,
            solid_selection=self.solid_selection or chosen.solid_selection,
            tags={**chosen.tags, **self.tags},
        )


def prepare_run(
    request: RunRequest, instance: DaskflowInstance | None
) -> tuple[RunCoordinator, DaskflowInstance, bool]:
    """The run's coordinator, the instance it records to, and whether that is a new
    ephemeral one (when ``instance`` is None) the caller disposes of."""
    request = request.with_preset()
    pipeline = request.pipeline
    selection = request.solid_selection
    selected = select_solids(pipeline.graph, selection) if selection else None
    mode_name = pipeline.get_mode(request.mode).name
    resolved = resolve_run_config(pipeline, request.run_config, mode_name, selected)
    plan = build_plan(pipeline, resolved, selected)
    owned = instance is None
    if instance is None:
        instance = DaskflowInstance.for_run()  # $DASKFLOW_HOME if set, else ephemeral
    try:
        storage_dir = None if instance.is_ephemeral else instance.storage_dir
        check_stores_fit_scheduler(pipeline, resolved, plan, storage_dir)
        if owned:  # an ephemeral instance passed in was chosen; one made here was not
            _warn_if_report_vanishes(resolved, instance)
        record = instance.run_storage.create_run(
            pipeline.name,
            resolved.raw,
            mode_name,
            tags={**pipeline.tags, **request.tags},
            solid_selection=sorted(selected) if selected else None,
        )
    except BaseException:
        if owned:
            instance.dispose()
        raise
    return create_coordinator(pipeline, resolved, plan, record.run_id, instance), instance, owned


def _warn_if_report_vanishes(resolved: ResolvedRunConfig, instance: DaskflowInstance) -> None:
    """A performance report goes to the instance's home: say so when that is temporary."""
    if instance.is_ephemeral and (resolved.execution.get("dask") or {}).get("performance_report"):
        warnings.warn(
            "The Dask performance report of this run is saved in an ephemeral instance "
            f"({instance.home}), deleted with the run's result. Set DASKFLOW_HOME or pass "
            "instance=DaskflowInstance.from_home(...) to keep it.",
            UserWarning,
            stacklevel=4,
        )


def create_coordinator(
    pipeline: PipelineDefinition,
    resolved: ResolvedRunConfig,
    plan: ExecutionPlan,
    run_id: str,
    instance: DaskflowInstance,
) -> RunCoordinator:
    mode = pipeline.get_mode(resolved.mode)
    record = instance.run_storage.get_run(run_id)
    payload = RunPayload(
        run_id=run_id,
        pipeline=pipeline,
        mode=mode.name,
        resolved=resolved,
        plan=plan,
        storage_dir=str(instance.storage_dir),
        resource_keys=tuple(used_resource_keys(pipeline, mode)),
        tags=dict(record.tags) if record is not None else {},
    )
    return RunCoordinator(payload, instance)


def check_stores_fit_scheduler(
    pipeline: PipelineDefinition,
    resolved: ResolvedRunConfig,
    plan: ExecutionPlan,
    storage_dir: str | None = None,
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
