"""What the pandas and the Dask frame loaders share: storage options, missing files, kwargs.

>>> reader_kwargs({"sep": ";", "columns": None, "storage_options": {}}, "sep", "columns",
...               "storage_options")
{'sep': ';'}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from daskflow.config import Field, Permissive
from daskflow.errors import DaskflowTypeLoadError

__all__ = ["reader_kwargs", "storage_options_field", "wrap_missing_file"]


def storage_options_field() -> Field:
    """Optional fsspec ``storage_options`` (credentials, endpoint_url, ...)."""
    return Field(
        Permissive(),
        is_required=False,
        description="fsspec storage options, e.g. key/secret/endpoint_url for S3",
    )


def wrap_missing_file(type_name: str, kind: str, path: str, read: Callable[[], Any]) -> Any:
    """Run ``read()``, turning a missing file into a DaskflowTypeLoadError naming the path.

    Missing means FileNotFoundError, or dask's OSError for a glob that matched nothing.
    """
    try:
        return read()
    except OSError as exc:
        if not isinstance(exc, FileNotFoundError) and "resolved to no files" not in str(exc):
            raise
        where = path
        if "://" not in path and not os.path.isabs(path):
            where = f"{path} (resolved to {os.path.abspath(path)})"
        raise DaskflowTypeLoadError(
            f'{type_name} loader: config "{kind}.path" names no existing file: {where}',
            config_key=f"{kind}.path",
            path=path,
        ) from exc


def reader_kwargs(params: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The optional keyword arguments that are set (an empty storage_options is dropped)."""
    return {name: params[name] for name in names if params.get(name) not in (None, {})}
