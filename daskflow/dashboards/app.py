"""The UI's Starlette application: its routes, the security middleware, static files.

GET routes only read the instance; POST routes (launch, cancel, re-execute) go through
the run launcher and need the page's CSRF token (and are refused in read-only mode).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from daskflow.dashboards.context import UIContext
from daskflow.dashboards.security import SecurityMiddleware
from daskflow.dashboards.settings import UISettings
from daskflow.dashboards.views import (
    assets,
    events,
    instance,
    launchpad,
    operate,
    partitions,
    pipelines,
    runs,
)
from daskflow.instance import DaskflowInstance
from daskflow.launcher import RunLauncher, SubprocessRunLauncher, Workspace
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["STATIC_DIR", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"

ROUTES = [
    Route("/", pipelines.home),
    Route("/pipelines", pipelines.pipelines_list),
    Route("/pipelines/{name}", pipelines.pipeline_page),
    Route("/pipelines/{name}/selection", pipelines.selection),
    Route("/pipelines/{name}/launchpad", launchpad.launchpad),
    Route("/pipelines/{name}/validate", launchpad.validate, methods=["POST"]),
    Route("/pipelines/{name}/scaffold", launchpad.scaffold, methods=["POST"]),
    Route("/pipelines/{name}/launch", launchpad.launch, methods=["POST"]),
    Route("/runs", runs.runs_list),
    Route("/runs/cancel", runs.bulk_cancel, methods=["POST"]),
    Route("/runs/{run_id}", runs.run_page),
    Route("/runs/{run_id}/steps", runs.run_steps),
    Route("/runs/{run_id}/events", events.events_fragment),
    Route("/runs/{run_id}/report", runs.performance_report),
    Route("/runs/{run_id}/events/stream", events.event_stream),
    Route("/runs/{run_id}/cancel", runs.cancel, methods=["POST"]),
    Route("/runs/{run_id}/reexecute", runs.reexecute, methods=["POST"]),
    Route("/assets", assets.assets_list),
    Route("/assets/{key:path}", assets.asset_page),
    Route("/instance", instance.instance_page),
    Route("/schedules", operate.schedules_list),
    Route("/schedules/{name}", operate.schedule_page),
    Route("/schedules/{name}/{action:str}", operate.schedule_action, methods=["POST"]),
    Route("/sensors", operate.sensors_list),
    Route("/sensors/{name}", operate.sensor_page),
    Route("/sensors/{name}/{action:str}", operate.sensor_action, methods=["POST"]),
    Route("/partitions", partitions.partition_sets_list),
    Route("/partitions/{name}", partitions.partition_set_page),
    Route("/backfills", partitions.backfills_list),
    Route("/backfills/{backfill_id}", partitions.backfill_page),
]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    ui: UIContext = request.app.state.ui
    if request.headers.get("hx-request") or request.method != "GET":
        return Response(exc.detail, status_code=exc.status_code, media_type="text/plain")
    html = ui.render_text(
        "error.html",
        request=request,
        settings=ui.settings,
        read_only=ui.settings.read_only,
        csrf_token=ui.settings.csrf_token,
        status=exc.status_code,
        detail=exc.detail,
    )
    return HTMLResponse(html, status_code=exc.status_code)


def create_app(
    workspace: Workspace,
    instance: DaskflowInstance,
    settings: UISettings | None = None,
    launcher: RunLauncher | None = None,
    operate: OperateWorkspace | None = None,
) -> Starlette:
    """The UI for ``workspace`` over ``instance`` (which must outlive the app); the
    schedules, sensors and partition sets of ``operate`` get their pages."""
    settings = settings or UISettings()
    app = Starlette(
        routes=[*ROUTES, Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")],
        middleware=[Middleware(SecurityMiddleware, settings=settings)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.ui = UIContext(
        workspace,
        instance,
        launcher or SubprocessRunLauncher(),
        settings,
        operate or OperateWorkspace(),
    )
    return app
