"""Showing a run while it streams, and summarising it when it ends.

On a terminal, ``LiveDisplay`` keeps a rich table of the steps (status, duration) at the
bottom and prints log lines, failures and the Dask dashboard link above it. Elsewhere
(pipes, CI, tests) ``PlainDisplay`` prints one line per step event instead.
"""

from __future__ import annotations

from collections import Counter
from types import TracebackType
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from daskflow.cli.common import (
    format_duration,
    format_metadata,
    format_time,
    make_console,
    status_text,
)
from daskflow.cli.run_tracker import RunTracker, StepState
from daskflow.events import DaskflowEventType, EventRecord, StepStatus

__all__ = ["LiveDisplay", "PlainDisplay", "open_display", "print_summary", "steps_table"]

T = DaskflowEventType
_STEP_EVENTS = {T.STEP_START, T.STEP_SUCCESS, T.STEP_FAILURE, T.STEP_SKIPPED, T.STEP_UP_FOR_RETRY}


def _stamp(event: EventRecord) -> str:
    return format_time(event.timestamp, with_date=False)


def _step_line(event: EventRecord, step: StepState | None) -> str:
    key = event.step_key
    if event.event_type == T.STEP_START:
        return f"{key}: running" + (
            f" (attempt {step.attempts})" if step and step.attempts > 1 else ""
        )
    if event.event_type == T.STEP_SUCCESS:
        return f"{key}: success in {format_duration(step.duration if step else None)}"
    if event.event_type == T.STEP_FAILURE:
        return f"{key}: FAILED - {event.message}"
    if event.event_type == T.STEP_SKIPPED:
        return f"{key}: skipped - {event.message}"
    return f"{key}: up for retry - {event.message}"


def event_line(event: EventRecord, tracker: RunTracker, steps_too: bool) -> Text | None:
    """The line to print for ``event`` (``None``: nothing to print)."""
    kind, stamp = event.event_type, _stamp(event)
    if kind == T.PIPELINE_START:
        return Text(
            f'Run {event.run_id} of pipeline "{event.pipeline_name}" started '
            f'(mode "{event.data.get("mode", "?")}").',
            style="bold",
        )
    if kind == T.ENGINE_EVENT:
        link = event.data.get("dashboard_link")
        if link:
            return Text.assemble("Dask dashboard: ", (str(link), "underline blue"))
        return Text(f"{stamp} {event.message}", style="dim")
    if kind == T.LOG:
        where = f"[{event.solid_name or event.step_key}] " if event.step_key else ""
        return Text.assemble((f"{stamp} {event.level_name:<7} ", "dim"), where, event.message)
    if kind in _STEP_EVENTS and (steps_too or kind == T.STEP_FAILURE):
        step = tracker.steps.get(event.step_key or "")
        style = "red" if kind == T.STEP_FAILURE else ""
        return Text(f"{stamp} {_step_line(event, step)}", style=style)
    return None


def steps_table(steps: list[StepState], title: str | None = None) -> Table:
    """Steps with status, attempts and duration (running steps tick)."""
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("step", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("attempts", justify="right", no_wrap=True)
    for step in steps:
        table.add_row(
            step.key,
            status_text(step.label),
            format_duration(step.duration),
            str(step.attempts) if step.attempts else "-",
        )
    return table


class _LiveSteps:
    """Rendered afresh on every refresh so running durations tick. Large runs show only
    the steps running, retrying or failed, plus counts by status."""

    MAX_ROWS = 20

    def __init__(self, tracker: RunTracker):
        self.tracker = tracker

    def __rich__(self) -> RenderableType:
        steps = list(self.tracker.steps.values())
        shown = steps
        if len(steps) > self.MAX_ROWS:
            shown = [s for s in steps if s.label in ("running", "retrying", "failed")]
            shown = shown[: self.MAX_ROWS]
        counts = Counter(step.label for step in steps)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        footer = Text(
            f"{sum(s.finished for s in steps)}/{len(steps)} steps done ({summary})"
            f" - {format_duration(self.tracker.wall_time)}",
            style="dim",
        )
        return Group(steps_table(shown), footer)


class PlainDisplay:
    """One line per step event, log line and notable engine event."""

    steps_too = True

    def __init__(self, tracker: RunTracker, console: Console | None = None):
        self.tracker = tracker
        self.console = console or make_console()
        self._engine_messages: set[str] = set()

    def _line(self, event: EventRecord) -> Text | None:
        if event.event_type == T.ENGINE_EVENT:  # e.g. "Cancel requested" repeats while waiting
            if event.message in self._engine_messages:
                return None
            self._engine_messages.add(event.message)
        return event_line(event, self.tracker, self.steps_too)

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def show(self, event: EventRecord) -> None:
        line = self._line(event)
        if line is not None:
            self.console.print(line)

    def note(self, message: str) -> None:
        self.console.print(Text(message, style="yellow"))


class LiveDisplay(PlainDisplay):
    """A live table of the steps, with log lines and failures printed above it."""

    steps_too = False

    def __init__(self, tracker: RunTracker, console: Console | None = None):
        super().__init__(tracker, console)
        self._live = Live(
            _LiveSteps(tracker), console=self.console, refresh_per_second=8, transient=True
        )

    def __enter__(self) -> LiveDisplay:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._live.stop()

    def show(self, event: EventRecord) -> None:
        line = self._line(event)
        if line is not None:
            self._live.console.print(line)


def open_display(tracker: RunTracker, live: bool | None = None) -> PlainDisplay:
    """A live display on a terminal (or when ``live`` says so), plain lines otherwise."""
    console = make_console()
    if live is None:
        live = console.is_terminal
    return LiveDisplay(tracker, console) if live else PlainDisplay(tracker, console)


def print_summary(
    tracker: RunTracker, console: Console | None = None, hint: str | None = None
) -> None:
    """Run id, status, wall time, steps, materializations, outputs, report, failures."""
    console = console or make_console()
    status = tracker.status.value if tracker.status else "UNKNOWN"
    console.print()
    console.print(
        Text.assemble(
            (f"Run {tracker.run_id}", "bold"),
            f' of pipeline "{tracker.pipeline_name}"',
            f' (mode "{tracker.mode}"): ' if tracker.mode else ": ",
            status_text(status),
            f" in {format_duration(tracker.wall_time)}",
        )
    )
    console.print(steps_table(list(tracker.steps.values())))
    _print_assets(console, tracker)
    if tracker.outputs:
        console.print(Text("Outputs:", style="bold"))
        for out in tracker.outputs:
            console.print(Text(f"  {out.step_key}.{out.output_name} -> {out.path}"))
    if tracker.dashboard_link and not tracker.own_cluster:
        console.print(Text(f"Dask dashboard: {tracker.dashboard_link}"))
    if tracker.performance_report:
        console.print(Text(f"Dask performance report: {tracker.performance_report}"))
    _print_failures(console, tracker)
    if hint:
        console.print(Text(hint, style="dim"))


def _print_assets(console: Console, tracker: RunTracker) -> None:
    if not tracker.materializations:
        return
    console.print(Text("Materializations:", style="bold"))
    for event in tracker.materializations:
        metadata = format_metadata(event.data.get("metadata_entries"))
        console.print(
            Text(
                f"  {event.data.get('asset_key')} (by {event.step_key})"
                + (f"  {metadata}" if metadata else "")
            )
        )


def _print_failures(console: Console, tracker: RunTracker) -> None:
    failed = [s for s in tracker.steps.values() if s.status is StepStatus.FAILURE]
    for step in failed:
        error: dict[str, Any] = step.error or {}
        console.print(Text(f"Step {step.key} failed: {step.message}", style="red"))
        if error.get("traceback"):
            console.print(Text(str(error["traceback"]).rstrip(), style="dim"))
    if tracker.run_error:
        console.print(Text(tracker.run_error, style="red"))
