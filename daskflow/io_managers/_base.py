"""The IO manager contract: ``IOManager``, its contexts, ``IOManagerDefinition``, ``@io_manager``.

An IO manager is a resource whose value is an ``IOManager``: the engine calls
``handle_output`` after a step produced a value and ``load_input`` when a downstream step
needs it. Both receive plain, picklable contexts, so the calls can run on any worker.

>>> class DictIO(IOManager):
...     def __init__(self):
...         self.values = {}
...     def handle_output(self, context, obj):
...         self.values[context.identifier] = obj
...     def load_input(self, context):
...         return self.values[context.upstream_output.identifier]
>>> @io_manager
... def dict_io(init_context):
...     return DictIO()
>>> out = OutputContext("run-1", "pipe", "comp.inner", "result", "comp.inner")
>>> out.identifier
('run-1', 'comp.inner', 'result')
>>> manager = DictIO()
>>> manager.handle_output(out, 42)
>>> manager.load_input(InputContext("x", "downstream", out))
42
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from daskflow.errors import DaskflowError, DaskflowInvalidDefinitionError
from daskflow.metadata import EventMetadataEntry
from daskflow.resources import InitResourceContext, ResourceDefinition

__all__ = [
    "DaskflowIOError",
    "IOManager",
    "IOManagerDefinition",
    "InputContext",
    "OutputContext",
    "io_manager",
]

_LOG = logging.getLogger("daskflow.io_managers")


class DaskflowIOError(DaskflowError):
    """Storing or loading a step output failed; names the run, solid, output and path."""

    def __init__(
        self,
        message: str,
        run_id: str | None = None,
        solid_name: str | None = None,
        output_name: str | None = None,
        path: str | None = None,
    ):
        super().__init__(message)
        self.run_id = run_id
        self.solid_name = solid_name
        self.output_name = output_name
        self.path = path


@dataclass
class OutputContext:
    """Which output ``handle_output`` receives (or ``load_input`` should find).

    ``solid_name`` is the flattened handle of the solid (``comp.inner`` inside composites).
    """

    run_id: str
    pipeline_name: str
    solid_name: str
    output_name: str
    step_key: str
    daskflow_type: Any = None
    resource_config: Any = None
    log: Any = _LOG
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def identifier(self) -> tuple[str, str, str]:
        """``(run_id, solid_name, output_name)``: where the value lives in storage."""
        return (self.run_id, self.solid_name, self.output_name)


@dataclass
class InputContext:
    """What ``load_input`` receives: the input and the upstream output feeding it.

    ``upstream_output.run_id`` may be a parent run's id when re-execution reuses that run's
    persisted outputs, so always locate data through ``upstream_output.identifier``.
    """

    input_name: str
    solid_name: str
    upstream_output: OutputContext
    daskflow_type: Any = None
    resource_config: Any = None
    log: Any = _LOG


class IOManager(ABC):
    """Stores step outputs and loads them as downstream inputs.

    What the engine asks of every IO manager is below; what it asks only of some (storing a
    Dask DataFrame partition by partition, reading one lazily, recording one by reference)
    is declared by the capability classes of ``io_managers._capabilities``.
    """

    #: True for managers whose outputs the engine hands from task to task through Dask's
    #: memory instead of calling ``handle_output``/``load_input`` (``mem_io_manager``).
    keeps_values_in_graph: ClassVar[bool] = False

    @abstractmethod
    def handle_output(
        self, context: OutputContext, obj: Any
    ) -> Sequence[EventMetadataEntry] | None:
        """Persist ``obj``; returned entries go into the HANDLED_OUTPUT event."""

    @abstractmethod
    def load_input(self, context: InputContext) -> Any:
        """Return the value stored for ``context.upstream_output``."""

    def has_output(self, context: OutputContext) -> bool:
        """Whether a complete value is stored for ``context`` (re-execution reuses it)."""
        return False

    def describe_location(self, context: OutputContext) -> str | None:
        """Where the output went (a URL or a short phrase) for the run summary."""
        return None

    def distributed_problem(self) -> str | None:
        """Why this manager cannot serve a cluster of worker processes, or None if it can."""
        return None


class IOManagerDefinition(ResourceDefinition):
    """A resource whose value is an ``IOManager``; checked when the resource is built."""

    @staticmethod
    def hardcoded_io_manager(
        value: IOManager, description: str | None = None
    ) -> IOManagerDefinition:
        """A definition that always provides ``value`` (handy in tests)."""
        if not isinstance(value, IOManager):
            raise DaskflowInvalidDefinitionError(
                f"hardcoded_io_manager needs an IOManager, got {type(value).__name__}"
            )
        return IOManagerDefinition(lambda _: value, description=description)

    @contextlib.contextmanager
    def initialize(self, context: InitResourceContext) -> Iterator[Any]:
        with super().initialize(context) as value:
            if not isinstance(value, IOManager):
                name = getattr(self.resource_fn, "__name__", "the io_manager function")
                raise DaskflowInvalidDefinitionError(
                    f"{name} must return an IOManager (a subclass implementing handle_output "
                    f"and load_input), got {type(value).__name__}"
                )
            yield value


def io_manager(config_schema: Any = None, description: str | None = None) -> Any:
    """Define an IO manager; usable as ``@io_manager`` or ``@io_manager(config_schema=...)``.

    The function receives an ``InitResourceContext`` and returns (or yields) an ``IOManager``.
    """
    if callable(config_schema) and not isinstance(config_schema, type):
        fn = config_schema
        return IOManagerDefinition(fn, description=inspect.getdoc(fn))

    def decorate(fn: Callable[[InitResourceContext], IOManager]) -> IOManagerDefinition:
        return IOManagerDefinition(fn, config_schema, description or inspect.getdoc(fn))

    return decorate
