"""Pandas dataframe types: ``DataFrame``, its csv/parquet/table loader, and ``dataframe_type``.

Paths are any fsspec URL (``s3://``, ``memory://``...) or a local path, relative
paths being relative to the current working directory.

>>> import pandas as pd
>>> check = DataFrame.type_check(None, pd.DataFrame({"a": [1, 2]}))
>>> check.success, [(e.label, e.value) for e in check.metadata_entries][0]
(True, ('row_count', 2))
>>> Cereals = dataframe_type("Cereals", {"rating": Column(float, max_value=100)})
>>> Cereals.type_check(None, pd.DataFrame({"rating": [50.0, 101.0]})).description
'Value of type "Cereals" failed its schema: column "rating": 1 row above max_value 100'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from daskflow.config import Field, Selector, Shape, StringSource
from daskflow.metadata import EventMetadataEntry
from daskflow.types._columns import (
    Column,
    ColumnFailure,
    DataFrameSchema,
    as_columns,
    check_dataframe_partition,
    check_frame_structure,
)
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._dask import load_dask_dataframe
from daskflow.types._loaders import TypeLoader, type_loader
from daskflow.types._readers import reader_kwargs, storage_options_field, wrap_missing_file

__all__ = [
    "DataFrame",
    "DataFrameSchemaType",
    "dataframe_type",
    "failures_type_check",
    "frame_metadata",
]


PANDAS_LOADER_SCHEMA = Selector(
    {
        "csv": Shape(
            {
                "path": StringSource,
                "sep": Field(StringSource, is_required=False, description="field separator"),
                "storage_options": storage_options_field(),
            }
        ),
        "parquet": Shape(
            {
                "path": StringSource,
                "columns": Field([str], is_required=False, description="only read these columns"),
                "storage_options": storage_options_field(),
            }
        ),
        "table": Shape({"path": StringSource}),
    }
)


@type_loader(PANDAS_LOADER_SCHEMA)
def load_pandas_dataframe(_context: Any, config: Mapping[str, Any]) -> pd.DataFrame:
    """Read ``{csv: {path, sep?}}``, ``{parquet: {path, columns?}}`` or ``{table: {path}}``."""
    ((kind, params),) = config.items()
    path = params["path"]
    if kind == "csv":
        kwargs = reader_kwargs(params, "sep", "storage_options")
        return wrap_missing_file("PandasDataFrame", kind, path, lambda: pd.read_csv(path, **kwargs))
    if kind == "parquet":
        kwargs = reader_kwargs(params, "columns", "storage_options")
        return wrap_missing_file(
            "PandasDataFrame", kind, path, lambda: pd.read_parquet(path, **kwargs)
        )
    return wrap_missing_file("PandasDataFrame", kind, path, lambda: pd.read_csv(path, sep="\t"))


def frame_metadata(pdf: pd.DataFrame) -> list[EventMetadataEntry]:
    """``row_count`` and ``columns`` (names and dtypes) of a pandas frame."""
    columns = [{"name": str(name), "dtype": str(dtype)} for name, dtype in pdf.dtypes.items()]
    return [
        EventMetadataEntry.int(len(pdf), label="row_count"),
        EventMetadataEntry.json(columns, label="columns"),
    ]


def _check_pandas_frame(_context: TypeCheckContext, value: Any) -> bool | TypeCheck:
    if not isinstance(value, pd.DataFrame):
        return False
    return TypeCheck(True, metadata_entries=frame_metadata(value))


DataFrame = DaskflowType(
    "PandasDataFrame",
    _check_pandas_frame,
    loader=load_pandas_dataframe,
    description=(
        "Two-dimensional, size-mutable, potentially heterogeneous tabular data with "
        "labelled axes (rows and columns). See https://pandas.pydata.org/"
    ),
    python_type=pd.DataFrame,
)
DataFrame._pickle_by_reference(__name__, "DataFrame")


def failures_type_check(
    type_name: str,
    failures: Sequence[ColumnFailure],
    row_count: int,
    success_metadata: Sequence[EventMetadataEntry] = (),
) -> TypeCheck:
    """The TypeCheck of a schema check (whole frame, or merged partitions of a Dask frame)."""
    rows = EventMetadataEntry.int(row_count, label="row_count")
    if not failures:
        return TypeCheck(True, metadata_entries=[rows, *success_metadata])
    return TypeCheck(
        False,
        f'Value of type "{type_name}" failed its schema: '
        + "; ".join(failure.message for failure in failures),
        [EventMetadataEntry.json([f.to_dict() for f in failures], label="failures"), rows],
    )


class DataFrameSchemaType(DaskflowType):
    """A pandas DataFrame type checked against ``schema``; built by ``dataframe_type``."""

    def __init__(
        self,
        name: str,
        schema: DataFrameSchema,
        description: str | None,
        loader: TypeLoader | None = load_pandas_dataframe,
        is_dask: bool = False,
    ) -> None:
        self.schema = schema
        self.is_dask = is_dask
        kind = "partitioned Dask DataFrame" if is_dask else "pandas DataFrame"
        if description is None:
            description = f"A {kind} with columns {', '.join(schema.columns)}."
        super().__init__(
            name,
            self._check,
            loader=loader,
            description=description,
            python_type=None if is_dask else pd.DataFrame,
        )

    def _check(self, _context: TypeCheckContext, value: Any) -> TypeCheck:
        if self.is_dask and hasattr(value, "_meta"):
            # A lazy frame: its columns and dtypes from metadata, never a compute. The
            # engine checks values inside each partition's task.
            failures = check_frame_structure(self.schema, value._meta)
            return failures_type_check(self.name, failures, 0, frame_metadata(value._meta)[1:])
        if not isinstance(value, pd.DataFrame):
            return TypeCheck(
                False,
                f'Value of type "{type(value).__name__}" is not a '
                f'pandas DataFrame (type "{self.name}")',
            )
        failures = check_dataframe_partition(self.schema, value)
        return failures_type_check(self.name, failures, len(value), frame_metadata(value)[1:])


def dataframe_type(  # noqa: PLR0913 (public API: options are keyword-only)
    name: str,
    columns: Mapping[str, type | str | Column],
    *,
    checks: Sequence[Callable[[pd.DataFrame], bool | TypeCheck | str | None]] = (),
    strict: bool = False,
    description: str | None = None,
    dask: bool = False,
) -> DataFrameSchemaType:
    """A DataFrame type with a column schema; it loads like ``DataFrame``.

    ``columns`` maps names to ``Column`` rules (a type or dtype string is shorthand
    for ``Column(dtype=...)``); ``checks`` take the frame and return True/None to
    pass, or False, a message or a failing TypeCheck; ``strict`` forbids extra columns.
    ``dask=True`` makes it a partitioned Dask DataFrame type (it loads like
    ``DaskDataFrame``): solids using it build Dask graphs, and the engine runs the schema
    inside every partition's task. Checks always see one pandas frame (or partition).

    >>> Points = dataframe_type("Points", {"x": float, "y": float}, strict=True)
    >>> Points.type_check(None, pd.DataFrame({"x": [1.0], "y": [2.0]})).success
    True
    """
    schema = DataFrameSchema(as_columns(columns), tuple(checks), strict)
    if dask:
        return DataFrameSchemaType(name, schema, description, load_dask_dataframe, is_dask=True)
    return DataFrameSchemaType(name, schema, description)
