"""``DaskDataFrame`` and ``DaskSeries``: lazy dask collections, checked without computing.

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
from daskflow.errors import DaskflowTypeLoadError
from daskflow.metadata import EventMetadataEntry
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._loaders import type_loader
from daskflow.types._parquet_filters import parquet_schema, typed_filters
from daskflow.types._readers import reader_kwargs, storage_options_field, wrap_missing_file

__all__ = ["DaskDataFrame", "DaskSeries", "load_dask_dataframe"]

DASK_LOADER_SCHEMA = Selector(
    {
        "parquet": Shape(
            {
                "path": StringSource,
                "columns": Field([str], is_required=False, description="only read these columns"),
                "filters": Field(
                    _config.Any,
                    is_required=False,
                    description='row filters, e.g. [["l_shipdate", "<=", "1998-09-02"]]; '
                    "literals are converted to the column's type (dates, timestamps, "
                    "decimals)",
                ),
                "storage_options": storage_options_field(),
                "split_row_groups": Field(
                    _config.Any,
                    is_required=False,
                    description='"infer" (default), "adaptive", true (one row group per '
                    "partition), false (one file per partition) or an int (row groups per "
                    "partition)",
                ),
                "blocksize": Field(
                    _config.Any,
                    is_required=False,
                    description='target partition size with split_row_groups "infer" or '
                    '"adaptive": an int or a string like "256MB"',
                ),
                "aggregate_files": Field(
                    bool,
                    is_required=False,
                    description="let one partition combine row groups of several files "
                    "(with split_row_groups/blocksize)",
                ),
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


def _split_row_groups(params: Mapping[str, Any]) -> dict[str, Any]:
    value = params.get("split_row_groups")
    if value is None:
        return {}
    ok = (
        value in ("infer", "adaptive")
        or isinstance(value, bool)
        or (isinstance(value, int) and value > 0)
    )
    if not ok:
        raise DaskflowTypeLoadError(
            'DaskDataFrame loader: "parquet.split_row_groups" must be "infer", "adaptive", '
            f"true, false or a positive int, got {value!r}",
            config_key="parquet.split_row_groups",
        )
    return {"split_row_groups": value}


def _blocksize(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    blocksize = params.get("blocksize")
    if blocksize is None:
        return {}
    if isinstance(blocksize, bool) or not isinstance(blocksize, int | str):
        raise DaskflowTypeLoadError(
            f'DaskDataFrame loader: "{kind}.blocksize" must be an int or a string like "64MB", '
            f"got {blocksize!r}",
            config_key=f"{kind}.blocksize",
        )
    if isinstance(blocksize, str):
        from dask.utils import parse_bytes

        try:
            parse_bytes(blocksize)
        except ValueError as exc:
            raise DaskflowTypeLoadError(
                f'DaskDataFrame loader: "{kind}.blocksize" {blocksize!r} is not a size such '
                f'as "64MB": {exc}',
                config_key=f"{kind}.blocksize",
            ) from exc
    return {"blocksize": blocksize}


@type_loader(DASK_LOADER_SCHEMA)
def load_dask_dataframe(_context: Any, config: Mapping[str, Any]) -> Any:
    """A lazy ``dd.read_parquet`` or ``dd.read_csv`` frame (only metadata is read)."""
    import dask.dataframe as dd

    ((kind, params),) = config.items()
    path = params["path"]
    if kind == "parquet":
        kwargs = {
            **reader_kwargs(params, "columns", "storage_options", "aggregate_files"),
            **_split_row_groups(params),
            **_blocksize(kind, params),
        }

        def read() -> Any:
            if params.get("filters") is not None:
                kwargs["filters"] = typed_filters(
                    params["filters"],
                    lambda: parquet_schema(path, params.get("storage_options")),
                )
            return dd.read_parquet(path, **kwargs)

        return wrap_missing_file("DaskDataFrame", kind, path, read)
    kwargs = {**reader_kwargs(params, "storage_options"), **_blocksize(kind, params)}
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


def _check_dask_series(_context: TypeCheckContext, value: Any) -> bool | TypeCheck:
    dask_dataframe = sys.modules.get("dask.dataframe")
    if dask_dataframe is None or not isinstance(value, dask_dataframe.Series):
        return False
    meta = value._meta
    return TypeCheck(
        True,
        metadata_entries=[
            EventMetadataEntry.int(value.npartitions, label="npartitions"),
            EventMetadataEntry.json(
                {"name": str(meta.name), "dtype": str(meta.dtype)}, label="series"
            ),
        ],
    )


DaskSeries = DaskflowType(
    "DaskSeries",
    _check_dask_series,
    description="A lazy, partitioned dask Series: checked from its metadata, never computed.",
)
DaskSeries._pickle_by_reference(__name__, "DaskSeries")
