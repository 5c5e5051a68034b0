"""The ``daskflow`` command (click). Sub-command groups live in their own modules."""

from __future__ import annotations

import click

from daskflow.cli.pipeline_commands import pipeline_group

__all__ = ["main", "cli"]


@click.group()
@click.version_option(package_name="daskflow")
def cli() -> None:
    """daskflow: typed data pipelines compiled into one Dask graph."""


cli.add_command(pipeline_group)


def main() -> None:
    cli()
