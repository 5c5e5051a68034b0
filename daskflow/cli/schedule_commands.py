"""``daskflow schedule list | start | stop | ticks | purge-ticks | preview``."""

from __future__ import annotations

import time
from datetime import datetime

import click

from daskflow.cli.common import fail, open_instance
from daskflow.cli.operate_common import iso_in, load_workspace, workspace_options
from daskflow.cli.tick_commands import add_tick_commands
from daskflow.daemon import SCHEDULE, OperateWorkspace, schedule_spec
from daskflow.definitions.operate import ScheduleDefinition
from daskflow.errors import DaskflowError

__all__ = ["schedule_group"]


@click.group("schedule")
def schedule_group() -> None:
    """Schedules: list, start, stop, their ticks, and when they will run."""


@schedule_group.command("list")
@workspace_options
def list_schedules(python_file: str | None, module_name: str | None, workspace: str | None) -> None:
    """Each schedule: pipeline, cron string, zone, state and next tick."""
    loaded = load_workspace(python_file, module_name, workspace)
    with open_instance() as instance:
        now = time.time()
        for schedule in loaded.schedules.values():
            state = instance.schedule_storage.get_state(SCHEDULE, schedule.name)
            status = state.status if state else "STOPPED"
            following = iso_in(schedule.next_tick_times(now, 1)[0], schedule.zone)
            click.echo(
                f"{schedule.name}  {schedule.pipeline_name}  {schedule.cron_schedule!r}  "
                f"{schedule.execution_timezone}  {status}  next: {following}"
            )


@schedule_group.command("start")
@click.argument("name")
@workspace_options
def start(
    name: str, python_file: str | None, module_name: str | None, workspace: str | None
) -> None:
    """Start a schedule: ticks from now on run (none before)."""
    loaded = load_workspace(python_file, module_name, workspace)
    schedule = _schedule(loaded, name)
    with open_instance() as instance:
        instance.schedule_storage.start(SCHEDULE, name, schedule_spec(schedule), time.time())
    click.echo(f"Started schedule {name}.")


@schedule_group.command("stop")
@click.argument("name")
def stop(name: str) -> None:
    """Stop a schedule (starting it again does not run the ticks it missed)."""
    with open_instance() as instance:
        stopped = instance.schedule_storage.stop(SCHEDULE, name)
    click.echo(f"Stopped schedule {name}." if stopped else f"Schedule {name} was not running.")


@schedule_group.command("preview")
@click.argument("name")
@click.option("--after", "after", required=True, help="ISO-8601 instant (with its offset).")
@click.option("--count", default=5, show_default=True, help="How many ticks.")
@workspace_options
def preview(  # noqa: PLR0913 (click passes its options by keyword)
    name: str,
    after: str,
    count: int,
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
) -> None:
    """The next COUNT tick times after AFTER, in the schedule's zone, one per line."""
    schedule = _schedule(load_workspace(python_file, module_name, workspace), name)
    try:
        moment = datetime.fromisoformat(after)
    except ValueError:
        fail(f'--after: expected an ISO-8601 time such as 2026-11-01T00:00:00-04:00, got "{after}"')
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=schedule.zone)
    for tick in schedule.next_tick_times(moment.timestamp(), count):
        click.echo(iso_in(tick, schedule.zone))


add_tick_commands(schedule_group, SCHEDULE)


def _schedule(loaded: OperateWorkspace, name: str) -> ScheduleDefinition:
    try:
        return loaded.schedule(name)
    except DaskflowError as exc:
        fail(str(exc))
