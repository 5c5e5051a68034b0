"""Helpers shared by the views: looking up a pipeline or run (404 otherwise), the
latest-runs strip, and JSON error answers."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from daskflow.dashboards.context import UIContext
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.instance import DaskflowAmbiguousRunIdError, RunFilter, RunRecord

__all__ = ["get_pipeline", "get_run", "latest_runs"]


def get_pipeline(ui: UIContext, name: str) -> PipelineDefinition:
    if not ui.workspace.has_pipeline(name):
        raise HTTPException(404, f'no pipeline "{name}" in this workspace')
    return ui.workspace.get_pipeline(name)


def get_run(ui: UIContext, run_id: str) -> RunRecord:
    try:
        run = ui.instance.run_storage.get_run(run_id)
    except DaskflowAmbiguousRunIdError as exc:
        raise HTTPException(404, str(exc)) from None
    if run is None:
        raise HTTPException(404, f'no run "{run_id}"')
    return run


def latest_runs(ui: UIContext, pipeline_name: str, limit: int = 5) -> list[RunRecord]:
    page = ui.instance.run_storage.get_runs_page(
        RunFilter(pipeline_name=pipeline_name), None, limit
    )
    return page.runs
