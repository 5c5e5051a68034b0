"""``daskflow instance info``: where this ``DASKFLOW_HOME`` keeps things, and what it holds."""

from __future__ import annotations

from collections import Counter

import click
from rich.table import Table

from daskflow.cli.common import make_console, open_instance, print_fields, status_text
from daskflow.events import RunStatus

__all__ = ["instance_group"]


@click.group("instance")
def instance_group() -> None:
    """The instance: DASKFLOW_HOME and its storage."""


@instance_group.command("info")
def info() -> None:
    """Home, database (password hidden), output storage and run counts by status."""
    with open_instance() as instance:
        runs = instance.run_storage.get_runs()
        assets = instance.event_storage.get_asset_keys()
        rows = [
            ("home", instance.home),
            ("database", instance.database_url),
            ("storage", instance.storage_dir),
            ("runs", len(runs)),
            ("assets", len(assets)),
        ]
    console = make_console()
    print_fields(console, rows)
    counts = Counter(run.status for run in runs)
    if counts:
        table = Table(title="Runs by status", title_justify="left", box=None, pad_edge=False)
        table.add_column("status", no_wrap=True)
        table.add_column("runs", justify="right")
        for status in RunStatus:
            if counts[status]:
                table.add_row(status_text(status), str(counts[status]))
        console.print(table)
