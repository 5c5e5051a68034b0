"""Assets: the catalog (each key with its last materialization) and an asset's page
(history with run, solid, time and metadata; a small chart per numeric metadata label)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from daskflow.dashboards.context import ui_context
from daskflow.instance import MaterializationRecord

__all__ = ["asset_page", "assets_list", "numeric_series"]

HISTORY = 200


@dataclass(frozen=True)
class Series:
    """One numeric metadata label over time, with its SVG polyline points (0..100)."""

    label: str
    values: list[tuple[float, float]]
    points: str
    low: float
    high: float


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def numeric_series(history: list[MaterializationRecord]) -> list[Series]:
    """Per numeric metadata label, its values oldest first, scaled into a 100x100 box.

    >>> m = lambda t, v: MaterializationRecord("a", "r", None, None, t, 1,
    ...                                        [{"label": "rows", "value": v}], None, None)
    >>> [s.points for s in numeric_series([m(2.0, 20), m(1.0, 10)])]
    ['0.0,100.0 100.0,0.0']
    """
    by_label: dict[str, list[tuple[float, float]]] = {}
    for record in sorted(history, key=lambda r: r.timestamp):
        for entry in record.metadata_entries:
            number = _number(entry.get("value"))
            if number is not None:
                by_label.setdefault(str(entry.get("label")), []).append((record.timestamp, number))
    series = []
    for label, values in by_label.items():
        times = [t for t, _ in values]
        numbers = [v for _, v in values]
        t0, t1, low, high = min(times), max(times), min(numbers), max(numbers)
        xs = [100 * (t - t0) / ((t1 - t0) or 1) for t in times]
        ys = [100 - 100 * (v - low) / ((high - low) or 1) for v in numbers]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
        series.append(Series(label, values, points, low, high))
    return series


def assets_list(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    assets = ui.instance.event_storage.get_asset_keys()
    return ui.page(request, "assets.html", assets=assets, nav="assets")


def asset_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    key = request.path_params["key"]
    history = ui.instance.event_storage.get_materializations(key, limit=HISTORY)
    if not history:
        raise HTTPException(404, f'no materialization of asset "{key}"')
    return ui.page(
        request,
        "asset.html",
        key=key,
        history=history,
        series=numeric_series(history),
        nav="assets",
    )
