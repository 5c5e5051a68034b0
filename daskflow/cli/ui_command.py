"""``daskflow ui``: serve the web UI for a file, a module or a workspace of them.

It binds 127.0.0.1 unless told otherwise; any other address needs ``--token`` (or an
explicit ``--insecure``). Runs launched from the UI run in processes of their own, with
the same ``DASKFLOW_HOME``.
"""

from __future__ import annotations

import secrets
import socket

import click

from daskflow.cli.common import fail, open_instance
from daskflow.dashboards import UISettings, create_app, pick_port, serve
from daskflow.errors import DaskflowError
from daskflow.launcher import DaskflowLoadError, Workspace, file_location, module_location
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["ui"]


def _workspace(
    python_file: str | None, module_name: str | None, workspace: str | None
) -> Workspace:
    given = [x for x in (python_file, module_name, workspace) if x]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one of -f/--python-file, -m/--module-name, -w/--workspace"
        )
    try:
        if workspace:
            return Workspace.from_yaml(workspace)
        location = file_location(python_file) if python_file else module_location(str(module_name))
        return Workspace([location])
    except DaskflowLoadError as exc:
        fail(str(exc))


def _operate(loaded: Workspace) -> OperateWorkspace:
    """The schedules, sensors and partition sets of the workspace's repositories (none,
    with a warning, when they are invalid: the pipelines' pages still work)."""
    try:
        return OperateWorkspace.load(
            [loc.location for loc in loaded.locations if loc.error is None]
        )
    except (DaskflowLoadError, DaskflowError) as exc:
        click.echo(f"Warning: schedules, sensors and partition sets not shown: {exc}", err=True)
        return OperateWorkspace()


@click.command("ui")
@click.option(
    "-f", "--python-file", type=click.Path(dir_okay=False), help="Python file defining pipelines."
)
@click.option("-m", "--module-name", help="Python module defining pipelines.")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(dir_okay=False),
    help="workspace.yaml listing files/modules.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=3000, show_default=True, type=int, help="Port (a free one if taken; 0: any)."
)
@click.option(
    "--read-only", is_flag=True, help="Show everything, allow no action (no launch, cancel, ...)."
)
@click.option(
    "--token", help="Require this access token (default: a random one when not on loopback)."
)
@click.option("--insecure", is_flag=True, help="Allow a non-loopback bind without a token.")
@click.option(
    "--allow-host", multiple=True, help="Extra name the Host header may carry (repeatable)."
)
def ui(  # noqa: PLR0913 (click passes its options by keyword)
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
    host: str,
    port: int,
    read_only: bool,
    token: str | None,
    insecure: bool,
    allow_host: tuple[str, ...],
) -> None:
    """Serve the web UI: pipelines, launchpad, runs, assets. Ctrl-C stops it (runs it
    launched go on)."""
    loaded = _workspace(python_file, module_name, workspace)
    for location in loaded.locations:
        if location.error:
            click.echo(f"Warning: {location.error}", err=True)
    chosen = pick_port(host, port)
    hosts = tuple(allow_host)
    if host in ("0.0.0.0", "::"):  # every interface: the machine's own names are fine too
        hosts += (socket.gethostname(), socket.getfqdn())
    settings = UISettings(host, chosen, read_only, token, insecure, hosts)
    try:
        settings.check_exposure()
    except ValueError as exc:
        fail(f"{exc}; e.g. --token {secrets.token_urlsafe(16)}")
    operate = _operate(loaded)
    with open_instance() as instance:
        app = create_app(loaded, instance, settings, operate=operate)
        if chosen != port and port:
            click.echo(f"Port {port} is taken; using {chosen}.")

        def announce(url: str) -> None:
            mode = " (read-only)" if read_only else ""
            click.echo(f"daskflow UI{mode} for {', '.join(loaded.pipeline_names) or 'no pipeline'}")
            click.echo(
                f"Serving on {url}  (DASKFLOW_HOME={instance.home}; Ctrl-C to stop)", nl=True
            )

        serve(app, settings, announce)
