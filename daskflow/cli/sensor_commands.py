"""``daskflow sensor list | start | stop | ticks | purge-ticks | preview``."""

from __future__ import annotations

import json
import time

import click

from daskflow.cli.common import fail, open_instance
from daskflow.cli.operate_common import load_workspace, workspace_options
from daskflow.cli.tick_commands import add_tick_commands
from daskflow.daemon import SENSOR
from daskflow.definitions.operate import SensorEvaluationContext
from daskflow.errors import DaskflowError

__all__ = ["sensor_group"]


@click.group("sensor")
def sensor_group() -> None:
    """Sensors: list, start, stop, their ticks, and what one evaluation would ask for."""


@sensor_group.command("list")
@workspace_options
def list_sensors(python_file: str | None, module_name: str | None, workspace: str | None) -> None:
    """Each sensor: pipeline, interval, state and cursor."""
    loaded = load_workspace(python_file, module_name, workspace)
    with open_instance() as instance:
        for sensor in loaded.sensors.values():
            state = instance.schedule_storage.get_state(SENSOR, sensor.name)
            status = state.status if state else "STOPPED"
            cursor = state.cursor if state else None
            click.echo(
                f"{sensor.name}  {sensor.pipeline_name}  every {sensor.minimum_interval_seconds:g}s"
                f"  {status}  cursor: {cursor or '-'}"
            )


@sensor_group.command("start")
@click.argument("name")
@workspace_options
def start(
    name: str, python_file: str | None, module_name: str | None, workspace: str | None
) -> None:
    """Start a sensor."""
    loaded = load_workspace(python_file, module_name, workspace)
    try:
        loaded.sensor(name)
    except DaskflowError as exc:
        fail(str(exc))
    with open_instance() as instance:
        instance.schedule_storage.start(SENSOR, name, None, time.time())
    click.echo(f"Started sensor {name}.")


@sensor_group.command("stop")
@click.argument("name")
def stop(name: str) -> None:
    """Stop a sensor."""
    with open_instance() as instance:
        stopped = instance.schedule_storage.stop(SENSOR, name)
    click.echo(f"Stopped sensor {name}." if stopped else f"Sensor {name} was not running.")


@sensor_group.command("preview")
@click.argument("name")
@click.option("--cursor", help="Evaluate with this cursor (default: the stored one).")
@workspace_options
def preview(
    name: str,
    cursor: str | None,
    python_file: str | None,
    module_name: str | None,
    workspace: str | None,
) -> None:
    """Evaluate the sensor once and print its run requests (nothing is launched)."""
    loaded = load_workspace(python_file, module_name, workspace)
    with open_instance() as instance:
        state = instance.schedule_storage.get_state(SENSOR, name)
    stored = state.cursor if state else None
    try:
        result = loaded.sensor(name).evaluate(
            SensorEvaluationContext(cursor if cursor is not None else stored, time.time())
        )
    except DaskflowError as exc:
        fail(str(exc))
    for request in result.run_requests:
        click.echo(f"run_key={request.run_key}  run_config={json.dumps(dict(request.run_config))}")
    if result.skip_reason:
        click.echo(f"skip: {result.skip_reason}")
    click.echo(f"cursor: {result.cursor or '-'}")


add_tick_commands(sensor_group, SENSOR)
