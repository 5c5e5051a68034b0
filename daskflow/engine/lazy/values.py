"""Recognising Dask DataFrame steps and values, and checking lazy frames without computing.

>>> from daskflow.types import DaskDataFrame, DataFrame
>>> is_dask_frame_type(DaskDataFrame), is_dask_frame_type(DataFrame)
(True, False)
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import pandas as pd

from daskflow.engine.lazy.partitions import check_partition, has_value_rules, output_schema
from daskflow.engine.step import step_io
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.events import DaskflowEventType
from daskflow.types import DaskDataFrame, check_frame_structure

__all__ = [
    "check_meta",
    "inline_checked",
    "is_dask_collection",
    "is_dask_frame",
    "is_dask_frame_type",
    "is_lazy_step",
    "schema_meta",
    "wants_pandas",
]


def is_dask_frame_type(daskflow_type: Any) -> bool:
    """``DaskDataFrame`` or a ``dataframe_type(..., dask=True)`` (also inside List/Optional)."""
    if daskflow_type is DaskDataFrame or getattr(daskflow_type, "is_dask", False):
        return True
    inner = getattr(daskflow_type, "inner_type", None)
    return inner is not None and is_dask_frame_type(inner)


def is_lazy_step(step: Any) -> bool:
    """A step whose solid builds Dask collections on the coordinator."""
    definition = step.definition
    if getattr(definition, "lazy", None) is not None:
        return bool(definition.lazy)
    types = [d.daskflow_type for d in (*definition.input_defs, *definition.output_defs)]
    return any(is_dask_frame_type(t) for t in types)


def is_dask_collection(value: Any) -> bool:
    return hasattr(value, "__dask_graph__") and hasattr(value, "__dask_postcompute__")


def is_dask_frame(value: Any) -> bool:
    dask_dataframe = sys.modules.get("dask.dataframe")
    return dask_dataframe is not None and isinstance(
        value, dask_dataframe.DataFrame | dask_dataframe.Series
    )


_KIND_DTYPES = {
    "float": "float64",
    "int": "int64",
    "bool": "bool",
    "str": "str",
    "datetime": "datetime64[ns]",
    "timedelta": "timedelta64[ns]",
    "category": "category",
    "object": "object",
}


def schema_meta(daskflow_type: Any) -> pd.DataFrame | None:
    """An empty frame with the dtypes a column schema declares, if it declares them all.

    A Dask solid reading a pandas solid's output needs the frame's columns before that
    solid has run: they come from the output's ``dataframe_type``.
    """
    schema = output_schema(daskflow_type)
    if schema is None or not schema.columns:
        return None
    dtypes = {}
    for name, column in schema.columns.items():
        rule = column.dtype_rule
        if rule is None:
            return None
        dtypes[name] = rule.exact if rule.exact is not None else _KIND_DTYPES[rule.kind]
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})


def wants_pandas(daskflow_type: Any) -> bool:
    """A pandas-typed output: a Dask frame returned for it is computed into one frame."""
    return getattr(daskflow_type, "python_type", None) is pd.DataFrame


def check_meta(
    step: Any, name: str, daskflow_type: Any, value: Any, resources: Any, emitter: StepEmitter
) -> None:
    """Check a lazy output's columns and dtypes from its metadata (nothing is computed).

    Values are checked per partition inside the graph; this catches a missing column or a
    wrong dtype before anything runs.
    """
    schema = output_schema(daskflow_type)
    if schema is None:
        if daskflow_type is not DaskDataFrame and not is_dask_frame_type(daskflow_type):
            step_io.check_type(step, "output", name, daskflow_type, value, resources, emitter)
        return
    failures = check_frame_structure(schema, value._meta)
    if not failures:
        return
    message = "; ".join(f.message for f in failures)
    emitter.emit(
        DaskflowEventType.STEP_OUTPUT,
        f'Yielded output "{name}" of type "{daskflow_type.display_name}". '
        "(Type check failed on its columns).",
        level=logging.ERROR,
        data={
            "output_name": name,
            "type_check": {
                "success": False,
                "description": message,
                "metadata_entries": [],
                "failures": [f.to_dict() for f in failures],
            },
        },
    )
    raise StepError(
        f'Type check failed for output "{name}" of solid "{step.key}" (expected '
        f'type "{daskflow_type.display_name}"): {message}'
    )


def inline_checked(step_key: str, name: str, output_def: Any, value: Any) -> Any:
    """The collection with its schema checked inside each partition's task (in memory).

    A schema of columns and dtypes only was already checked on the collection's ``_meta``
    while building; wrapping it would only stop Dask from optimizing across the solids
    (a ``map_partitions`` blocks column projection), so the collection is handed on as is.
    """
    schema = output_schema(output_def.daskflow_type)
    if not has_value_rules(schema):
        return value
    return value.map_partitions(_check_or_raise, step_key, name, schema, meta=value._meta)


class PartitionCheckFailed(Exception):
    """A partition of an in-memory output failed its schema."""


def _check_or_raise(
    frame: Any, step_key: str, name: str, schema: Any, partition_info: dict | None = None
) -> Any:
    index = (partition_info or {}).get("number", "?")
    failures = check_partition(step_key, name, index, schema, _frame(frame))
    if failures:
        raise PartitionCheckFailed(
            f'Type check failed for output "{name}" of solid "{step_key}" in partition '
            f"{index}: " + "; ".join(f.message for f in failures)
        )
    return frame


def _frame(value: Any) -> pd.DataFrame:
    return value.to_frame() if isinstance(value, pd.Series) else value
