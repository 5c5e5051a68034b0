"""Backfills: queue one run per partition of a partition set, in chunks with a checkpoint.

Each partition's run has the key ``backfill:<id>:<partition>``, so a daemon killed in the
middle of a chunk and restarted from the checkpoint re-finds the runs it had created
instead of duplicating them. Runs go through the run queue (its concurrency limits apply).
A canceled backfill queues nothing more, and its runs that never left the queue end
``CANCELED``.
"""

from __future__ import annotations

from collections.abc import Callable

from daskflow.daemon.submit import RunSpec, find_or_create_run
from daskflow.definitions.operate import PartitionSetDefinition
from daskflow.errors import DaskflowError, DaskflowInvalidDefinitionError
from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.instance import BACKFILL_TAG, BackfillRecord, DaskflowInstance
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["BackfillDaemon", "cancel_backfill", "partitions_to_backfill"]

REQUESTED = "REQUESTED"
COMPLETED = "COMPLETED"
CANCELED = "CANCELED"
FAILED = "FAILED"


def partitions_to_backfill(
    instance: DaskflowInstance,
    partition_set: PartitionSetDefinition,
    names: list[str] | None,
    from_failure: bool,
) -> list[str]:
    """The partitions a new backfill runs: ``names`` (checked) or all; with
    ``from_failure`` only those whose latest run failed."""
    known = [p.name for p in partition_set.get_partitions()]
    if names is None:
        chosen = known
    else:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise DaskflowInvalidDefinitionError(
                f'partition set "{partition_set.name}" has no partition {", ".join(unknown)}'
            )
        chosen = [n for n in known if n in set(names)]
    if from_failure:
        status = instance.queue_storage.partition_status(partition_set.name)
        chosen = [n for n in chosen if status.get(n, ("", ""))[0] == "failure"]
    return chosen


class BackfillDaemon:
    """Queues the runs of requested backfills, ``chunk_size`` partitions per checkpoint."""

    def __init__(
        self,
        instance: DaskflowInstance,
        workspace: OperateWorkspace,
        chunk_size: int = 10,
        on_partition: Callable[[str], None] | None = None,
    ) -> None:
        self.instance = instance
        self.workspace = workspace
        self.chunk_size = chunk_size
        self.on_partition = on_partition  # tests inject crashes after each queued partition

    def tick(self, now: float) -> list[str]:
        """Queue the next chunk of every requested backfill; returns the queued run ids."""
        queued: list[str] = []
        for backfill in self.instance.queue_storage.get_backfills(status=REQUESTED):
            queued.extend(self._advance(backfill, now))
        return queued

    def _advance(self, backfill: BackfillRecord, now: float) -> list[str]:
        storage = self.instance.queue_storage
        try:
            partition_set = self.workspace.partition_set(backfill.partition_set)
        except DaskflowError as exc:
            storage.update_backfill(backfill.backfill_id, status=FAILED, error=str(exc))
            return []
        start = backfill.next_index
        names = backfill.partition_names[start : start + self.chunk_size]
        run_ids = []
        for name in names:
            run_ids.append(self._queue_partition(backfill, partition_set, name, now))
            if self.on_partition is not None:
                self.on_partition(name)
        end = start + len(names)
        done = end >= len(backfill.partition_names)
        storage.update_backfill(
            backfill.backfill_id, next_index=end, status=COMPLETED if done else None
        )
        return run_ids

    def _queue_partition(
        self,
        backfill: BackfillRecord,
        partition_set: PartitionSetDefinition,
        name: str,
        now: float,
    ) -> str:
        partition = partition_set.get_partition(name)
        tags = {
            **backfill.tags,
            **partition_set.tags_for_partition(partition),
            BACKFILL_TAG: backfill.backfill_id,
        }
        spec = RunSpec(
            partition_set.pipeline_name,
            partition_set.run_config_for_partition(partition),
            partition_set.mode,
            partition_set.solid_selection,
            tags,
        )
        key = f"backfill:{backfill.backfill_id}:{name}"
        return find_or_create_run(self.instance, self.workspace, key, spec, now).run_id


def cancel_backfill(instance: DaskflowInstance, backfill_id: str) -> list[str]:
    """Stop queueing the backfill's runs and cancel those not launched yet; returns them."""
    storage = instance.queue_storage
    storage.update_backfill(backfill_id, status=CANCELED)
    canceled = []
    for entry in storage.queued(limit=100_000):
        if entry.tags.get(BACKFILL_TAG) != backfill_id:
            continue
        if not storage.claim(entry.run_id, "canceled", 0.0):
            continue
        run = instance.run_storage.get_run(entry.run_id)
        if run is None or run.status != RunStatus.NOT_STARTED:
            continue
        instance.event_storage.store_events(
            [
                EventRecord.create(
                    run.run_id,
                    DaskflowEventType.PIPELINE_CANCELED,
                    run.pipeline_name,
                    f"Backfill {backfill_id} was canceled before this run was launched",
                )
            ]
        )
        canceled.append(run.run_id)
    return canceled
