"""daskflow: typed, configurable, testable data pipelines compiled into one Dask graph.

Everything users need is importable from here; submodules are internals (types live in
``daskflow.types``, config types are also in ``daskflow.config``).
"""

from daskflow.config import (
    Array,
    BoolSource,
    Enum,
    EnumValue,
    Field,
    IntSource,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    StringSource,
)
from daskflow.config.run_config import ResolvedRunConfig, resolve_run_config, validate_run_config
from daskflow.definitions.composite import CompositeSolidDefinition, composite_solid
from daskflow.definitions.describe import describe_pipeline
from daskflow.definitions.events import (
    AssetKey,
    AssetMaterialization,
    ExpectationResult,
    Failure,
    Output,
    RetryPolicy,
    RetryRequested,
)
from daskflow.definitions.graph import DependencyDefinition
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.metadata import EventMetadataEntry
from daskflow.definitions.mode import ModeDefinition, PresetDefinition
from daskflow.definitions.pipeline import PipelineDefinition, pipeline
from daskflow.definitions.repository import RepositoryDefinition, repository
from daskflow.definitions.resource import (
    InitResourceContext,
    ResourceDefinition,
    build_resources,
    resource,
)
from daskflow.definitions.solid import SolidDefinition, solid
from daskflow.engine.api import (
    cancel_run,
    execute_pipeline,
    execute_pipeline_iterator,
    execute_solid,
    reexecute_pipeline,
    reexecute_pipeline_iterator,
)
from daskflow.errors import (
    DaskflowConfigError,
    DaskflowExecutionError,
    DaskflowInvalidDefinitionError,
    DaskflowResourceError,
)
from daskflow.types import (
    DaskflowType,
    PythonObjectDaskflowType,
    TypeCheck,
    dataframe_type,
    type_loader,
)

__version__ = "0.1.0"

__all__ = [
    "Array",
    "AssetKey",
    "AssetMaterialization",
    "BoolSource",
    "CompositeSolidDefinition",
    "DaskflowConfigError",
    "DaskflowExecutionError",
    "DaskflowInvalidDefinitionError",
    "DaskflowResourceError",
    "DaskflowType",
    "DependencyDefinition",
    "Enum",
    "EnumValue",
    "EventMetadataEntry",
    "ExpectationResult",
    "Failure",
    "Field",
    "InitResourceContext",
    "InputDefinition",
    "IntSource",
    "ModeDefinition",
    "Noneable",
    "Output",
    "OutputDefinition",
    "Permissive",
    "PipelineDefinition",
    "PresetDefinition",
    "PythonObjectDaskflowType",
    "RepositoryDefinition",
    "ResolvedRunConfig",
    "ResourceDefinition",
    "RetryPolicy",
    "RetryRequested",
    "ScalarUnion",
    "Selector",
    "Shape",
    "SolidDefinition",
    "StringSource",
    "TypeCheck",
    "build_resources",
    "cancel_run",
    "composite_solid",
    "dataframe_type",
    "describe_pipeline",
    "execute_pipeline",
    "execute_pipeline_iterator",
    "execute_solid",
    "pipeline",
    "reexecute_pipeline",
    "reexecute_pipeline_iterator",
    "repository",
    "resolve_run_config",
    "resource",
    "solid",
    "type_loader",
    "validate_run_config",
]
