"""``daskflow pipeline execute`` and ``daskflow run reexecute``: run, show progress, summarise.

Both stream the run's events live through the same display (``_stream``) and finish the
same way (``_finish``). Ctrl-C asks for cancellation (``CancelOnInterrupt``): running
steps finish, no new ones start, and the run ends ``CANCELED``; a second Ctrl-C stops
following it at once (the engine still records it ``CANCELED``).

Exit codes: 0 the run succeeded, 1 it failed or was canceled, 2 bad usage or config
(nothing was run).
"""

from __future__ import annotations

import logging
import shlex
import sys
from collections.abc import Iterator
from typing import Any

import click

from daskflow.cli.common import (
    EXIT_FAILURE,
    EXIT_USAGE,
    fail,
    find_run,
    make_console,
    open_instance,
    read_config_files,
    short_id,
)
from daskflow.cli.loader import load_pipelines, select_pipeline
from daskflow.cli.pipeline_commands import (
    RunRequest,
    definition_errors_exit,
    pipeline_group,
    run_options,
    target_options,
)
from daskflow.cli.run_display import open_display, print_summary
from daskflow.cli.run_tracker import RunTracker
from daskflow.cli.streaming import CancelOnInterrupt, stream_run
from daskflow.config import DaskflowConfigError
from daskflow.definitions.mode import deep_merge
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.api import execute_pipeline_iterator, reexecute_pipeline_iterator
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.events import EventRecord, RunStatus
from daskflow.instance import DaskflowInstance, RunRecord

__all__ = ["execute", "parse_tags", "reexecute"]


def parse_tags(_ctx: Any, _param: Any, values: tuple[str, ...]) -> dict[str, str]:
    """``key=value`` pairs (click callback)."""
    tags: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f'expected key=value, got "{item}"')
        tags[key.strip()] = value
    return tags


def _quiet_engine_logger() -> None:
    """The CLI shows every event itself: keep Python's last-resort handler from repeating
    warnings and errors of the ``daskflow`` logger on stderr."""
    logger = logging.getLogger("daskflow")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _target_args(python_file: str | None, module_name: str | None) -> str:
    return f"-f {shlex.quote(python_file)}" if python_file else f"-m {module_name}"


def _finish(
    tracker: RunTracker, canceler: CancelOnInterrupt, target_args: str, code: int = EXIT_FAILURE
) -> None:
    """Print the summary and what became of a canceled run; exit ``code`` (1, or 2 for a
    config error found once the run was recorded) unless it succeeded."""
    tracker.mark_unfinished("canceled" if canceler.interrupted else None)
    hint = None
    if not (tracker.success or canceler.interrupted):
        hint = (
            "Re-execute the steps that did not succeed with: daskflow run reexecute "
            f"{short_id(tracker.run_id)} --from-failure {target_args}"
        )
    if tracker.run_id is not None:
        print_summary(tracker, hint=hint)
    if canceler.interrupted:
        _report_interrupt(tracker, canceler)
    if not tracker.success:
        sys.exit(code)


def _report_interrupt(tracker: RunTracker, canceler: CancelOnInterrupt) -> None:
    console = make_console()
    if tracker.status == RunStatus.CANCELED and canceler.forced:
        console.print(
            f"Run {tracker.run_id} was canceled; steps still running were left "
            "to finish on their own.",
            style="yellow",
        )
    elif tracker.status == RunStatus.CANCELED:
        console.print(f"Run {tracker.run_id} was canceled.", style="yellow")
    elif canceler.forced:
        console.print(
            f"Interrupted: stopped following run {tracker.run_id} before it "
            "ended; see `daskflow run show`.",
            style="yellow",
        )
    elif canceler.was_running is False:
        console.print(
            f"Run {tracker.run_id} finished before the cancel request arrived.", style="yellow"
        )


def _stream(events: Iterator[EventRecord], tracker: RunTracker, canceler: CancelOnInterrupt) -> int:
    """Stream live, turning errors the engine raises before/while running into messages;
    returns the exit code of a failed run (2 when its config was wrong, e.g. a cluster
    class that cannot be imported, found once the run was recorded)."""
    code = EXIT_FAILURE
    try:
        stream_run(events, tracker, open_display(tracker), canceler)
    except (DaskflowConfigError, DaskflowInvalidDefinitionError) as exc:
        if tracker.run_id is None:
            fail(str(exc))  # raised while preparing: nothing ran
        tracker.run_error = f"Error: {exc}"
        code = EXIT_USAGE
    except Exception as exc:  # an engine error after the run started: it is recorded failed
        if tracker.run_id is None:
            raise
        tracker.run_error = f"Error: {type(exc).__name__}: {exc}"
    if tracker.run_error and tracker.status is None:
        tracker.status = RunStatus.FAILURE
    return code


def _follow(
    events: Iterator[EventRecord],
    instance: DaskflowInstance,
    target_args: str,
    planned: list[str] | None = None,
) -> None:
    """Show the run live, Ctrl-C cancelling it, then summarise it and exit with its code."""
    tracker = RunTracker(planned=planned or ())
    canceler = CancelOnInterrupt(instance)
    code = _stream(events, tracker, canceler)
    _finish(tracker, canceler, target_args, code)


@pipeline_group.command("execute")
@target_options
@run_options
@click.option(
    "--tags",
    "tags",
    multiple=True,
    callback=parse_tags,
    metavar="KEY=VALUE",
    help="Tag the run (repeatable).",
)
@definition_errors_exit
def execute(tags: dict[str, str], **kwargs: Any) -> None:
    """Run a pipeline, showing each solid's progress.

    Exit code 0 when the run succeeds, 1 when it fails or is canceled, 2 when the
    config or the arguments are wrong (then nothing runs).

    Ctrl-C cancels the run (running steps finish, no new ones start); press it twice to
    quit at once.
    """
    request = RunRequest(**kwargs)
    planned = request.check_config()
    if kwargs.get("preset"):
        tags = {**request.pipeline.get_preset(kwargs["preset"]).tags, **tags}
    _quiet_engine_logger()
    with open_instance() as instance:
        events = execute_pipeline_iterator(
            request.pipeline,
            request.run_config,
            mode=request.mode,
            solid_selection=request.solid_selection,
            instance=instance,
            tags=tags,
        )
        _follow(
            events, instance, _target_args(kwargs["python_file"], kwargs["module_name"]), planned
        )


def _reexecute_pipeline(
    python_file: str | None, module_name: str | None, pipeline_name: str | None, parent: RunRecord
) -> PipelineDefinition:
    pipelines = load_pipelines(python_file, module_name)
    if pipeline_name is None and parent.pipeline_name in pipelines:
        pipeline_name = parent.pipeline_name
    return select_pipeline(pipelines, pipeline_name)


@click.command("reexecute")
@click.argument("run_id")
@click.option(
    "--from-failure",
    is_flag=True,
    help="Re-run only the steps that failed or were skipped (or never ran).",
)
@click.option(
    "--step-selection",
    "-s",
    "step_selection",
    multiple=True,
    help='Steps to re-run instead, e.g. "compute_cutoff*" (repeatable).',
)
@target_options
@click.option(
    "-c",
    "--config",
    "config_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML merged over the parent run's config (repeatable, later wins).",
)
@definition_errors_exit
def reexecute(  # noqa: PLR0913 (click passes its options by keyword)
    *,
    run_id: str,
    from_failure: bool,
    step_selection: tuple[str, ...],
    python_file: str | None,
    module_name: str | None,
    pipeline_name: str | None,
    config_files: tuple[str, ...],
) -> None:
    """Run again the failed (or chosen) steps of a run.

    RUN_ID is a run id or unique prefix. The other steps' outputs are loaded from where
    the parent run (or its ancestors) stored them. -f/-m point at the pipeline's code
    (-p defaults to the run's pipeline). Without --from-failure or --step-selection every
    step runs again. Progress shows live, as with `pipeline execute`.

    Ctrl-C cancels the new run (running steps finish, no new ones start); press it twice
    to quit at once.
    """
    if from_failure and step_selection:
        raise click.UsageError("give --from-failure or --step-selection, not both")
    with open_instance() as instance:
        parent = find_run(instance, run_id)
        pipeline = _reexecute_pipeline(python_file, module_name, pipeline_name, parent)
        run_config = (
            deep_merge(parent.run_config, read_config_files(config_files)) if config_files else None
        )
        _quiet_engine_logger()
        how = " from failure" if from_failure else ""
        click.echo(f'Re-executing run {parent.run_id} of pipeline "{pipeline.name}"{how} ...')
        steps = list(step_selection) or None
        events = reexecute_pipeline_iterator(
            pipeline, parent.run_id, instance, from_failure, steps, run_config
        )
        _follow(events, instance, _target_args(python_file, module_name))
