"""What every view of a UI server shares: the workspace (loaded code), the instance it
reads, the launcher that starts runs, the settings, and the page renderer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from daskflow.dashboards.formatting import FILTERS
from daskflow.dashboards.settings import UISettings
from daskflow.instance import HEARTBEAT_STALE_SECONDS, DaskflowInstance
from daskflow.launcher import RunLauncher, Workspace
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["TEMPLATES_DIR", "UIContext", "ui_context"]

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


@dataclass
class UIContext:
    workspace: Workspace
    instance: DaskflowInstance
    launcher: RunLauncher
    settings: UISettings
    operate: OperateWorkspace = field(default_factory=OperateWorkspace)

    def __post_init__(self) -> None:
        self.env = _environment()
        self.stale_checked = 0.0  # monotonic time runs were last checked for dead processes

    def render_text(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(**values)

    def page(
        self, request: Request, template: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        """A whole page or, for an htmx request asking for a fragment, the same template
        (templates extend ``base.html`` only when ``fragment`` is false)."""
        html = self.render_text(
            template,
            request=request,
            settings=self.settings,
            read_only=self.settings.read_only,
            csrf_token=self.settings.csrf_token,
            workspace=self.workspace,
            daemon_banner=self.daemon_banner(),
            **values,
        )
        return HTMLResponse(html, status_code=status_code)

    def daemon_banner(self) -> str | None:
        """Why schedules, sensors or backfills are not being run, when they are not: no
        daemon heartbeat within ``HEARTBEAT_STALE_SECONDS``."""
        storage = self.instance.schedule_storage
        waiting = any(
            state.is_running
            for kind in ("schedule", "sensor")
            for state in storage.all_states(kind)
        )
        if not waiting and not self.instance.queue_storage.get_backfills(
            status="REQUESTED", limit=1
        ):
            return None
        beats = storage.heartbeats()
        age = time.time() - beats[0].timestamp if beats else None
        if age is not None and age < HEARTBEAT_STALE_SECONDS:
            return None
        seen = "has never run" if age is None else f"last heartbeat {age:.0f}s ago"
        return (
            f"The daemon is not running ({seen}): running schedules, sensors and backfills "
            "launch nothing. Start it with: daskflow daemon run -f YOUR_FILE"
        )


def ui_context(request: Request) -> UIContext:
    context: UIContext = request.app.state.ui
    return context
