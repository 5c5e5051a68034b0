"""Loaders and materializers: how a type is read from, or written per, run config.

A loader fills an unconnected input from run config; a materializer writes an
output somewhere config says. Both carry their resolved config schema.

>>> from daskflow.config import validate_config
>>> @type_loader({"n": int})
... def repeat(_context, config):
...     return "x" * config["n"]
>>> result = validate_config(repeat.config_schema, {"n": 3})
>>> repeat.load(None, result.value)
'xxx'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from daskflow.config import (
    Array,
    ConfigType,
    DaskflowInvalidDefinitionError,
    ScalarUnion,
    Selector,
    resolve_config_type,
)
from daskflow.metadata import EventMetadataEntry

__all__ = [
    "ScalarLoader",
    "TypeLoader",
    "TypeMaterializer",
    "import_reference",
    "list_loader",
    "raw_loader",
    "scalar_loader",
    "type_loader",
    "type_materializer",
]


def import_reference(module: str, qualname: str) -> Any:
    """The object named ``qualname`` in ``module`` (how shared objects unpickle)."""
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _reduce_by_name(obj: Any, fn: Callable[..., Any]) -> Any:
    """Pickle a decorated module-level loader as a reference to its module attribute.

    ``@type_loader`` rebinds the function's name to the loader, so the function
    itself cannot be pickled by name; the loader can.
    """
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if module is None:
        return None
    try:
        if import_reference(module, qualname) is obj:
            return (import_reference, (module, qualname))
    except (AttributeError, ImportError, TypeError, ValueError):
        pass
    return None


def _require_callable(kind: str, fn: Any) -> None:
    if not callable(fn):
        raise DaskflowInvalidDefinitionError(f"a {kind} needs a callable, got {fn!r}")


class TypeLoader:
    """Builds a value from a config value validated against ``config_schema``."""

    def __init__(self, config_schema: Any, load_fn: Callable[[Any, Any], Any]) -> None:
        _require_callable("TypeLoader", load_fn)
        schema = resolve_config_type(config_schema)
        if schema is None:  # run config fills the input through this schema: one is needed
            raise DaskflowInvalidDefinitionError(
                f"type loader {getattr(load_fn, '__name__', load_fn)!r} needs a config schema"
            )
        self.config_schema: ConfigType = schema
        self._load_fn = load_fn
        self.__doc__ = getattr(load_fn, "__doc__", None)

    def load(self, context: Any, config_value: Any) -> Any:
        """Return the loaded value; ``config_value`` is already validated."""
        return self._load_fn(context, config_value)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return _reduce_by_name(self, self._load_fn) or super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return f"<TypeLoader {getattr(self._load_fn, '__name__', '?')}>"


class TypeMaterializer:
    """Writes a value as its config says; returns the metadata entries it produced."""

    def __init__(self, config_schema: Any, fn: Callable[[Any, Any, Any], Any]) -> None:
        _require_callable("TypeMaterializer", fn)
        self.config_schema = resolve_config_type(config_schema)
        self._fn = fn

    def __reduce_ex__(self, protocol: Any) -> Any:
        return _reduce_by_name(self, self._fn) or super().__reduce_ex__(protocol)

    def materialize(
        self, context: Any, config_value: Any, value: Any
    ) -> tuple[EventMetadataEntry, ...]:
        """Run the function; ``None``, one entry or a sequence of entries are accepted."""
        result = self._fn(context, config_value, value)
        if result is None:
            return ()
        if isinstance(result, EventMetadataEntry):
            return (result,)
        if isinstance(result, Sequence) and all(isinstance(e, EventMetadataEntry) for e in result):
            return tuple(result)
        raise DaskflowInvalidDefinitionError(
            "a materializer must return None, an EventMetadataEntry or a sequence of them, "
            f"got {type(result).__name__}"
        )


def type_loader(config_schema: Any) -> Callable[[Callable[[Any, Any], Any]], TypeLoader]:
    """Decorator: ``fn(context, config_value)`` becomes a ``TypeLoader``.

    >>> @type_loader(str)
    ... def shout(_context, text):
    ...     return text.upper()
    >>> shout.load(None, "hi")
    'HI'
    """

    def decorate(fn: Callable[[Any, Any], Any]) -> TypeLoader:
        return TypeLoader(config_schema, fn)

    return decorate


def type_materializer(
    config_schema: Any,
) -> Callable[[Callable[[Any, Any, Any], Any]], TypeMaterializer]:
    """Decorator: ``fn(context, config_value, value)`` becomes a ``TypeMaterializer``.

    >>> @type_materializer({"label": str})
    ... def note(_context, config, value):
    ...     return EventMetadataEntry.text(repr(value), label=config["label"])
    >>> [e.value for e in note.materialize(None, {"label": "seen"}, 7)]
    ['7']
    """

    def decorate(fn: Callable[[Any, Any, Any], Any]) -> TypeMaterializer:
        return TypeMaterializer(config_schema, fn)

    return decorate


class ScalarLoader(TypeLoader):
    """Loader of a scalar builtin: config is the scalar itself or ``{value: scalar}``.

    ``scalar_schema`` is kept so ``List[T]`` can build an array loader from it.
    """

    def __init__(self, scalar_schema: Any, convert: Callable[[Any], Any], wrap: bool) -> None:
        schema = scalar_schema
        if wrap:
            schema = ScalarUnion(scalar_schema, Selector({"value": scalar_schema}))
        super().__init__(schema, self._load)
        self.scalar_schema = scalar_schema
        self._convert = convert
        self._wrap = wrap

    def _load(self, _context: Any, config_value: Any) -> Any:
        if self._wrap and isinstance(config_value, dict):
            config_value = config_value["value"]
        return self._convert(config_value)

    def __repr__(self) -> str:
        return f"<ScalarLoader {self.scalar_schema!r}>"


def scalar_loader(scalar_schema: Any, convert: Callable[[Any], Any] = lambda v: v) -> ScalarLoader:
    """A loader accepting ``3`` or ``{value: 3}`` for ``scalar_schema`` (e.g. config ``Int``)."""
    return ScalarLoader(scalar_schema, convert, wrap=True)


def raw_loader(schema: Any) -> ScalarLoader:
    """A loader handing the validated config value over unchanged (used by ``Any``)."""
    return ScalarLoader(schema, lambda v: v, wrap=False)


def list_loader(element_loader: TypeLoader) -> TypeLoader | None:
    """An array loader for ``List[T]`` when T has a scalar loader, else ``None``."""
    if not isinstance(element_loader, ScalarLoader):
        return None

    def load(context: Any, config_value: Any) -> list[Any]:
        return [element_loader._convert(item) for item in config_value]

    return TypeLoader(Array(element_loader.scalar_schema), load)
