"""What the operate commands share: the ``-f/-m/-w`` options that say where the repository
is, loading it as an ``OperateWorkspace`` (errors exit with code 2), and tick formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from daskflow.cli.common import fail
from daskflow.daemon import OperateWorkspace
from daskflow.errors import DaskflowError
from daskflow.launcher import CodeLocation, DaskflowLoadError, file_location, module_location
from daskflow.launcher.workspace import read_workspace_file

__all__ = ["load_workspace", "locations_of", "workspace_options"]

F = TypeVar("F", bound=Callable[..., Any])


def workspace_options(fn: F) -> F:
    """``-f FILE`` / ``-m MODULE`` / ``-w workspace.yaml`` (exactly one)."""
    fn = click.option(
        "-w", "--workspace", type=click.Path(dir_okay=False), help="workspace.yaml listing code."
    )(fn)
    fn = click.option("-m", "--module-name", help="Python module defining a repository.")(fn)
    return click.option(
        "-f",
        "--python-file",
        type=click.Path(dir_okay=False),
        help="Python file defining a repository.",
    )(fn)


def locations_of(
    python_file: str | None, module_name: str | None, workspace: str | None
) -> list[CodeLocation]:
    given = [x for x in (python_file, module_name, workspace) if x]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one of -f/--python-file, -m/--module-name, -w/--workspace"
        )
    try:
        if workspace:
            return read_workspace_file(workspace)
    except DaskflowLoadError as exc:
        fail(str(exc))
    return [file_location(python_file) if python_file else module_location(str(module_name))]


def load_workspace(
    python_file: str | None, module_name: str | None, workspace: str | None
) -> OperateWorkspace:
    """The repositories' schedules, sensors, partition sets and pipelines."""
    locations = locations_of(python_file, module_name, workspace)
    try:
        return OperateWorkspace.load(locations)
    except (DaskflowLoadError, DaskflowError) as exc:
        fail(str(exc))


def iso_in(timestamp: float, zone: Any) -> str:
    return datetime.fromtimestamp(timestamp, zone).isoformat()
