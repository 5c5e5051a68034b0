"""``daskflow asset list | show | wipe``: the asset index built from materialization events.

Wiping an asset removes it from the index only; the runs' event logs keep their events.
"""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from daskflow.cli.common import (
    fail,
    format_metadata,
    format_time,
    make_console,
    open_instance,
    short_id,
)

__all__ = ["asset_group"]


@click.group("asset")
def asset_group() -> None:
    """List, inspect and wipe materialized assets."""


@asset_group.command("list")
def list_assets() -> None:
    """Every asset key with its materialization count and latest run."""
    with open_instance() as instance:
        assets = instance.event_storage.get_asset_keys()
    console = make_console()
    if not assets:
        console.print("No assets materialized yet.")
        return
    table = Table(box=None, pad_edge=False)
    table.add_column("asset key", no_wrap=True)
    table.add_column("materializations", justify="right", no_wrap=True)
    table.add_column("last run", no_wrap=True)
    table.add_column("last materialized", no_wrap=True)
    for asset in assets:
        table.add_row(
            asset.asset_key,
            str(asset.count),
            short_id(asset.last_run_id),
            format_time(asset.last_materialization_timestamp),
        )
    console.print(table)


@asset_group.command("show")
@click.argument("key")
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="At most this many materializations."
)
def show_asset(key: str, limit: int | None) -> None:
    """Materializations of asset KEY (dotted, e.g. warehouse.cereals), newest first."""
    with open_instance() as instance:
        records = instance.event_storage.get_materializations(key, limit=limit)
    if not records:
        fail(f'no materializations of asset "{key}". List assets with: daskflow asset list')
    console = make_console()
    console.print(Text(f"{key}: {len(records)} materialization(s), newest first", style="bold"))
    table = Table(box=None, pad_edge=False)
    for name in ("time", "run", "solid", "partition", "metadata"):
        table.add_column(name, no_wrap=name != "metadata")
    for record in records:
        metadata = format_metadata(record.metadata_entries)
        if record.description:
            metadata = f"{record.description}; {metadata}" if metadata else record.description
        table.add_row(
            format_time(record.timestamp),
            short_id(record.run_id),
            record.solid_name or "-",
            record.partition or "-",
            Text(metadata or "-"),
        )
    console.print(table)


@asset_group.command("wipe")
@click.argument("key")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def wipe_asset(key: str, yes: bool) -> None:
    """Remove asset KEY from the index (the runs' events stay)."""
    with open_instance() as instance:
        count = len(instance.event_storage.get_materializations(key))
        if not count:
            fail(f'no materializations of asset "{key}". List assets with: daskflow asset list')
        if not yes:
            click.confirm(
                f'Wipe {count} materialization(s) of asset "{key}" from the index?', abort=True
            )
        removed = instance.event_storage.wipe_asset(key)
    click.echo(f'Wiped asset "{key}" ({removed} materialization(s) removed from the index).')
