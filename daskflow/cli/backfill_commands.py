"""``daskflow backfill launch | list | show | cancel`` and ``daskflow partitions status``.

A launched backfill is a record the daemon works through (``daskflow daemon run``): one
queued run per partition, resumable, within the queue's limits.
"""

from __future__ import annotations

import click

from daskflow.cli.common import fail, open_instance
from daskflow.cli.operate_common import load_workspace, workspace_options
from daskflow.daemon import cancel_backfill, partitions_to_backfill
from daskflow.definitions.operate import PartitionSetDefinition
from daskflow.errors import DaskflowError
from daskflow.instance import BackfillRecord, DaskflowInstance

__all__ = ["backfill_group", "partitions_group"]


@click.group("backfill")
def backfill_group() -> None:
    """Backfills: runs of many partitions of a partition set, through the daemon's queue."""


def _select(
    partition_set: PartitionSetDefinition,
    all_: bool,
    first: str | None,
    last: str | None,
    listed: str | None,
) -> list[str] | None:
    if sum((all_, bool(first or last), bool(listed))) != 1:
        raise click.UsageError("give exactly one of --all, --from/--to, --partitions")
    if listed:
        return [name.strip() for name in listed.split(",") if name.strip()]
    if all_:
        return None
    names = [p.name for p in partition_set.get_partitions()]
    for given in (first, last):
        if given is not None and given not in names:
            fail(f'partition set "{partition_set.name}" has no partition "{given}"')
    begin = names.index(first) if first else 0
    end = names.index(last) if last else len(names) - 1
    return names[begin : end + 1]


@backfill_group.command("launch")
@click.argument("partition_set")
@click.option("--all", "all_", is_flag=True, help="Every partition.")
@click.option("--from", "first", help="First partition (inclusive).")
@click.option("--to", "last", help="Last partition (inclusive).")
@click.option("--partitions", "listed", help="Comma-separated partition names.")
@click.option("--from-failure", is_flag=True, help="Only partitions whose latest run failed.")
@workspace_options
def launch(  # noqa: PLR0913 (click passes its options by keyword)
    partition_set: str,
    all_: bool,
    first: str | None,
    last: str | None,
    listed: str | None,
    from_failure: bool,
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
) -> None:
    """Request a backfill of PARTITION_SET; the daemon queues its runs."""
    loaded = load_workspace(python_file, module_name, workspace)
    try:
        definition = loaded.partition_set(partition_set)
        with open_instance() as instance:
            names = _select(definition, all_, first, last, listed)
            chosen = partitions_to_backfill(instance, definition, names, from_failure)
            if not chosen:
                fail("no partition to backfill")
            backfill = instance.queue_storage.create_backfill(partition_set, chosen, from_failure)
    except DaskflowError as exc:
        fail(str(exc))
    click.echo(f"Backfill {backfill.backfill_id}: {len(chosen)} partitions of {partition_set}.")


@backfill_group.command("list")
def list_backfills() -> None:
    """Backfills, newest first, with their progress."""
    with open_instance() as instance:
        for backfill in instance.queue_storage.get_backfills():
            click.echo(_headline(instance, backfill))


@backfill_group.command("show")
@click.argument("backfill_id")
def show(backfill_id: str) -> None:
    """Each partition of a backfill: not started / queued / running / success / failure."""
    with open_instance() as instance:
        backfill = _backfill(instance, backfill_id)
        status = instance.queue_storage.partition_status(backfill.partition_set, backfill_id)
        click.echo(_headline(instance, backfill))
        for name in backfill.partition_names:
            state, run_id = status.get(name, ("not started", ""))
            click.echo(f"{name}  {state}  {run_id}".rstrip())


@backfill_group.command("cancel")
@click.argument("backfill_id")
def cancel(backfill_id: str) -> None:
    """Stop a backfill: nothing more is queued, queued runs are canceled."""
    with open_instance() as instance:
        _backfill(instance, backfill_id)
        canceled = cancel_backfill(instance, backfill_id)
    click.echo(f"Canceled backfill {backfill_id} ({len(canceled)} queued runs canceled).")


def _backfill(instance: DaskflowInstance, backfill_id: str) -> BackfillRecord:
    found = instance.queue_storage.get_backfill(backfill_id)
    if found is None:
        fail(f'no backfill "{backfill_id}" in {instance.home}; see: daskflow backfill list')
    return found


def _headline(instance: DaskflowInstance, backfill: BackfillRecord) -> str:
    progress = _progress(instance, backfill)
    return f"{backfill.backfill_id}  {backfill.partition_set}  {backfill.status}  {progress}"


def _progress(instance: DaskflowInstance, backfill: BackfillRecord) -> str:
    status = instance.queue_storage.partition_status(backfill.partition_set, backfill.backfill_id)
    counts: dict[str, int] = {}
    for state, _ in status.values():
        counts[state] = counts.get(state, 0) + 1
    done = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return f"{len(status)}/{len(backfill.partition_names)} ({done or 'nothing queued yet'})"


@click.group("partitions")
def partitions_group() -> None:
    """Partition sets."""


@partitions_group.command("status")
@click.argument("partition_set")
@workspace_options
def status(
    partition_set: str, python_file: str | None, module_name: str | None, workspace: str | None
) -> None:
    """Each partition of PARTITION_SET with the status of its latest run."""
    loaded = load_workspace(python_file, module_name, workspace)
    try:
        names = [p.name for p in loaded.partition_set(partition_set).get_partitions()]
    except DaskflowError as exc:
        fail(str(exc))
    with open_instance() as instance:
        found = instance.queue_storage.partition_status(partition_set)
    for name in names:
        state, run_id = found.get(name, ("not started", ""))
        click.echo(f"{name}  {state}  {run_id}".rstrip())
