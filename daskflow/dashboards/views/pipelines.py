"""Pipelines: the list (each with its latest runs), a pipeline's page (DAG, per-solid
panels, modes and presets) and solid selection (which solids a query selects)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from daskflow.dashboards.context import ui_context
from daskflow.dashboards.describe import config_rows, pipeline_graph, solid_info
from daskflow.dashboards.views.common import get_pipeline, latest_runs
from daskflow.engine.planning.selection import select_solids
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["home", "pipeline_page", "pipelines_list", "selection"]


def home(_request: Request) -> Response:
    return RedirectResponse("/pipelines", 307)


def pipelines_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    rows = [
        (ui.workspace.get_pipeline(name), latest_runs(ui, name))
        for name in ui.workspace.pipeline_names
    ]
    return ui.page(
        request, "pipelines.html", rows=rows, locations=ui.workspace.locations, nav="pipelines"
    )


def _modes(pipeline: object) -> list[dict[str, object]]:
    return [
        {
            "name": mode.name,
            "description": mode.description,
            "resources": [
                (key, definition.description, config_rows(definition.config_field))
                for key, definition in sorted(mode.resource_defs.items())
            ],
        }
        for mode in pipeline.mode_defs  # type: ignore[attr-defined]
    ]


def pipeline_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    pipeline = get_pipeline(ui, request.path_params["name"])
    return ui.page(
        request,
        "pipeline.html",
        pipeline=pipeline,
        graph=pipeline_graph(pipeline),
        solids=[solid_info(pipeline, node) for node in pipeline.solids],
        modes=_modes(pipeline),
        runs=latest_runs(ui, pipeline.name, 10),
        origin=ui.workspace.origin(pipeline.name),
        nav="pipelines",
    )


def selection(request: Request) -> JSONResponse:
    """``{"solids": [...]}`` selected by ``?q=`` (comma/space separated clauses)."""
    ui = ui_context(request)
    pipeline = get_pipeline(ui, request.path_params["name"])
    clauses = [c for c in request.query_params.get("q", "").replace(",", " ").split() if c]
    if not clauses:
        return JSONResponse({"solids": pipeline.graph.node_names, "all": True})
    try:
        chosen = select_solids(pipeline.graph, clauses)
    except DaskflowInvalidDefinitionError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)
    return JSONResponse({"solids": [n for n in pipeline.graph.node_names if n in chosen]})
