"""``daskflow daemon run`` (scheduler, sensors, backfills, run queue) and ``daskflow dev``
(the web UI and the daemon in one process). Runs start as processes of their own."""

from __future__ import annotations

import threading

import click

from daskflow.cli.common import open_instance
from daskflow.cli.operate_common import load_workspace, locations_of, workspace_options
from daskflow.daemon import DaskflowDaemon
from daskflow.dashboards import UISettings, create_app, pick_port, serve
from daskflow.launcher import SubprocessRunLauncher, Workspace

__all__ = ["daemon_group", "dev"]


@click.group("daemon")
def daemon_group() -> None:
    """The daemon that runs schedules, sensors, backfills and the run queue."""


@daemon_group.command("run")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--max-catchup-runs", default=5, show_default=True, help="Per partitioned schedule.")
@click.option(
    "--exit-when-idle",
    is_flag=True,
    help="Stop once no backfill, queued or running run is left (scripts, CI).",
)
@workspace_options
def run(  # noqa: PLR0913 (click passes its options by keyword)
    interval: float,
    max_catchup_runs: int,
    exit_when_idle: bool,
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
) -> None:
    """Run the daemon until Ctrl-C (runs it launched go on)."""
    loaded = load_workspace(python_file, module_name, workspace)
    stop = threading.Event()
    with open_instance() as instance:
        daemon = DaskflowDaemon(
            instance, loaded, SubprocessRunLauncher(), max_catchup_runs=max_catchup_runs
        )
        click.echo(
            f"daskflow daemon {daemon.daemon_id}: {len(loaded.schedules)} schedules, "
            f"{len(loaded.sensors)} sensors (DASKFLOW_HOME={instance.home}; Ctrl-C to stop)"
        )
        try:
            daemon.run(stop, interval, exit_when_idle)
        except KeyboardInterrupt:
            stop.set()


@click.command("dev")
@click.option("--port", default=3000, show_default=True, type=int, help="UI port (127.0.0.1).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between daemon passes.")
@workspace_options
def dev(
    port: int,
    interval: float,
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
) -> None:
    """The web UI on 127.0.0.1 and the daemon, in one command (Ctrl-C stops both)."""
    loaded = load_workspace(python_file, module_name, workspace)
    ui_workspace = Workspace(locations_of(python_file, module_name, workspace))
    settings = UISettings("127.0.0.1", pick_port("127.0.0.1", port), False, None, False, ())
    stop = threading.Event()
    with open_instance() as instance:
        daemon = DaskflowDaemon(instance, loaded, SubprocessRunLauncher())
        thread = threading.Thread(target=daemon.run, args=(stop, interval), daemon=True)
        thread.start()
        try:
            app = create_app(ui_workspace, instance, settings, operate=loaded)
            serve(
                app, settings, lambda url: click.echo(f"daskflow dev: UI on {url}, daemon running")
            )
        finally:
            stop.set()
            thread.join(timeout=30)
