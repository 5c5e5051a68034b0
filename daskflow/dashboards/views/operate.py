"""Schedules and sensors: their state, next ticks, tick history (runs, errors, skip
reasons), and start/stop (POST, with the page's CSRF token; refused read-only)."""

from __future__ import annotations

import time
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from daskflow.dashboards.context import UIContext, ui_context
from daskflow.definitions.operate import ScheduleDefinition, SensorDefinition

__all__ = [
    "schedule_action",
    "schedule_page",
    "schedules_list",
    "sensor_action",
    "sensor_page",
    "sensors_list",
]

SCHEDULE = "schedule"
SENSOR = "sensor"


def _schedule(ui: UIContext, name: str) -> ScheduleDefinition:
    if name not in ui.operate.schedules:
        raise HTTPException(404, f'no schedule "{name}" in this workspace')
    return ui.operate.schedules[name]


def _sensor(ui: UIContext, name: str) -> SensorDefinition:
    if name not in ui.operate.sensors:
        raise HTTPException(404, f'no sensor "{name}" in this workspace')
    return ui.operate.sensors[name]


def _next_ticks(schedule: ScheduleDefinition, count: int) -> list[str]:
    return [
        datetime.fromtimestamp(t, schedule.zone).isoformat()
        for t in schedule.next_tick_times(time.time(), count)
    ]


def _status(ui: UIContext, kind: str, name: str) -> str:
    state = ui.instance.schedule_storage.get_state(kind, name)
    return state.status if state else "STOPPED"


def schedules_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    rows = [
        (schedule, _status(ui, SCHEDULE, schedule.name), _next_ticks(schedule, 1)[0])
        for schedule in ui.operate.schedules.values()
    ]
    return ui.page(request, "schedules.html", rows=rows, nav="schedules")


def schedule_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    schedule = _schedule(ui, request.path_params["name"])
    ui.instance.mark_interrupted_ticks()  # ticks whose daemon died are shown ended, with why
    ticks = ui.instance.schedule_storage.get_ticks(SCHEDULE, schedule.name, limit=100)
    return ui.page(
        request,
        "schedule.html",
        schedule=schedule,
        status=_status(ui, SCHEDULE, schedule.name),
        next_ticks=_next_ticks(schedule, 5),
        ticks=[(t, datetime.fromtimestamp(t.tick_time, schedule.zone).isoformat()) for t in ticks],
        nav="schedules",
    )


def _redirect(url: str) -> Response:
    return Response(status_code=204, headers={"HX-Redirect": url, "Location": url})


def schedule_action(request: Request) -> Response:
    ui = ui_context(request)
    schedule = _schedule(ui, request.path_params["name"])
    action = request.path_params["action"]
    storage = ui.instance.schedule_storage
    if action == "start":
        storage.start(SCHEDULE, schedule.name, schedule.clock_spec, time.time())
    elif action == "stop":
        storage.stop(SCHEDULE, schedule.name)
    else:
        raise HTTPException(404, f'no action "{action}" (start or stop)')
    return _redirect(f"/schedules/{schedule.name}")


def sensors_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    rows = []
    for sensor in ui.operate.sensors.values():
        state = ui.instance.schedule_storage.get_state(SENSOR, sensor.name)
        rows.append((sensor, state.status if state else "STOPPED", state.cursor if state else None))
    return ui.page(request, "sensors.html", rows=rows, nav="sensors")


def sensor_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    sensor = _sensor(ui, request.path_params["name"])
    ui.instance.mark_interrupted_ticks()
    state = ui.instance.schedule_storage.get_state(SENSOR, sensor.name)
    ticks = ui.instance.schedule_storage.get_ticks(SENSOR, sensor.name, limit=100)
    return ui.page(
        request,
        "sensor.html",
        sensor=sensor,
        status=state.status if state else "STOPPED",
        cursor=state.cursor if state else None,
        ticks=ticks,
        nav="sensors",
    )


def sensor_action(request: Request) -> Response:
    ui = ui_context(request)
    sensor = _sensor(ui, request.path_params["name"])
    action = request.path_params["action"]
    storage = ui.instance.schedule_storage
    if action == "start":
        storage.start(SENSOR, sensor.name, None, time.time())
    elif action == "stop":
        storage.stop(SENSOR, sensor.name)
    else:
        raise HTTPException(404, f'no action "{action}" (start or stop)')
    return _redirect(f"/sensors/{sensor.name}")
