"""``@resource``: pluggable environment objects (datalakes, clients) and their lifecycle.

A resource function receives an ``InitResourceContext`` whose ``resource_config`` is
validated with defaults filled in. A generator resource yields its value and tears down
after the run, also when the run fails.

>>> @resource(config_schema={"root_dir": str})
... def lake(init_context):
...     yield init_context.resource_config["root_dir"]
>>> with build_resources({"lake": lake}, {"lake": {"config": {"root_dir": "/tmp"}}}) as res:
...     res.lake
'/tmp'
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from unittest import mock

from daskflow.config import (
    Any as AnyConfig,
)
from daskflow.config import (
    ConfiguredMapping,
    DaskflowConfigError,
    Field,
    config_field_from_schema,
    configured_copy,
    validate_config,
)
from daskflow.errors import DaskflowInvalidDefinitionError, DaskflowResourceError

__all__ = [
    "InitResourceContext",
    "ResourceDefinition",
    "build_resources",
    "init_resources",
    "resource",
    "resource_config",
]

_LOG = logging.getLogger("daskflow.resources")
_ANY_CONFIG = Field(AnyConfig, is_required=False)


@dataclass
class InitResourceContext:
    """What a resource function receives."""

    resource_config: Any
    resource_def: ResourceDefinition
    resources: Any = field(default_factory=SimpleNamespace)  # resources this one requires
    run_id: str | None = None
    log: Any = _LOG
    storage_dir: str | None = None  # the instance's default place for intermediates
    # Built inside a distributed worker process: memory-backed IO managers then refuse.
    on_distributed_worker: bool = False


class ResourceDefinition:
    """A resource: a function building the object, its config schema and dependencies.

    ``resource_fn(init_context)`` takes one parameter, the ``InitResourceContext``.
    """

    __name__: str  # the decorated function's, for resources made by ``@resource``

    def __init__(
        self,
        resource_fn: Callable[[InitResourceContext], Any],
        config_schema: Any = None,
        description: str | None = None,
        required_resource_keys: Sequence[str] | set[str] | None = None,
        version: str | None = None,
    ):
        if not callable(resource_fn):
            raise DaskflowInvalidDefinitionError("a resource needs a callable resource_fn")
        _check_takes_context(resource_fn)
        self.resource_fn = resource_fn
        self.config_field: Field | None = config_field_from_schema(config_schema)
        self.config_mapping: ConfiguredMapping | None = None  # set by ``configured``
        self.description = description
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.version = version

    @property
    def config_schema(self) -> Field | None:
        return self.config_field

    @staticmethod
    def hardcoded_resource(value: Any, description: str | None = None) -> ResourceDefinition:
        """A resource that is always ``value`` (handy in tests)."""
        return ResourceDefinition(_Constant(value), description=description)

    @staticmethod
    def none_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is ``None`` (a placeholder for a key solids require)."""
        return ResourceDefinition.hardcoded_resource(None, description)

    @staticmethod
    def mock_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is a fresh ``unittest.mock.MagicMock`` (handy in tests)."""
        return ResourceDefinition(_new_mock, description=description)

    @staticmethod
    def string_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is its config, a string."""
        return ResourceDefinition(_config_of, config_schema=str, description=description)

    def configured(
        self,
        config_or_config_fn: Any,
        config_schema: Any = None,
        description: str | None = None,
        **_ignored: Any,
    ) -> ResourceDefinition:
        """A copy whose config is given, or computed by a function from config validated
        against ``config_schema``; see ``daskflow.configured``."""
        return configured_copy(self, "a resource", config_or_config_fn, config_schema, description)

    @contextlib.contextmanager
    def initialize(self, context: InitResourceContext) -> Iterator[Any]:
        """Build the resource; for generator functions, tear it down on exit."""
        if not inspect.isgeneratorfunction(self.resource_fn):
            yield self.resource_fn(context)
            return
        generator = self.resource_fn(context)
        try:
            value = next(generator)
        except StopIteration:
            raise DaskflowInvalidDefinitionError(
                "a generator resource must yield its value"
            ) from None
        try:
            yield value
        finally:
            # Resume the generator rather than throwing the run's error into it, so the
            # code after ``yield`` (the teardown) runs even without try/finally.
            try:
                next(generator)
            except StopIteration:
                pass
            else:
                raise DaskflowInvalidDefinitionError("a generator resource must yield only once")


class _Constant:
    """A resource function giving always the same value (picklable, unlike a lambda)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, _init_context: InitResourceContext) -> Any:
        return self.value


def _new_mock(_init_context: InitResourceContext) -> Any:
    return mock.MagicMock()


def _config_of(init_context: InitResourceContext) -> Any:
    return init_context.resource_config


def _check_takes_context(fn: Callable[..., Any]) -> None:
    """A resource function takes the init context: ``fn(init_context)``."""
    try:
        inspect.signature(fn).bind(None)
    except TypeError:
        name = getattr(fn, "__name__", repr(fn))
        raise DaskflowInvalidDefinitionError(
            f"resource function {name!r} must take one parameter, the init context "
            "(write `def {name}(init_context):`, or `_` if unused)"
        ) from None
    except ValueError:  # a builtin without a signature: trust it
        pass


def resource(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Sequence[str] | set[str] | None = None,
    version: str | None = None,
) -> Any:
    """Define a resource; usable as ``@resource`` or ``@resource(config_schema=...)``."""
    if callable(config_schema) and not isinstance(config_schema, type):
        return resource()(config_schema)

    def decorate(fn: Callable[[InitResourceContext], Any]) -> ResourceDefinition:
        definition = ResourceDefinition(
            fn, config_schema, description or inspect.getdoc(fn), required_resource_keys, version
        )
        definition.__name__ = fn.__name__
        definition.__doc__ = fn.__doc__
        return definition

    return decorate


def resource_init_order(
    resource_defs: Mapping[str, ResourceDefinition], keys: Sequence[str]
) -> list[str]:
    """``keys`` and what they require, dependencies first."""
    order: list[str] = []

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in order:
            return
        if key in path:
            raise DaskflowInvalidDefinitionError(
                "resources require each other in a cycle: " + " -> ".join((*path, key))
            )
        if key not in resource_defs:
            raise DaskflowInvalidDefinitionError(
                f"resource {path[-1]!r} requires resource {key!r}, which the mode lacks"
                if path
                else f"no resource named {key!r}"
            )
        for dep in sorted(resource_defs[key].required_resource_keys):
            visit(dep, (*path, key))
        order.append(key)

    for key in keys:
        visit(key, ())
    return order


@contextlib.contextmanager
def build_resources(  # noqa: PLR0913 (public API: the context's facts are keyword-only)
    resource_defs: Mapping[str, ResourceDefinition],
    resources_config: Mapping[str, Any] | None = None,
    keys: Sequence[str] | None = None,
    run_id: str | None = None,
    *,
    log: Any = _LOG,
    storage_dir: str | None = None,
) -> Iterator[SimpleNamespace]:
    """Initialise resources (``keys``, default all) and tear them down in reverse order.

    ``resources_config`` is the run config's ``resources`` block: ``{key: {"config": ...}}``.
    """
    built: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        init_resources(
            stack,
            built,
            resource_defs,
            resources_config or {},
            sorted(keys if keys is not None else resource_defs),
            run_id,
            log=log,
            storage_dir=storage_dir,
        )
        yield SimpleNamespace(**built)


def init_resources(  # noqa: PLR0913 (the context's facts are keyword-only)
    stack: contextlib.ExitStack,
    built: dict[str, Any],
    resource_defs: Mapping[str, ResourceDefinition],
    resources_config: Mapping[str, Any],
    keys: Sequence[str],
    run_id: str | None = None,
    *,
    log: Any = _LOG,
    storage_dir: str | None = None,
) -> None:
    """Initialise ``keys`` (and what they require) not yet in ``built``, onto ``stack``."""
    for key in resource_init_order(resource_defs, keys):
        if key in built:
            continue
        definition = resource_defs[key]
        config = resource_config(key, definition, resources_config.get(key) or {})
        deps = SimpleNamespace(**{k: built[k] for k in definition.required_resource_keys})
        context = InitResourceContext(config, definition, deps, run_id, log, storage_dir)
        own = contextlib.ExitStack()  # this resource's teardown, named when it fails
        try:
            built[key] = own.enter_context(definition.initialize(context))
        except Exception as exc:
            raise DaskflowResourceError(
                f'resource "{key}" failed to initialise: {type(exc).__name__}: {exc}', key
            ) from exc
        stack.push(_named_teardown(key, own))


def _named_teardown(key: str, own: contextlib.ExitStack) -> Callable[..., bool]:
    """The exit callback tearing down resource ``key``: its error names the resource."""

    def teardown(*exc_info: Any) -> bool:
        try:
            return bool(own.__exit__(*exc_info))
        except Exception as exc:
            raise DaskflowResourceError(
                f'resource "{key}" failed to tear down: {type(exc).__name__}: {exc}', key
            ) from exc

    return teardown


def resource_config(key: str, definition: ResourceDefinition, block: Mapping[str, Any]) -> Any:
    """The config ``resource_fn`` receives: ``block["config"]`` validated (defaults filled)
    and, for a ``configured`` resource, mapped down to its original's config."""
    path = ("resources", key, "config")
    result = validate_config(definition.config_field or _ANY_CONFIG, block.get("config"), path)
    if result.success and definition.config_mapping is not None:
        result = definition.config_mapping.apply(result.value, path)
    if not result.success:
        raise DaskflowConfigError(result.errors, title=f'Invalid config for resource "{key}"')
    return result.value
