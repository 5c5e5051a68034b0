"""The launchpad: a pipeline's run config in a YAML editor (autocomplete from the
pipeline's JSON Schema runs in the browser), live validation with each error at its
line, scaffolding of missing required config, and Launch (through the run launcher).

A launchpad starts from a preset, from a run ("open in launchpad": its stored config,
mode, selection and tags), or empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from daskflow.config import DaskflowConfigError, example_config
from daskflow.dashboards.context import UIContext, ui_context
from daskflow.dashboards.describe import pipeline_graph
from daskflow.dashboards.formatting import to_yaml
from daskflow.dashboards.views.common import get_pipeline, get_run
from daskflow.dashboards.yaml_lines import line_of_path
from daskflow.definitions.mode import deep_merge
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.planning.selection import select_solids
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.launcher import RunRequest, submit_run
from daskflow.run_config import run_config_json_schema, run_config_schema, validate_run_config

__all__ = ["launch", "launchpad", "scaffold", "validate"]


@dataclass
class Draft:
    """What the launchpad holds: YAML text, mode, selection clauses and tags."""

    yaml_text: str
    mode: str
    selection: str
    tags: str


def _tags_text(tags: Mapping[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in tags.items() if not k.startswith("daskflow/"))


def _initial(ui: UIContext, request: Request, pipeline: PipelineDefinition) -> Draft:
    params = request.query_params
    if params.get("from_run"):
        run = get_run(ui, params["from_run"])
        return Draft(
            to_yaml(run.run_config),
            run.mode or default_mode(pipeline),
            " ".join(run.solid_selection or []),
            _tags_text(run.tags),
        )
    if params.get("preset"):
        try:
            preset = pipeline.get_preset(params["preset"])
        except DaskflowInvalidDefinitionError:
            preset = None
        if preset is not None:
            return Draft(
                to_yaml(preset.run_config),
                preset.mode,
                " ".join(preset.solid_selection or []),
                _tags_text(preset.tags),
            )
    mode = params.get("mode")
    if mode not in pipeline.mode_names:
        mode = default_mode(pipeline)
    return Draft("", mode, "", "")


def launchpad(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    if ui.settings.read_only:
        raise HTTPException(403, "This daskflow UI is read-only: runs cannot be launched.")
    pipeline = get_pipeline(ui, request.path_params["name"])
    draft = _initial(ui, request, pipeline)
    schemas = {mode: run_config_json_schema(pipeline, mode) for mode in pipeline.mode_names}
    return ui.page(
        request,
        "launchpad.html",
        pipeline=pipeline,
        draft=draft,
        schemas=schemas,
        graph=pipeline_graph(pipeline),
        preset_name=request.query_params.get("preset"),
        from_run=request.query_params.get("from_run"),
        nav="pipelines",
    )


class DraftError(Exception):
    """The draft cannot be checked at all (YAML syntax, not a mapping, bad selection)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _parse_yaml(text: str) -> dict[str, Any]:
    try:
        value = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise DraftError(f"YAML syntax error: {exc}", line) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DraftError("the run config must be a YAML mapping (key: value lines)")
    return value


def _selected(pipeline: PipelineDefinition, selection: str) -> set[str] | None:
    clauses = [c for c in selection.replace(",", " ").split() if c]
    if not clauses:
        return None
    try:
        return select_solids(pipeline.graph, clauses)
    except DaskflowInvalidDefinitionError as exc:
        raise DraftError(f"solid selection: {exc}") from None


def default_mode(pipeline: PipelineDefinition) -> str:
    """The mode a launchpad starts in: the pipeline's default, else its first."""
    names = pipeline.mode_names
    return "default" if "default" in names else names[0]


def _mode(pipeline: PipelineDefinition, mode: str | None) -> str:
    if mode and mode not in pipeline.mode_names:
        raise DraftError(f'unknown mode "{mode}"; modes: {", ".join(pipeline.mode_names)}')
    return mode or default_mode(pipeline)


def check_draft(pipeline: PipelineDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """``{"valid": bool, "errors": [{"path", "message", "hint", "line"}]}`` for a draft."""
    text = str(values.get("yaml", ""))
    try:
        config = _parse_yaml(text)
        mode = _mode(pipeline, values.get("mode"))
        selected = _selected(pipeline, str(values.get("selection", "")))
    except DraftError as exc:
        return {"valid": False, "errors": [{"path": "", "message": str(exc), "line": exc.line}]}
    result = validate_run_config(pipeline, config, mode, selected)
    errors = [
        {
            "path": error.path_str,
            "message": error.message,
            "hint": error.hint,
            "line": line_of_path(text, error.path),
        }
        for error in result.errors
    ]
    return {"valid": result.success, "errors": errors}


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def validate(request: Request) -> JSONResponse:
    ui = ui_context(request)
    pipeline = get_pipeline(ui, request.path_params["name"])
    return JSONResponse(check_draft(pipeline, await _json_body(request)))


async def scaffold(request: Request) -> JSONResponse:
    """The draft with every missing required entry added as a ``<type>`` placeholder."""
    ui = ui_context(request)
    pipeline = get_pipeline(ui, request.path_params["name"])
    body = await _json_body(request)
    try:
        config = _parse_yaml(str(body.get("yaml", "")))
        mode = _mode(pipeline, body.get("mode"))
    except DraftError as exc:
        return JSONResponse({"error": str(exc), "line": exc.line}, status_code=422)
    example = example_config(run_config_schema(pipeline, mode)) or {}
    merged = deep_merge(example, config)
    return JSONResponse({"yaml": to_yaml(merged)})


def _parse_tags(text: str) -> dict[str, str]:
    tags = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise DraftError(f'tags line {number}: expected key=value, got "{line.strip()}"')
        tags[key.strip()] = value.strip()
    return tags


async def launch(request: Request) -> Response:
    """Launch the draft: on success ``HX-Redirect`` to the new run's page; otherwise the
    errors (422), nothing stored."""
    ui = ui_context(request)
    pipeline = get_pipeline(ui, request.path_params["name"])
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    checked = check_draft(pipeline, values)
    if not checked["valid"]:
        return JSONResponse(checked, status_code=422)
    try:
        run_request = RunRequest(
            pipeline.name,
            _parse_yaml(values.get("yaml", "")),
            values.get("mode") or None,
            [c for c in values.get("selection", "").replace(",", " ").split() if c],
            _parse_tags(values.get("tags", "")),
        )
        origin = ui.workspace.origin(pipeline.name)
        run = await run_in_threadpool(
            submit_run, ui.instance, ui.launcher, pipeline, origin, run_request
        )
    except (DraftError, DaskflowConfigError, DaskflowInvalidDefinitionError) as exc:
        error = {"path": "", "message": str(exc), "line": getattr(exc, "line", 1)}
        return JSONResponse({"valid": False, "errors": [error]}, status_code=422)
    url = f"/runs/{run.run_id}"
    return Response(status_code=204, headers={"HX-Redirect": url, "Location": url})
