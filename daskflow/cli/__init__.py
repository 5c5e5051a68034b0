"""The ``daskflow`` command (click). Sub-command groups live in their own modules:
``pipeline`` (pipeline_commands, execute_command), ``run``, ``asset`` and ``instance``;
``bench`` (bench_command) is a command of its own.
"""

from __future__ import annotations

import click

from daskflow.cli import execute_command  # noqa: F401  (adds `pipeline execute`)
from daskflow.cli.asset_commands import asset_group
from daskflow.cli.bench_command import bench
from daskflow.cli.instance_commands import instance_group
from daskflow.cli.launch_command import launch
from daskflow.cli.pipeline_commands import pipeline_group
from daskflow.cli.run_commands import run_group
from daskflow.cli.ui_command import ui

__all__ = ["main", "cli"]


@click.group()
@click.version_option(package_name="daskflow")
def cli() -> None:
    """daskflow: typed data pipelines compiled into one Dask graph."""


cli.add_command(pipeline_group)
cli.add_command(run_group)
cli.add_command(asset_group)
cli.add_command(instance_group)
cli.add_command(bench)
cli.add_command(ui)
run_group.add_command(launch)


def main() -> None:
    cli()
