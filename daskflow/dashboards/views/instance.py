"""The instance page: home directory, storage (URL without password), versions, and the
disk space the home uses."""

from __future__ import annotations

import contextlib
import os
import platform
from importlib import metadata
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse

from daskflow.dashboards.context import ui_context

__all__ = ["instance_page"]

_PACKAGES = ("daskflow", "dask", "distributed", "pandas", "pyarrow", "sqlalchemy", "starlette")


def _size(path: Path, limit: int = 100_000) -> int:
    total = 0
    for count, (root, _dirs, files) in enumerate(os.walk(path)):
        if count > limit:
            break
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def instance_page(request: Request) -> HTMLResponse:
    ui = ui_context(request)
    instance = ui.instance
    versions = [("python", platform.python_version())] + [(p, _version(p)) for p in _PACKAGES]
    return ui.page(
        request,
        "instance.html",
        home=str(instance.home),
        database=instance.database_url,
        storage_dir=instance.storage_dir,
        used=_human(_size(Path(instance.home))),
        versions=versions,
        nav="instance",
    )
