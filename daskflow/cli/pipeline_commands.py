"""``daskflow pipeline list | print | validate | config-schema | scaffold-config``."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
import yaml

from daskflow.cli.common import read_config_files
from daskflow.cli.loader import load_pipelines, select_pipeline
from daskflow.config import example_config, format_yaml_example
from daskflow.definitions.describe import describe_pipeline
from daskflow.definitions.mode import deep_merge
from daskflow.engine.planning.selection import select_solids
from daskflow.errors import DaskflowConfigError, DaskflowInvalidDefinitionError
from daskflow.run_config import run_config_json_schema, run_config_schema, validate_run_config

__all__ = ["pipeline_group", "target_options", "run_options", "RunRequest"]

# Exit code for bad usage or config (nothing was run).
EXIT_USAGE = 2


def target_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """-f/-m/-p: where to find the pipeline."""
    fn = click.option("-p", "--pipeline", "pipeline_name", help="Pipeline name.")(fn)
    fn = click.option("-m", "--module-name", help="Python module defining the pipeline.")(fn)
    fn = click.option(
        "-f",
        "--python-file",
        type=click.Path(dir_okay=False),
        help="Python file defining the pipeline.",
    )(fn)
    return fn


def run_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """-c (repeatable, merged), --mode, --preset, --solid-selection."""
    fn = click.option(
        "--solid-selection",
        "-s",
        multiple=True,
        help='Solids to run, e.g. "*compute_cutoff+" (repeatable).',
    )(fn)
    fn = click.option("--preset", help="Use a preset's run config and mode.")(fn)
    fn = click.option("--mode", help="Mode (which resources to use).")(fn)
    fn = click.option(
        "-c",
        "--config",
        "config_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="YAML run config file; repeat to merge several (later wins).",
    )(fn)
    return fn


def definition_errors_exit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn definition and config errors into a printed message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (DaskflowInvalidDefinitionError, DaskflowConfigError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


class RunRequest:
    """What the user asked to run: pipeline, merged run config, mode, selection."""

    def __init__(  # noqa: PLR0913 (click passes its options by keyword)
        self,
        *,
        python_file: str | None,
        module_name: str | None,
        pipeline_name: str | None,
        config_files: tuple[str, ...],
        mode: str | None,
        preset: str | None,
        solid_selection: tuple[str, ...],
    ):
        self.pipeline = select_pipeline(load_pipelines(python_file, module_name), pipeline_name)
        run_config: dict[str, Any] = {}
        self.solid_selection = list(solid_selection) or None
        if preset:
            chosen = self.pipeline.get_preset(preset)
            run_config = dict(chosen.run_config)
            if mode and mode != chosen.mode:
                raise click.UsageError(f'preset "{preset}" uses mode "{chosen.mode}", not "{mode}"')
            mode = chosen.mode
            self.solid_selection = self.solid_selection or chosen.solid_selection
        self.run_config = deep_merge(run_config, read_config_files(config_files))
        self.mode = self.pipeline.get_mode(mode).name

    def check_config(self) -> list[str]:
        """Validate the run config for the selected solids (errors printed, exit 2).

        Returns the names of the solids that will run.
        """
        selected = (
            select_solids(self.pipeline.graph, self.solid_selection)
            if self.solid_selection
            else None
        )
        result = validate_run_config(self.pipeline, self.run_config, self.mode, selected)
        if not result.success:
            click.echo(str(DaskflowConfigError(result.errors, result.title)), err=True)
            sys.exit(EXIT_USAGE)
        return [
            node.name for node in self.pipeline.solids if selected is None or node.name in selected
        ]


@click.group("pipeline")
def pipeline_group() -> None:
    """Inspect, validate and run pipelines."""


@pipeline_group.command("list")
@click.option("-f", "--python-file", type=click.Path(dir_okay=False))
@click.option("-m", "--module-name")
@definition_errors_exit
def list_pipelines(python_file: str | None, module_name: str | None) -> None:
    """List the pipelines a file or module defines."""
    for name, p in sorted(load_pipelines(python_file, module_name).items()):
        modes = ", ".join(p.mode_names)
        click.echo(f"{name}  ({len(p.solids)} solids; modes: {modes})")


@pipeline_group.command("print")
@target_options
@definition_errors_exit
def print_pipeline(
    python_file: str | None, module_name: str | None, pipeline_name: str | None
) -> None:
    """Show solids, inputs with types, config with defaults, and resources."""
    chosen = select_pipeline(load_pipelines(python_file, module_name), pipeline_name)
    click.echo(describe_pipeline(chosen))


@pipeline_group.command("validate")
@target_options
@run_options
@definition_errors_exit
def validate(**kwargs: Any) -> None:
    """Check a run config without running anything; print every error."""
    request = RunRequest(**kwargs)
    result = validate_run_config(request.pipeline, request.run_config, request.mode)
    if not result.success:
        click.echo(str(DaskflowConfigError(result.errors, result.title)), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(
        f'Run config is valid for pipeline "{request.pipeline.name}" (mode "{request.mode}").'
    )


@pipeline_group.command("config-schema")
@target_options
@click.option("--mode", help="Mode whose schema to print.")
@definition_errors_exit
def config_schema(
    python_file: str | None, module_name: str | None, pipeline_name: str | None, mode: str | None
) -> None:
    """Print the run-config JSON Schema (for editors that autocomplete YAML)."""
    chosen = select_pipeline(load_pipelines(python_file, module_name), pipeline_name)
    click.echo(json.dumps(run_config_json_schema(chosen, mode), indent=2))


@pipeline_group.command("scaffold-config")
@target_options
@click.option("--mode", help="Mode whose config to scaffold.")
@definition_errors_exit
def scaffold_config(
    python_file: str | None, module_name: str | None, pipeline_name: str | None, mode: str | None
) -> None:
    """Print a YAML run config with every required entry as a placeholder."""
    chosen = select_pipeline(load_pipelines(python_file, module_name), pipeline_name)
    example = example_config(run_config_schema(chosen, mode))
    click.echo(format_yaml_example(example, 0) if example else yaml.safe_dump({}))
