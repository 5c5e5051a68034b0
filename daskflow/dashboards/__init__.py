"""The web UI (``daskflow ui``): pipelines and their DAGs, a launchpad with a schema-aware
YAML editor, runs with live event logs and a Gantt of their steps, assets and the
instance, served by Starlette from server-rendered pages and a few vendored scripts.

The UI reads the instance and launches runs through ``daskflow.launcher`` (each in a
process of its own); it never executes a pipeline itself.
"""

from daskflow.dashboards.app import create_app
from daskflow.dashboards.serve import pick_port, serve, ui_url
from daskflow.dashboards.settings import UISettings

__all__ = ["UISettings", "create_app", "pick_port", "serve", "ui_url"]
