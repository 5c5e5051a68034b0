"""``DaskDataFrame``: a lazy dask frame, checked and loaded without computing anything.

``dask.dataframe`` is imported only inside functions so that importing
``daskflow.types`` stays fast.

>>> DaskDataFrame.name, DaskDataFrame.type_check(None, [1, 2]).success
('DaskDataFrame', False)
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import daskflow.config as _config
from daskflow.config import Field, Selector, Shape, StringSource
from daskflow.definitions.metadata import EventMetadataEntry
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._dataframe import reader_kwargs, storage_options_field, wrap_missing_file
from daskflow.types._errors import DaskflowTypeLoadError
from daskflow.types._loaders import type_loader

__all__ = ["DaskDataFrame", "load_dask_dataframe"]

DASK_LOADER_SCHEMA = Selector(
    {
        "parquet": Shape(
            {
                "path": StringSource,
                "columns": Field([str], is_required=False, description="only read these columns"),
                "filters": Field(
                    _config.Any,
                    is_required=False,
                    description='row filters, e.g. [["year", ">=", 2020]]',
                ),
                "storage_options": storage_options_field(),
            }
        ),
        "csv": Shape(
            {
                "path": StringSource,
                "storage_options": storage_options_field(),
                "blocksize": Field(
                    _config.Any,
                    is_required=False,
                    description='bytes per partition: an int or a string like "64MB"',
                ),
            }
        ),
    }
)


def _normalise_filters(filters: Any) -> Any:
    """YAML gives lists; pyarrow wants ``[(col, op, value)]`` or a list of such lists."""
    if not isinstance(filters, list | tuple):
        raise DaskflowTypeLoadError(
            f'DaskDataFrame loader: "parquet.filters" must be a list, got {filters!r}',
            config_key="parquet.filters",
        )

    def is_predicate(item: Any) -> bool:
        return isinstance(item, list | tuple) and len(item) == 3 and isinstance(item[0], str)

    if all(is_predicate(item) for item in filters):
        return [tuple(item) for item in filters]
    return [[tuple(p) for p in group] for group in filters]


def _csv_blocksize(params: Mapping[str, Any]) -> dict[str, Any]:
    blocksize = params.get("blocksize")
    if blocksize is None:
        return {}
    if isinstance(blocksize, bool) or not isinstance(blocksize, int | str):
        raise DaskflowTypeLoadError(
            f'DaskDataFrame loader: "csv.blocksize" must be an int or a string like "64MB", '
            f"got {blocksize!r}",
            config_key="csv.blocksize",
        )
    return {"blocksize": blocksize}


@type_loader(DASK_LOADER_SCHEMA)
def load_dask_dataframe(_context: Any, config: Mapping[str, Any]) -> Any:
    """A lazy ``dd.read_parquet`` or ``dd.read_csv`` frame (only metadata is read)."""
    import dask.dataframe as dd

    ((kind, params),) = config.items()
    path = params["path"]
    if kind == "parquet":
        kwargs = reader_kwargs(params, "columns", "storage_options")
        if params.get("filters") is not None:
            kwargs["filters"] = _normalise_filters(params["filters"])
        return wrap_missing_file(
            "DaskDataFrame", kind, path, lambda: dd.read_parquet(path, **kwargs)
        )
    kwargs = {**reader_kwargs(params, "storage_options"), **_csv_blocksize(params)}
    return wrap_missing_file("DaskDataFrame", kind, path, lambda: dd.read_csv(path, **kwargs))


def _check_dask_frame(_context: TypeCheckContext, value: Any) -> bool | TypeCheck:
    dask_dataframe = sys.modules.get("dask.dataframe")  # a dask frame implies it is imported
    if dask_dataframe is None or not isinstance(value, dask_dataframe.DataFrame):
        return False
    meta = value._meta  # the empty pandas frame describing the partitions: no compute
    columns = [{"name": str(name), "dtype": str(dtype)} for name, dtype in meta.dtypes.items()]
    return TypeCheck(
        True,
        metadata_entries=[
            EventMetadataEntry.int(value.npartitions, label="npartitions"),
            EventMetadataEntry.json(columns, label="columns"),
        ],
    )


DaskDataFrame = DaskflowType(
    "DaskDataFrame",
    _check_dask_frame,
    loader=load_dask_dataframe,
    description="A lazy, partitioned dask DataFrame: checked from its metadata, never computed.",
)
DaskDataFrame._pickle_by_reference(__name__, "DaskDataFrame")
