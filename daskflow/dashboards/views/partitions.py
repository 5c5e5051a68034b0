"""Partition sets (a partition × step status matrix from one SQL query) and backfills with
their progress per partition."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from daskflow.dashboards.context import ui_context
from daskflow.instance import BackfillRecord

__all__ = ["backfill_page", "backfills_list", "partition_set_page", "partition_sets_list"]

_MAX_PARTITIONS = 5000


def partition_sets_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    sets = list(ui.operate.partition_sets.values())
    return ui.page(request, "partition_sets.html", partition_sets=sets, nav="partitions")


def partition_set_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    name = request.path_params["name"]
    if name not in ui.operate.partition_sets:
        raise HTTPException(404, f'no partition set "{name}" in this workspace')
    partition_set = ui.operate.partition_sets[name]
    names = [p.name for p in partition_set.get_partitions()][-_MAX_PARTITIONS:]
    matrix = ui.instance.queue_storage.partition_step_matrix(name)
    latest = ui.instance.queue_storage.partition_status(name)
    steps = _steps(ui.operate.pipeline(partition_set.pipeline_name).graph.node_names, matrix)
    return ui.page(
        request,
        "partition_set.html",
        partition_set=partition_set,
        names=names,
        steps=steps,
        matrix=matrix,
        latest=latest,
        nav="partitions",
    )


def _steps(nodes: list[str], matrix: dict[str, dict[str, str]]) -> list[str]:
    seen = {step for row in matrix.values() for step in row}
    return [*nodes, *sorted(seen - set(nodes))]


def _progress(ui_status: dict[str, tuple[str, str]], backfill: BackfillRecord) -> dict[str, int]:
    counts = {"not started": len(backfill.partition_names) - len(ui_status)}
    for state, _ in ui_status.values():
        counts[state] = counts.get(state, 0) + 1
    return counts


def backfills_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    storage = ui.instance.queue_storage
    rows = []
    for backfill in storage.get_backfills():
        status = storage.partition_status(backfill.partition_set, backfill.backfill_id)
        rows.append((backfill, _progress(status, backfill)))
    return ui.page(request, "backfills.html", rows=rows, nav="backfills")


def backfill_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    storage = ui.instance.queue_storage
    backfill = storage.get_backfill(request.path_params["backfill_id"])
    if backfill is None:
        raise HTTPException(404, f'no backfill "{request.path_params["backfill_id"]}"')
    status = storage.partition_status(backfill.partition_set, backfill.backfill_id)
    return ui.page(
        request,
        "backfill.html",
        backfill=backfill,
        status=status,
        progress=_progress(status, backfill),
        nav="backfills",
    )
