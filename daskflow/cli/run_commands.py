"""``daskflow run list | show | reexecute | cancel | delete``: runs stored in ``DASKFLOW_HOME``.

A run is named by its id or a unique prefix of it (at least 6 characters); an unknown
id is a usage error (exit code 2).
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from daskflow.cli.common import (
    EXIT_USAGE,
    fail,
    find_run,
    format_bytes,
    format_duration,
    format_time,
    make_console,
    open_instance,
    print_fields,
    short_id,
    status_text,
)
from daskflow.cli.execute_command import reexecute
from daskflow.cli.run_display import steps_table
from daskflow.cli.run_tracker import StepState
from daskflow.engine.api import cancel_run
from daskflow.events import DaskflowEventType, RunStatus
from daskflow.instance import (
    DaskflowInstance,
    RunRecord,
    RunStorage,
    StepStats,
    StoredEvent,
    coordinator_id,
)

__all__ = ["run_group"]

_STATUS_CHOICE = click.Choice([s.value for s in RunStatus], case_sensitive=False)
_TYPE_CHOICE = click.Choice([t.value for t in DaskflowEventType], case_sensitive=False)


@click.group("run")
def run_group() -> None:
    """List, inspect, re-execute, cancel and delete runs."""


run_group.add_command(reexecute)


@run_group.command("list")
@click.option("--pipeline", "pipeline_name", help="Only runs of this pipeline.")
@click.option("--status", type=_STATUS_CHOICE, help="Only runs in this status.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="At most this many runs (newest first).",
)
def list_runs(pipeline_name: str | None, status: str | None, limit: int) -> None:
    """Runs, newest first."""
    with open_instance() as instance:
        runs = instance.run_storage.get_runs(
            pipeline_name=pipeline_name, status=status.upper() if status else None, limit=limit
        )
    console = make_console()
    if not runs:
        console.print("No runs" + (" match." if pipeline_name or status else " yet."))
        return
    table = Table(box=None, pad_edge=False)
    for name, justify in [
        ("run id", "left"),
        ("pipeline", "left"),
        ("status", "left"),
        ("mode", "left"),
        ("started", "left"),
        ("duration", "right"),
    ]:
        table.add_column(name, no_wrap=True, justify=justify)  # type: ignore[arg-type]
    for run in runs:
        table.add_row(
            short_id(run.run_id),
            run.pipeline_name,
            status_text(run.status),
            run.mode or "-",
            format_time(run.start_time or run.created_at),
            format_duration(run.duration),
        )
    console.print(table)


def _header_rows(run: RunRecord) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("run", run.run_id),
        ("pipeline", run.pipeline_name),
        ("status", status_text(run.status)),
        ("mode", run.mode or "-"),
        ("parent", run.parent_run_id or "-"),
        ("tags", ", ".join(f"{k}={v}" for k, v in sorted(run.tags.items())) or "-"),
        ("created", format_time(run.created_at)),
        ("started", format_time(run.start_time)),
        ("ended", format_time(run.end_time)),
        ("duration", format_duration(run.duration)),
    ]
    if run.solid_selection:
        rows.append(("solid selection", ", ".join(run.solid_selection)))
    if run.step_selection:
        rows.append(("step selection", ", ".join(run.step_selection)))
    return rows


def _step_states(stats: dict[str, StepStats], run: RunRecord) -> list[StepState]:
    """Stored step stats as display states; a step left running in a run that ended is
    timed up to the run's end."""
    states = []
    for key, stat in stats.items():
        state = StepState(key, stat.status, stat.start_time, stat.end_time, stat.attempts)
        if not stat.status.is_finished and run.status.is_finished:
            state.left_as, state.end_time = "unfinished", run.end_time
        states.append(state)
    return states


def _print_event(console: Console, stored: StoredEvent) -> None:
    record = stored.record
    line = Text.assemble(
        (format_time(record.timestamp, with_date=False), "dim"),
        "  ",
        (f"{record.event_type.value:<22}", "red" if record.level >= 40 else ""),
        f"{record.step_key or '-':<20} ",
        record.message,
    )
    console.print(line)
    error = record.data.get("error") or {}
    if isinstance(error, dict) and error.get("traceback"):
        console.print(Text(str(error["traceback"]).rstrip(), style="dim"))


@run_group.command("show")
@click.argument("run_id")
@click.option(
    "--type",
    "event_types",
    type=_TYPE_CHOICE,
    multiple=True,
    help="Only events of this type (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON lines.")
def show_run(run_id: str, event_types: tuple[str, ...], as_json: bool) -> None:
    """Show a run: details, steps and event log.

    RUN_ID is a run id or a unique prefix of one (at least 6 characters).
    """
    wanted = [t.upper() for t in event_types] or None
    with open_instance() as instance:
        run = find_run(instance, run_id)
        events = instance.event_storage.get_events(run.run_id, event_types=wanted)
        stats = instance.event_storage.get_step_stats(run.run_id)
    if as_json:
        for stored in events:
            click.echo(json.dumps({"id": stored.id, **stored.record.to_dict()}, default=str))
        return
    console = make_console()
    print_fields(console, _header_rows(run))
    console.print()
    if stats:
        console.print(steps_table(_step_states(stats, run), title="Steps"))
        console.print()
    console.print(Text("Events" + (f" ({', '.join(wanted)})" if wanted else ""), style="bold"))
    for stored in events:
        _print_event(console, stored)
    if not events:
        console.print("(none)")


@run_group.command("cancel")
@click.argument("run_id")
@click.option(
    "--force",
    is_flag=True,
    help="Record the run CANCELED now, without its coordinator (for a run whose "
    "coordinator is gone: a killed process, a lost container or host).",
)
def cancel(run_id: str, force: bool) -> None:
    """Ask a running run to stop.

    No new steps start; steps already running finish. The run then ends as CANCELED.
    With --force the run is recorded CANCELED at once (it can be re-executed from
    failure); a coordinator still alive is not stopped by it.
    """
    with open_instance() as instance:
        run = find_run(instance, run_id)
        if force:
            _force_cancel(instance.run_storage, run)
            return
        if cancel_run(instance, run.run_id):
            click.echo(
                f"Requested cancel of run {run.run_id}; its coordinator stops it shortly "
                "(if its coordinator is gone: daskflow run cancel --force "
                f"{short_id(run.run_id)})."
            )
        else:
            status = instance.run_storage.require_run(run.run_id).status.value
            click.echo(f"Run {run.run_id} is not running (status {status}); nothing to cancel.")


def _force_cancel(run_storage: RunStorage, run: RunRecord) -> None:
    reason = f"canceled by force from {coordinator_id()} (daskflow run cancel --force)"
    previous = run_storage.end_run(run.run_id, RunStatus.CANCELED, reason)
    if previous.is_finished:
        click.echo(f"Run {run.run_id} is not running (status {previous.value}); nothing to cancel.")
        return
    click.echo(f"Recorded run {run.run_id} as CANCELED (it was {previous.value}).")


@run_group.command("delete")
@click.argument("run_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--keep-outputs",
    is_flag=True,
    help="Keep the run's stored outputs (only its record and events go).",
)
def delete(run_id: str, yes: bool, keep_outputs: bool) -> None:
    """Delete a finished run: its record, events, asset index rows and stored outputs.

    The outputs under the instance's storage directory go too, unless --keep-outputs:
    runs re-executed from this one can then not reuse them.
    """
    with open_instance() as instance:
        run = find_run(instance, run_id)
        if not run.status.is_finished and run.status != RunStatus.NOT_STARTED:
            fail(
                f"run {run.run_id} is {run.status.value}; cancel it first "
                f"(daskflow run cancel {short_id(run.run_id)})",
                EXIT_USAGE,
            )
        size = 0 if keep_outputs else instance.outputs.run_bytes(run.run_id)
        if not yes:
            what = (
                "its events"
                if keep_outputs
                else f"its events and stored outputs ({format_bytes(size)})"
                + _reused_by(instance, run.run_id)
            )
            click.confirm(
                f'Delete run {run.run_id} of pipeline "{run.pipeline_name}" '
                f"({run.status.value}), {what}?",
                abort=True,
            )
        freed = instance.delete_run(run.run_id, keep_outputs=keep_outputs)
    kept = " (outputs kept)" if keep_outputs else f"; freed {format_bytes(freed)} of outputs"
    click.echo(f"Deleted run {run.run_id}{kept}.")


def _reused_by(instance: DaskflowInstance, run_id: str) -> str:
    """A warning when runs were re-executed from this one: they reuse its outputs."""
    children = [r.run_id for r in instance.run_storage.get_runs() if r.parent_run_id == run_id]
    if not children:
        return ""
    shown = ", ".join(short_id(c) for c in children)
    return f"; run(s) {shown} were re-executed from it and reuse those outputs"
