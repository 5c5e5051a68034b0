"""``daskflow instance info | gc``: where this ``DASKFLOW_HOME`` keeps things, what it
holds (storage used included), and removing the stored outputs of old runs."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import click
from rich.table import Table

from daskflow.cli.common import (
    format_bytes,
    make_console,
    open_instance,
    print_fields,
    short_id,
    status_text,
)
from daskflow.events import RunStatus

__all__ = ["instance_group", "parse_age"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_age(text: str) -> datetime.timedelta:
    """``30d``, ``12h``, ``90m``, ``2w``, ``45s`` as a timedelta.

    >>> parse_age("30d")
    datetime.timedelta(days=30)
    """
    match = _AGE.match(text.lower())
    if match is None:
        raise click.BadParameter(
            f"{text!r} is not an age; write a number and a unit: s, m, h, d or w (e.g. 30d)"
        )
    return datetime.timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@click.group("instance")
def instance_group() -> None:
    """The instance: DASKFLOW_HOME and its storage."""


@instance_group.command("info")
def info() -> None:
    """Home, database (password hidden), output storage and its size, run counts by status."""
    with open_instance() as instance:
        runs = instance.run_storage.get_runs()
        assets = instance.event_storage.get_asset_keys()
        stored = instance.outputs.run_ids()
        rows = [
            ("home", instance.home),
            ("database", instance.database_url),
            ("storage", instance.storage_dir),
            ("storage used", f"{format_bytes(instance.storage_used())} ({len(stored)} runs)"),
            ("runs", len(runs)),
            ("assets", len(assets)),
            ("retention", _retention(instance.settings.retention_days)),
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


def _retention(days: dict[str, int]) -> str:
    """``daskflow.yaml``'s tick retention in words (what the daemon purges)."""
    kept = [f"{kind} {days[kind]} days" for kind in ("schedule", "sensor") if kind in days]
    return ", ".join(kept) if kept else "all ticks kept"


@instance_group.command("gc")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    metavar="AGE",
    help="Remove outputs of runs that ended longer ago than this, e.g. 30d, 12h, 2w.",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def gc(older_than: str, dry_run: bool) -> None:
    """Remove the stored outputs of old finished runs.

    Outputs a newer run may still reuse when re-executed (those of its parent and earlier
    ancestors) are kept. Run records and events stay: `daskflow run list` still shows
    them. Outputs stored outside the instance's storage directory are not touched.
    """
    age = parse_age(older_than)
    with open_instance() as instance:
        report = instance.collect_garbage(age, dry_run=dry_run)
        left = instance.storage_used()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} the outputs of {len(report.run_ids)} run(s) older than {older_than} "
        f"({format_bytes(report.bytes_freed)}); storage used now {format_bytes(left)}."
    )
    for run_id in report.run_ids:
        click.echo(f"  {short_id(run_id)}")
    if report.kept_for_reexecution:
        kept = ", ".join(short_id(r) for r in report.kept_for_reexecution)
        click.echo(f"Kept the outputs of {kept}: newer runs were re-executed from them.")
