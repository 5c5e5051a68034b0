"""daskflow's type system: typed solid inputs/outputs, their checks, loaders and schemas.

>>> from daskflow.types import Int, List, resolve_daskflow_type
>>> resolve_daskflow_type(list[int]) is List[Int]
True
"""

from daskflow.errors import DaskflowTypeCheckError, DaskflowTypeLoadError
from daskflow.types._annotations import (
    List,
    Optional,
    Set,
    Tuple,
    register_python_type,
    resolve_daskflow_type,
)
from daskflow.types._builtins import (
    Any,
    Bool,
    Dict,
    Float,
    Int,
    Nothing,
    PythonObjectDaskflowType,
    String,
)
from daskflow.types._columns import Column, DataFrameSchema
from daskflow.types._columns import ColumnFailure as ColumnFailure
from daskflow.types._columns import check_dataframe_partition as check_dataframe_partition
from daskflow.types._columns import check_frame_structure as check_frame_structure
from daskflow.types._columns import merge_column_failures as merge_column_failures
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._dask import DaskDataFrame, DaskSeries
from daskflow.types._dataframe import (
    DataFrame,
    DataFrameSchemaType,
    dataframe_type,
)
from daskflow.types._dataframe import failures_type_check as failures_type_check
from daskflow.types._loaders import TypeLoader, TypeMaterializer, type_loader, type_materializer
from daskflow.types._usable import (
    check_daskflow_type,
    daskflow_type_loader,
    daskflow_type_materializer,
    make_python_type_usable_as_daskflow_type,
    usable_as_daskflow_type,
)

# Also importable from here, outside ``__all__``: the per-partition checks the engine runs
# (``check_dataframe_partition``, ``check_frame_structure``, ``ColumnFailure``,
# ``merge_column_failures``, ``failures_type_check``).
__all__ = [
    "Any",
    "Bool",
    "Column",
    "DaskDataFrame",
    "DaskSeries",
    "DaskflowType",
    "DaskflowTypeCheckError",
    "DaskflowTypeLoadError",
    "DataFrame",
    "DataFrameSchema",
    "DataFrameSchemaType",
    "Dict",
    "Float",
    "Int",
    "List",
    "Nothing",
    "Optional",
    "PythonObjectDaskflowType",
    "Set",
    "String",
    "TypeCheck",
    "Tuple",
    "TypeCheckContext",
    "TypeLoader",
    "TypeMaterializer",
    "check_daskflow_type",
    "daskflow_type_loader",
    "daskflow_type_materializer",
    "dataframe_type",
    "make_python_type_usable_as_daskflow_type",
    "register_python_type",
    "resolve_daskflow_type",
    "type_loader",
    "type_materializer",
    "usable_as_daskflow_type",
]
