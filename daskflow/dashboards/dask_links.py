"""What a run page links to on the Dask side: the live dashboard (while the run goes) and
the saved performance report (after), both read from the run's engine events.

The dashboard link of a ``LocalCluster`` names the machine's address while its dashboard
listens on 127.0.0.1 (with ``processes: false`` in particular), so for local clusters the
host is rewritten to 127.0.0.1: the link then works. A report is only served from the
instance's ``reports/`` folder.

>>> local_dashboard_link("http://10.1.2.3:8787/status")
'http://127.0.0.1:8787/status'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from daskflow.events import DaskflowEventType
from daskflow.instance import DaskflowInstance, EventFilter, RunRecord

__all__ = ["DaskLinks", "dask_links", "local_dashboard_link", "report_path"]


@dataclass(frozen=True)
class DaskLinks:
    dashboard: str | None
    report: bool


def local_dashboard_link(link: str) -> str:
    parts = urlsplit(link)
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"127.0.0.1{port}"))


def _is_local_cluster(run: RunRecord) -> bool:
    execution = run.run_config.get("execution") or {}
    cluster = (execution.get("dask") or {}).get("cluster") if isinstance(execution, dict) else None
    return isinstance(cluster, dict) and "local" in cluster


def report_path(instance: DaskflowInstance, run_id: str) -> Path | None:
    """The run's saved performance report, if there is one in ``<home>/reports``."""
    path = Path(instance.home) / "reports" / f"{run_id}.html"
    return path if path.is_file() else None


def dask_links(instance: DaskflowInstance, run: RunRecord) -> DaskLinks:
    dashboard = None
    if not run.status.is_finished:
        engine_events = EventFilter(event_types=(DaskflowEventType.ENGINE_EVENT,))
        for event in instance.event_storage.get_events_page(run.run_id, engine_events, limit=20):
            link = event.record.data.get("dashboard_link")
            if link:
                dashboard = local_dashboard_link(link) if _is_local_cluster(run) else link
    return DaskLinks(dashboard, report_path(instance, run.run_id) is not None)
