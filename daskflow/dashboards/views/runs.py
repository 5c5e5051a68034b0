"""Runs: the list (counts by status, filters by pipeline/status/tag in SQL, cursor
paging, bulk cancel) and a run's page (summary, config as stored, steps with their
Gantt refreshed while it runs, actions: cancel, re-execute, open in launchpad)."""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from daskflow.dashboards.context import UIContext, ui_context
from daskflow.dashboards.dask_links import dask_links, report_path
from daskflow.dashboards.gantt import gantt
from daskflow.dashboards.task_lanes import MAX_DRAWN, task_lanes
from daskflow.dashboards.views.common import get_run
from daskflow.dashboards.views.events import PAGE as LOG_PAGE
from daskflow.dashboards.views.events import level_name, parse_log_query
from daskflow.errors import DaskflowConfigError, DaskflowInvalidDefinitionError
from daskflow.events import DaskflowEventType, RunStatus
from daskflow.instance import EventFilter, RunFilter, RunRecord, StepStatus
from daskflow.launcher import (
    PARENT_TAG,
    RunRequest,
    load_progress,
    load_task_stream,
    reexecution_steps,
    submit_run,
)

__all__ = [
    "bulk_cancel",
    "cancel",
    "partition_progress",
    "performance_report",
    "reexecute",
    "run_page",
    "run_steps",
    "runs_list",
]

PAGE_SIZE = 50
STALE_CHECK_SECONDS = 5.0
OUTPUTS_SHOWN = 500
_PRODUCED = (DaskflowEventType.HANDLED_OUTPUT, DaskflowEventType.ASSET_MATERIALIZATION)


def _filter(request: Request) -> RunFilter:
    params = request.query_params
    statuses = []
    for value in params.getlist("status"):
        if value in RunStatus.__members__:
            statuses.append(RunStatus(value))
    tags = {}
    for item in (token for text in params.getlist("tag") for token in text.split()):
        key, sep, value = item.partition("=")
        if sep and key:
            tags[key] = value
    return RunFilter(params.get("pipeline") or None, tuple(statuses), tags)


def runs_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    run_filter = _filter(request)
    storage = ui.instance.run_storage
    page = storage.get_runs_page(run_filter, request.query_params.get("cursor"), PAGE_SIZE)
    return ui.page(
        request,
        "runs.html",
        page=page,
        counts=storage.count_runs_by_status(run_filter),
        run_filter=run_filter,
        statuses=[s.value for s in RunStatus],
        tag_text=" ".join(request.query_params.getlist("tag")),
        nav="runs",
    )


def partition_progress(progress: dict[str, list[int]], step_key: str) -> tuple[int, int] | None:
    """``(done, total)`` partitions of a running Dask DataFrame step: its write tasks, else
    its check tasks, else its own tasks (when there are several).

    >>> partition_progress({"a_write": [3, 8], "a": [8, 8]}, "a"), partition_progress({}, "a")
    ((3, 8), None)
    """
    for prefix in (f"{step_key}_write", f"{step_key}_check", step_key):
        counts = progress.get(prefix)
        if counts and counts[1] > 1:
            return int(counts[0]), int(counts[1])
    return None


def _current(ui: UIContext, run: RunRecord) -> RunRecord:
    """The run, after marking it failed if its process on this host died (a killed run
    would otherwise show STARTED, or NOT_STARTED, forever); checked every few seconds."""
    if run.status.is_finished:
        return run
    now = time.monotonic()
    if now - ui.stale_checked >= STALE_CHECK_SECONDS:
        ui.stale_checked = now
        ui.launcher.reap()  # runs whose process ended before starting them
        ui.instance.mark_stale_runs()  # runs whose process died while running
        return get_run(ui, run.run_id)
    return run


def _steps_context(ui: UIContext, run: RunRecord) -> dict[str, Any]:
    stats = ui.instance.event_storage.get_step_stats(run.run_id)
    planned = run.step_selection or run.solid_selection
    if planned is None and ui.workspace.has_pipeline(run.pipeline_name):
        planned = ui.workspace.get_pipeline(run.pipeline_name).graph.node_names
    waiting = [key for key in planned or [] if key not in stats]
    chart = gantt(stats.values(), run.start_time, run.end_time, time.time())
    stream = load_task_stream(ui.instance, run.run_id) if run.status.is_finished else []
    live = {} if run.status.is_finished else load_progress(ui.instance, run.run_id)
    return {
        "partitions": {
            key: counts
            for key, step in stats.items()
            if step.status == StepStatus.IN_PROGRESS
            and (counts := partition_progress(live, key)) is not None
        },
        "lanes": task_lanes(stream, chart.start, chart.span),
        "lanes_cut": len(stream) > MAX_DRAWN,
        "run": run,
        "stats": list(stats.values()),
        "chart": chart,
        "waiting": waiting,
        "dask": dask_links(ui.instance, run),
    }


def run_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    run = _current(ui, get_run(ui, request.path_params["run_id"]))
    storage = ui.instance.run_storage
    children = storage.get_runs_page(RunFilter(tags={PARENT_TAG: run.run_id}), None, 20).runs
    log_query = request.query_params.get("q", "")
    events = ui.instance.event_storage.get_events_page(
        run.run_id, parse_log_query(log_query), limit=LOG_PAGE, newest=True
    )
    values = _steps_context(ui, run)
    values.pop("run")
    produced = ui.instance.event_storage.get_events_page(
        run.run_id, EventFilter(event_types=_PRODUCED), limit=OUTPUTS_SHOWN
    )
    return ui.page(
        request,
        "run.html",
        run=run,
        children=children,
        origin=storage.get_origin(run.run_id),
        pipeline_loaded=ui.workspace.has_pipeline(run.pipeline_name),
        log_query=log_query,
        events=events,
        page_size=LOG_PAGE,
        level_name=level_name,
        outputs=[e for e in produced if e.record.event_type == DaskflowEventType.HANDLED_OUTPUT],
        materializations=[
            e for e in produced if e.record.event_type == DaskflowEventType.ASSET_MATERIALIZATION
        ],
        nav="runs",
        **values,
    )


def run_steps(request: Request) -> HTMLResponse:
    """The steps table and Gantt (polled while the run is going)."""
    ui = ui_context(request)
    run = _current(ui, get_run(ui, request.path_params["run_id"]))
    return ui.page(request, "run_steps.html", **_steps_context(ui, run))


# A saved Dask performance report runs its own inline scripts, sandboxed (an opaque origin:
# no access to this UI's cookies or pages) and allowed to load nothing from anywhere.
REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)


def performance_report(request: Request) -> Response:
    ui = ui_context(request)
    run = get_run(ui, request.path_params["run_id"])
    path = report_path(ui.instance, run.run_id)
    if path is None:
        raise HTTPException(404, f"run {run.run_id} saved no Dask performance report")
    return FileResponse(
        path, media_type="text/html", headers={"Content-Security-Policy": REPORT_CSP}
    )


def _refresh(url: str) -> Response:
    return Response(status_code=204, headers={"HX-Redirect": url, "Location": url})


def cancel(request: Request) -> Response:
    ui = ui_context(request)
    run = get_run(ui, request.path_params["run_id"])
    ui.instance.run_storage.request_cancel(run.run_id)
    return _refresh(f"/runs/{run.run_id}")


async def bulk_cancel(request: Request) -> Response:
    ui = ui_context(request)
    form = await request.form()
    for run_id in form.getlist("run_id"):
        await run_in_threadpool(ui.instance.run_storage.request_cancel, str(run_id))
    return _refresh(request.headers.get("hx-current-url") or "/runs")


async def reexecute(request: Request) -> Response:
    """Re-execute a run: ``strategy`` ``from_failure``, ``all`` or ``selected`` (with
    ``step`` values); the new run is a child of this one."""
    ui = ui_context(request)
    parent = get_run(ui, request.path_params["run_id"])
    if not ui.workspace.has_pipeline(parent.pipeline_name):
        raise HTTPException(409, f'pipeline "{parent.pipeline_name}" is not in this workspace')
    pipeline = ui.workspace.get_pipeline(parent.pipeline_name)
    form = await request.form()
    strategy = str(form.get("strategy", "from_failure"))
    chosen = [str(s) for s in form.getlist("step")]
    if strategy == "selected" and not chosen:
        return Response("Choose at least one step to re-execute.", status_code=422)
    try:
        steps = reexecution_steps(
            ui.instance,
            pipeline,
            parent,
            strategy == "from_failure",
            chosen if strategy == "selected" else (),
        )
        run_request = RunRequest(
            pipeline.name,
            parent.run_config,
            parent.mode,
            parent_run_id=parent.run_id,
            step_selection=sorted(steps),
        )
        origin = ui.workspace.origin(pipeline.name)
        child = await run_in_threadpool(
            submit_run, ui.instance, ui.launcher, pipeline, origin, run_request
        )
    except (DaskflowConfigError, DaskflowInvalidDefinitionError) as exc:
        return Response(str(exc), status_code=422, media_type="text/plain")
    return _refresh(f"/runs/{child.run_id}")
