"""Recognising Dask DataFrame steps and values, and checking lazy frames without computing.

>>> from daskflow.types import DaskDataFrame, DataFrame
>>> is_dask_frame_type(DaskDataFrame), is_dask_frame_type(DataFrame)
(True, False)
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import pandas as pd

from daskflow.engine.lazy.partitions import check_partition, has_value_rules, output_schema
from daskflow.engine.planning.plan import UPSTREAM
from daskflow.engine.step import step_io
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType
from daskflow.types import (
    DaskDataFrame,
    DaskflowType,
    DaskSeries,
    DataFrameSchema,
    DataFrameSchemaType,
    check_frame_structure,
)

if TYPE_CHECKING:
    import dask.dataframe as dd

    from daskflow.engine.planning.payload import RunPayload
    from daskflow.engine.planning.plan import ExecutionStep

__all__ = [
    "check_meta",
    "inline_checked",
    "is_dask_frame",
    "is_dask_frame_type",
    "is_lazy_step",
    "read_only_lazily",
    "schema_meta",
    "wants_pandas",
]


def is_dask_frame_type(daskflow_type: DaskflowType) -> bool:
    """``DaskDataFrame`` or a ``dataframe_type(..., dask=True)`` (also inside List/Optional)."""
    return any(_is_dask_frame_type(t) for t in (daskflow_type, *daskflow_type.inner_types))


def _is_dask_frame_type(daskflow_type: DaskflowType) -> bool:
    if daskflow_type is DaskDataFrame or daskflow_type is DaskSeries:
        return True
    return isinstance(daskflow_type, DataFrameSchemaType) and daskflow_type.is_dask


def is_lazy_step(step: ExecutionStep) -> bool:
    """A step whose solid builds Dask collections on the coordinator."""
    definition = step.definition
    types = [i.daskflow_type for i in definition.input_defs]
    types += [o.daskflow_type for o in definition.output_defs]
    return any(is_dask_frame_type(t) for t in types)


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


def schema_meta(daskflow_type: DaskflowType) -> pd.DataFrame | None:
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
        if rule.exact is not None:
            dtypes[name] = rule.exact
        elif rule.kind is not None:
            dtypes[name] = _KIND_DTYPES[rule.kind]
        else:
            return None
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})


def wants_pandas(daskflow_type: DaskflowType) -> bool:
    """A pandas-typed output: a Dask frame returned for it is computed into one frame."""
    return daskflow_type.python_type is pd.DataFrame


def check_meta(
    run: StepRun, name: str, daskflow_type: DaskflowType, value: dd.DataFrame | dd.Series
) -> None:
    """Check a lazy output's columns and dtypes from its metadata (nothing is computed).

    Values are checked per partition inside the graph; this catches a missing column or a
    wrong dtype before anything runs.
    """
    schema = output_schema(daskflow_type)
    if schema is None:
        if daskflow_type is not DaskDataFrame and not is_dask_frame_type(daskflow_type):
            step_io.check_type(run, "output", name, daskflow_type, value)
        return
    failures = check_frame_structure(schema, value._meta)
    if not failures:
        return
    message = "; ".join(f.message for f in failures)
    run.emitter.emit(
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
        f'Type check failed for output "{name}" of solid "{run.key}" (expected '
        f'type "{daskflow_type.display_name}"): {message}'
    )


def inline_checked(
    step_key: str, name: str, schema: DataFrameSchema | None, value: dd.DataFrame
) -> dd.DataFrame:
    """The collection with ``schema`` checked inside each partition's task (in memory).

    A schema of columns and dtypes only was already checked on the collection's ``_meta``
    while building; wrapping it would only stop Dask from optimizing across the solids
    (a ``map_partitions`` blocks column projection), so the collection is handed on as is.
    So is one whose value rules upstream checks already prove (``lazy.provenance``).
    """
    if schema is None or not has_value_rules(schema):
        return value
    return value.map_partitions(_check_or_raise, step_key, name, schema, meta=value._meta)


class PartitionCheckFailed(Exception):
    """A partition of an in-memory output failed its schema."""


def _check_or_raise(
    frame: pd.DataFrame | pd.Series,
    step_key: str,
    name: str,
    schema: DataFrameSchema,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame | pd.Series:
    index = (partition_info or {}).get("number", "?")
    failures = check_partition(step_key, name, index, schema, _frame(frame))
    if failures:
        raise PartitionCheckFailed(
            f'Type check failed for output "{name}" of solid "{step_key}" in partition '
            f"{index}: " + "; ".join(f.message for f in failures)
        )
    return frame


def _frame(value: pd.DataFrame | pd.Series) -> pd.DataFrame:
    return value.to_frame() if isinstance(value, pd.Series) else value


def read_only_lazily(payload: RunPayload, step_key: str, output_name: str) -> bool:
    """True when only lazy steps read the output (so nothing but them computes it)."""
    consumers = [
        s
        for s in payload.plan.steps.values()
        for inp in s.inputs
        if inp.source == UPSTREAM
        for ref in inp.refs
        if (ref.node, ref.output) == (step_key, output_name)
    ]
    return bool(consumers) and all(is_lazy_step(s) for s in consumers)
