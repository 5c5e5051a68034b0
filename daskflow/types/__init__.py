"""daskflow's type system: typed solid inputs/outputs, their checks, loaders and schemas.

>>> from daskflow.types import Int, List, resolve_daskflow_type
>>> resolve_daskflow_type(list[int]) is List[Int]
True
"""

from daskflow.types._annotations import (
    List,
    Optional,
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
from daskflow.types._columns import (
    Column,
    ColumnFailure,
    DataFrameSchema,
    check_dataframe_partition,
    check_frame_structure,
    merge_column_failures,
)
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._dask import DaskDataFrame
from daskflow.types._dataframe import (
    DataFrame,
    DataFrameSchemaType,
    dataframe_type,
    failures_type_check,
)
from daskflow.types._errors import DaskflowTypeCheckError, DaskflowTypeLoadError
from daskflow.types._loaders import TypeLoader, TypeMaterializer, type_loader, type_materializer

__all__ = [
    "Any",
    "Bool",
    "Column",
    "ColumnFailure",
    "DaskDataFrame",
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
    "String",
    "TypeCheck",
    "TypeCheckContext",
    "TypeLoader",
    "TypeMaterializer",
    "check_dataframe_partition",
    "check_frame_structure",
    "dataframe_type",
    "failures_type_check",
    "merge_column_failures",
    "register_python_type",
    "resolve_daskflow_type",
    "type_loader",
    "type_materializer",
]
