"""daskflow: typed, configurable, testable data pipelines compiled into one Dask graph.

Everything users need is importable from here: definitions, config types, daskflow types,
IO managers, the instance, events and run status, results and every error. Submodules are
internals, except ``daskflow.types`` and ``daskflow.config`` (the full type and config
languages) and ``daskflow.bench``.
"""

import importlib
from typing import TYPE_CHECKING

from daskflow.config import (
    Array,
    BoolSource,
    ConfigMapping,
    Enum,
    EnumValue,
    Field,
    IntSource,
    Map,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    StringSource,
)
from daskflow.definitions.composite import CompositeSolidDefinition, composite_solid
from daskflow.definitions.configured import configured
from daskflow.definitions.dependencies import MultiDependencyDefinition, SolidInvocation
from daskflow.definitions.describe import describe_pipeline
from daskflow.definitions.events import (
    AssetKey,
    AssetMaterialization,
    ExpectationResult,
    Failure,
    Materialization,
    Output,
    RetryPolicy,
    RetryRequested,
)
from daskflow.definitions.graph import DependencyDefinition
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.logger import InitLoggerContext, LoggerDefinition, logger
from daskflow.definitions.mappings import InputMapping, OutputMapping
from daskflow.definitions.mode import ModeDefinition, PresetDefinition
from daskflow.definitions.operate import (
    Partition,
    PartitionSetDefinition,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    daily_schedule,
    date_partition_range,
    hourly_schedule,
    monthly_schedule,
    schedule,
    sensor,
    weekly_schedule,
)
from daskflow.definitions.pipeline import PipelineDefinition, pipeline
from daskflow.definitions.repository import RepositoryDefinition, repository
from daskflow.definitions.solid import SolidDefinition, lambda_solid, solid
from daskflow.errors import (
    DaskflowAmbiguousRunIdError,
    DaskflowConfigError,
    DaskflowConfigMappingFunctionError,
    DaskflowError,
    DaskflowExecutionError,
    DaskflowInvalidConfigDefinitionError,
    DaskflowInvalidConfigError,
    DaskflowInvalidDefinitionError,
    DaskflowResourceError,
    DaskflowResourceFunctionError,
    DaskflowRunNotFoundError,
    DaskflowStorageError,
    DaskflowTypeCheckDidNotPass,
    DaskflowTypeCheckError,
    DaskflowTypeLoadError,
)
from daskflow.events import DaskflowEventType, EventRecord, RunStatus, StepStatus
from daskflow.instance import DaskflowInstance
from daskflow.io_managers import (
    DaskflowIOError,
    FilesystemIOManager,
    InMemoryIOManager,
    InputContext,
    IOManager,
    IOManagerDefinition,
    OutputContext,
    fs_io_manager,
    io_manager,
    mem_io_manager,
)
from daskflow.metadata import EventMetadataEntry
from daskflow.resources import (
    InitResourceContext,
    ResourceDefinition,
    build_resources,
    resource,
)
from daskflow.run_config import (
    ResolvedRunConfig,
    resolve_run_config,
    run_config_json_schema,
    run_config_schema,
    validate_run_config,
)
from daskflow.types import (
    Any,
    Bool,
    Column,
    DaskDataFrame,
    DaskflowType,
    DaskSeries,
    DataFrame,
    DataFrameSchema,
    DataFrameSchemaType,
    Dict,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    PythonObjectDaskflowType,
    Set,
    String,
    Tuple,
    TypeCheck,
    TypeCheckContext,
    TypeLoader,
    TypeMaterializer,
    check_daskflow_type,
    daskflow_type_loader,
    daskflow_type_materializer,
    dataframe_type,
    make_python_type_usable_as_daskflow_type,
    register_python_type,
    type_loader,
    type_materializer,
    usable_as_daskflow_type,
)

# The engine (and through it Dask's schedulers) loads on first use of one of its names, so
# ``import daskflow.instance`` or ``daskflow run list`` never import it.
_ENGINE_NAMES = {
    "cancel_run": "daskflow.engine.api",
    "execute_pipeline": "daskflow.engine.api",
    "execute_pipeline_iterator": "daskflow.engine.api",
    "execute_solid": "daskflow.engine.api",
    "execute_solids_within_pipeline": "daskflow.engine.api",
    "reexecute_pipeline": "daskflow.engine.api",
    "reexecute_pipeline_iterator": "daskflow.engine.api",
    "CompositeSolidExecutionResult": "daskflow.engine.result",
    "PipelineExecutionResult": "daskflow.engine.result",
    "SolidExecutionResult": "daskflow.engine.result",
    "SolidExecutionContext": "daskflow.engine.step.context",
}

if TYPE_CHECKING:
    from daskflow.engine.api import (
        cancel_run,
        execute_pipeline,
        execute_pipeline_iterator,
        execute_solid,
        execute_solids_within_pipeline,
        reexecute_pipeline,
        reexecute_pipeline_iterator,
    )
    from daskflow.engine.result import (
        CompositeSolidExecutionResult,
        PipelineExecutionResult,
        SolidExecutionResult,
    )
    from daskflow.engine.step.context import SolidExecutionContext


def __getattr__(name: str) -> object:
    module = _ENGINE_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'daskflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Partition",
    "PartitionSetDefinition",
    "RunRequest",
    "ScheduleDefinition",
    "ScheduleEvaluationContext",
    "SensorDefinition",
    "SensorEvaluationContext",
    "SkipReason",
    "daily_schedule",
    "date_partition_range",
    "hourly_schedule",
    "monthly_schedule",
    "schedule",
    "sensor",
    "weekly_schedule",
    "Any",
    "Array",
    "AssetKey",
    "AssetMaterialization",
    "Bool",
    "BoolSource",
    "Column",
    "CompositeSolidDefinition",
    "CompositeSolidExecutionResult",
    "ConfigMapping",
    "DaskDataFrame",
    "DaskSeries",
    "DaskflowAmbiguousRunIdError",
    "DaskflowConfigError",
    "DaskflowConfigMappingFunctionError",
    "DaskflowError",
    "DaskflowEventType",
    "DaskflowExecutionError",
    "DaskflowIOError",
    "DaskflowInstance",
    "DaskflowInvalidConfigDefinitionError",
    "DaskflowInvalidConfigError",
    "DaskflowInvalidDefinitionError",
    "DaskflowResourceError",
    "DaskflowResourceFunctionError",
    "DaskflowRunNotFoundError",
    "DaskflowStorageError",
    "DaskflowType",
    "DaskflowTypeCheckDidNotPass",
    "DaskflowTypeCheckError",
    "DaskflowTypeLoadError",
    "DataFrame",
    "DataFrameSchema",
    "DataFrameSchemaType",
    "DependencyDefinition",
    "Dict",
    "Enum",
    "EnumValue",
    "EventMetadataEntry",
    "EventRecord",
    "ExpectationResult",
    "Failure",
    "Field",
    "FilesystemIOManager",
    "Float",
    "IOManager",
    "IOManagerDefinition",
    "InMemoryIOManager",
    "InitLoggerContext",
    "InitResourceContext",
    "InputContext",
    "InputDefinition",
    "InputMapping",
    "Int",
    "IntSource",
    "List",
    "LoggerDefinition",
    "Map",
    "Materialization",
    "ModeDefinition",
    "MultiDependencyDefinition",
    "Noneable",
    "Nothing",
    "Optional",
    "Output",
    "OutputContext",
    "OutputDefinition",
    "OutputMapping",
    "Permissive",
    "PipelineDefinition",
    "PipelineExecutionResult",
    "PresetDefinition",
    "PythonObjectDaskflowType",
    "RepositoryDefinition",
    "ResolvedRunConfig",
    "ResourceDefinition",
    "RetryPolicy",
    "RetryRequested",
    "RunStatus",
    "ScalarUnion",
    "Selector",
    "Set",
    "Shape",
    "SolidDefinition",
    "SolidExecutionContext",
    "SolidExecutionResult",
    "SolidInvocation",
    "StepStatus",
    "String",
    "StringSource",
    "Tuple",
    "TypeCheck",
    "TypeCheckContext",
    "TypeLoader",
    "TypeMaterializer",
    "build_resources",
    "cancel_run",
    "check_daskflow_type",
    "composite_solid",
    "configured",
    "daskflow_type_loader",
    "daskflow_type_materializer",
    "dataframe_type",
    "describe_pipeline",
    "execute_pipeline",
    "execute_pipeline_iterator",
    "execute_solid",
    "execute_solids_within_pipeline",
    "fs_io_manager",
    "io_manager",
    "lambda_solid",
    "logger",
    "make_python_type_usable_as_daskflow_type",
    "mem_io_manager",
    "pipeline",
    "reexecute_pipeline",
    "reexecute_pipeline_iterator",
    "register_python_type",
    "repository",
    "resolve_run_config",
    "resource",
    "run_config_json_schema",
    "run_config_schema",
    "solid",
    "type_loader",
    "type_materializer",
    "usable_as_daskflow_type",
    "validate_run_config",
]
