"""``daskflow schedule|sensor ticks NAME`` (a tick history) and ``daskflow schedule|sensor
purge-ticks --older-than AGE [--dry-run] [NAME]``, added to both groups by ``add_tick_commands``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from daskflow.cli.common import open_instance
from daskflow.cli.instance_commands import parse_age
from daskflow.cli.operate_common import iso_in
from daskflow.instance import TickPurgeReport, TickRecord

__all__ = ["add_tick_commands", "describe_tick"]


def describe_tick(tick: TickRecord) -> str:
    """A tick on one line: time (UTC), status, and its runs or why it failed or skipped; a
    tick resumed after an interruption says so."""
    detail = tick.error or tick.skip_reason or ", ".join(tick.run_ids)
    if tick.interrupted is not None and not tick.ended_by_interruption:
        detail = f"{detail}  (resumed; it had been interrupted: {tick.interrupted})".lstrip()
    return f"{iso_in(tick.tick_time, ZoneInfo('UTC'))}  {tick.status}  {detail}".rstrip()


def add_tick_commands(group: click.Group, kind: str) -> None:
    """``ticks`` and ``purge-ticks`` for the schedules (``kind="schedule"``) or sensors."""

    @group.command("ticks")
    @click.argument("name")
    @click.option("--limit", default=20, show_default=True, help="How many ticks, newest first.")
    def ticks(name: str, limit: int) -> None:
        with open_instance() as instance:  # opening it ends the ticks of dead daemons
            found = instance.schedule_storage.get_ticks(kind, name, limit=limit)
        if not found:
            click.echo(f"No tick of {kind} {name} yet.")
        for tick in found:
            click.echo(describe_tick(tick))

    ticks.help = (
        f"A {kind}'s ticks, newest first: time (UTC), status, runs, and why it failed or "
        "skipped (a tick whose daemon died before it finished is SKIPPED as interrupted)."
    )

    @group.command("purge-ticks")
    @click.argument("name", required=False)
    @click.option(
        "--older-than",
        "older_than",
        required=True,
        metavar="AGE",
        help="Remove ticks older than this, e.g. 30d, 12h, 2w.",
    )
    @click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
    def purge_ticks(name: str | None, older_than: str, dry_run: bool) -> None:
        age = parse_age(older_than)
        with open_instance() as instance:
            report = instance.purge_ticks(age, kind=kind, name=name, dry_run=dry_run)
        _print_report(report, kind, older_than)

    purge_ticks.help = (
        f"Remove the tick history older than AGE of every {kind}, or of NAME. The latest "
        f"finished tick of each {kind} and ticks in progress stay; the {kind}'s "
        f"{'clock' if kind == 'schedule' else 'cursor'} is not touched, so nothing runs again."
    )


def _print_report(report: TickPurgeReport, kind: str, older_than: str) -> None:
    verb = "Would remove" if report.dry_run else "Removed"
    click.echo(
        f"{verb} {report.total} tick(s) older than {older_than} "
        f"(the latest tick of each {kind} is kept)."
    )
    for (_kind, name), count in report.removed.items():
        click.echo(f"  {name}  {count}")
