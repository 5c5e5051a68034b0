"""The ``daskflow`` command (click). Sub-command groups live in their own modules:
``pipeline`` (pipeline_commands, execute_command), ``run``, ``asset`` and ``instance``;
``bench`` (bench_command) is a command of its own. The operate layer: ``schedule``,
``sensor``, ``backfill`` and ``partitions`` (their *_commands modules), ``daemon run`` and
``dev`` (daemon_command).
"""

from __future__ import annotations

import click

from daskflow.cli import execute_command  # noqa: F401  (adds `pipeline execute`)
from daskflow.cli.asset_commands import asset_group
from daskflow.cli.backfill_commands import backfill_group, partitions_group
from daskflow.cli.bench_command import bench
from daskflow.cli.daemon_command import daemon_group, dev
from daskflow.cli.instance_commands import instance_group
from daskflow.cli.launch_command import launch
from daskflow.cli.pipeline_commands import pipeline_group
from daskflow.cli.run_commands import run_group
from daskflow.cli.schedule_commands import schedule_group
from daskflow.cli.sensor_commands import sensor_group
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
cli.add_command(schedule_group)
cli.add_command(sensor_group)
cli.add_command(backfill_group)
cli.add_command(partitions_group)
cli.add_command(daemon_group)
cli.add_command(dev)
run_group.add_command(launch)


def main() -> None:
    cli()
