"""Find-or-create a queued run by its idempotency key.

The key maps to one run id forever (``QueueStorage.reserve_run_id``); the run is created
with that id only if it does not exist yet (validated first, like any launched run), its
origin stored, and it is put on the queue. Every step can be repeated after a crash and
leads to the same single run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from daskflow.engine.planning.selection import select_solids
from daskflow.errors import DaskflowStorageError
from daskflow.instance import DaskflowInstance
from daskflow.launcher.operate_workspace import OperateWorkspace
from daskflow.launcher.prepare import plan_new_run

__all__ = ["QueuedRun", "RunSpec", "find_or_create_run"]


@dataclass(frozen=True)
class RunSpec:
    pipeline_name: str
    run_config: Mapping[str, Any]
    mode: str | None
    solid_selection: Sequence[str] | None
    tags: Mapping[str, str]


@dataclass(frozen=True)
class QueuedRun:
    run_id: str
    created: bool  # False: the key had its run already


def find_or_create_run(  # noqa: PLR0913 (the hook is for tests' crash injection)
    instance: DaskflowInstance,
    workspace: OperateWorkspace,
    key: str,
    spec: RunSpec,
    now: float,
    on_step: Callable[[str], None] | None = None,
) -> QueuedRun:
    """The one run of ``key``, created and queued if it was not (config errors raise);
    ``on_step("run_created")`` is called between creating and queueing it."""
    run_id = instance.queue_storage.reserve_run_id(key)
    created = instance.run_storage.get_run(run_id) is None
    if created:
        created = _create(instance, workspace, run_id, key, spec)
    if instance.run_storage.get_origin(run_id) is None:
        instance.run_storage.set_origin(run_id, workspace.origin(spec.pipeline_name).to_dict())
    if on_step is not None:
        on_step("run_created")
    instance.queue_storage.enqueue(run_id, dict(spec.tags), now)
    return QueuedRun(run_id, created)


def _create(
    instance: DaskflowInstance, workspace: OperateWorkspace, run_id: str, key: str, spec: RunSpec
) -> bool:
    pipeline = workspace.pipeline(spec.pipeline_name)
    selected = (
        select_solids(pipeline.graph, list(spec.solid_selection)) if spec.solid_selection else None
    )
    prepared = plan_new_run(
        pipeline, spec.run_config, spec.mode, selected, str(instance.storage_dir)
    )
    tags = {**pipeline.tags, **dict(spec.tags), "daskflow/run_key": key}
    try:
        instance.run_storage.create_run(
            pipeline.name,
            prepared.resolved.raw,
            prepared.resolved.mode,
            tags=tags,
            solid_selection=prepared.solid_selection,
            run_id=run_id,
        )
    except DaskflowStorageError:
        return False  # another daemon created it between our check and insert
    return True
