"""Executing a stored run in the current process: what ``daskflow run launch RUN_ID`` does
in the process a launcher started.

The run's origin says where to load its pipeline from; the plan is built again from the
stored record (config, mode, selection, parent); on a Dask cluster its live progress and
its task stream are kept for the UI (``watch``). A failure before the run starts (code
that no longer loads, config that no longer validates) is recorded as the run's failure,
with an event saying why, so the run never stays ``NOT_STARTED``.
"""

from __future__ import annotations

import os
import traceback

import dask

from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.engine.run.launch import create_coordinator
from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.instance import DaskflowInstance, RunRecord
from daskflow.launcher.failures import record_failure_before_start
from daskflow.launcher.loading import load_location
from daskflow.launcher.origin import PipelineOrigin
from daskflow.launcher.prepare import plan_new_run, plan_reexecution
from daskflow.launcher.scheduler_preload import PRELOAD
from daskflow.launcher.watch import ClusterWatcher

__all__ = ["LaunchError", "execute_launched_run"]


class LaunchError(Exception):
    """The run cannot be executed here (unknown, already started, no origin)."""


def _coordinator(
    instance: DaskflowInstance, run: RunRecord, origin: PipelineOrigin
) -> RunCoordinator:
    pipelines = load_location(origin.location)
    if origin.pipeline_name not in pipelines:
        raise LaunchError(f'{origin.target} no longer defines pipeline "{origin.pipeline_name}"')
    pipeline = pipelines[origin.pipeline_name]
    if run.parent_run_id and run.step_selection:
        parent = instance.run_storage.get_run(run.parent_run_id)
        if parent is None:
            raise LaunchError(f"parent run {run.parent_run_id} of run {run.run_id} is gone")
        prepared = plan_reexecution(
            instance, pipeline, parent, run.run_config, set(run.step_selection)
        )
    else:
        selected = set(run.solid_selection) if run.solid_selection else None
        prepared = plan_new_run(
            pipeline, run.run_config, run.mode, selected, str(instance.storage_dir)
        )
    return create_coordinator(pipeline, prepared.resolved, prepared.plan, run.run_id, instance)


def _record_failure(instance: DaskflowInstance, run: RunRecord, exc: BaseException) -> None:
    data = {
        "error": {"type": type(exc).__name__, "message": str(exc)},
        "traceback": traceback.format_exc(),
        "pid": os.getpid(),
    }
    record_failure_before_start(instance, run, f"{type(exc).__name__}: {exc}", data)


def execute_launched_run(instance: DaskflowInstance, run_id: str) -> RunStatus:
    """Execute the stored run ``run_id`` to its end; returns its final status."""
    run = instance.run_storage.get_run(run_id)
    if run is None:
        raise LaunchError(f"no run {run_id} in {instance.home}")
    if run.status not in (RunStatus.NOT_STARTED, RunStatus.CANCELING):
        raise LaunchError(f"run {run.run_id} is {run.status.value}: only a new run can launch")
    stored = instance.run_storage.get_origin(run.run_id)
    if stored is None:
        raise LaunchError(f"run {run.run_id} has no stored origin: it was not launched")
    if run.status == RunStatus.CANCELING:  # canceled before it started
        _record_canceled(instance, run)
        return RunStatus.CANCELED
    try:
        coordinator = _coordinator(instance, run, PipelineOrigin.from_dict(stored))
    except Exception as exc:
        _record_failure(instance, run, exc)
        return RunStatus.FAILURE
    watcher = ClusterWatcher(instance, run.run_id)
    preloads = list(dask.config.get("distributed.scheduler.preload", None) or [])
    try:
        with dask.config.set({"distributed.scheduler.preload": [*preloads, PRELOAD]}):
            for event in coordinator.events():
                watcher.observe(event)
    finally:
        watcher.finish()
    return coordinator.status


def _record_canceled(instance: DaskflowInstance, run: RunRecord) -> None:
    instance.event_storage.store_events(
        [
            EventRecord.create(
                run.run_id,
                DaskflowEventType.PIPELINE_CANCELED,
                run.pipeline_name,
                "Run canceled before it started.",
            )
        ]
    )
