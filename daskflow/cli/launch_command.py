"""``daskflow run launch RUN_ID``: execute a run a launcher stored, in this process.

The UI (and the daemon) start this command as the run's own process; it loads the
pipeline from the run's stored origin. Exit code 0 when the run succeeded, 1 otherwise,
2 when there is no such launchable run.
"""

from __future__ import annotations

import click

from daskflow.cli.common import EXIT_FAILURE, fail, find_run, open_instance
from daskflow.events import RunStatus
from daskflow.launcher import LaunchError, execute_launched_run

__all__ = ["launch"]


@click.command("launch")
@click.argument("run_id")
def launch(run_id: str) -> None:
    """Execute the stored run RUN_ID (created by `daskflow ui` or the daemon)."""
    with open_instance() as instance:
        run = find_run(instance, run_id)
        try:
            status = execute_launched_run(instance, run.run_id)
        except LaunchError as exc:
            fail(str(exc))
    click.echo(f"Run {run.run_id} ended {status.value}.")
    if status != RunStatus.SUCCESS:
        raise SystemExit(EXIT_FAILURE)
