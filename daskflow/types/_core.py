"""The core of the type system: ``TypeCheck``, ``TypeCheckContext`` and ``DaskflowType``.

A ``DaskflowType`` wraps a check function ``fn(context, value) -> bool | TypeCheck``;
``type_check`` always hands back a ``TypeCheck`` and never hides a crashing check.

>>> Even = DaskflowType("Even", lambda _context, value: value % 2 == 0)
>>> Even.type_check(TypeCheckContext.empty(), 4).success
True
>>> Even.type_check(TypeCheckContext.empty(), 3).description
'Value of type "int" failed type check for type "Even"'
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.errors import DaskflowTypeCheckError
from daskflow.metadata import EventMetadataEntry
from daskflow.types._loaders import TypeLoader, TypeMaterializer, import_reference

__all__ = ["DaskflowType", "TypeCheck", "TypeCheckContext"]

_LOG = logging.getLogger("daskflow.types")


@dataclass(frozen=True)
class TypeCheck:
    """The outcome of a type check, with an optional description and metadata.

    >>> TypeCheck(False, "too small").to_dict()
    {'success': False, 'description': 'too small', 'metadata_entries': []}
    """

    success: bool
    description: str | None = None
    metadata_entries: Sequence[EventMetadataEntry] = ()

    def __post_init__(self) -> None:
        if not _is_bool(self.success):
            raise DaskflowInvalidDefinitionError(
                f"TypeCheck.success must be a bool, got {type(self.success).__name__}"
            )
        object.__setattr__(self, "success", bool(self.success))
        entries = tuple(self.metadata_entries)
        for entry in entries:
            if not isinstance(entry, EventMetadataEntry):
                raise DaskflowInvalidDefinitionError(
                    "TypeCheck.metadata_entries must hold EventMetadataEntry objects, "
                    f"got {type(entry).__name__}"
                )
        object.__setattr__(self, "metadata_entries", entries)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for events): metadata entries become dicts."""
        return {
            "success": self.success,
            "description": self.description,
            "metadata_entries": [entry.to_dict() for entry in self.metadata_entries],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TypeCheck:
        """Inverse of ``to_dict``."""
        entries = [EventMetadataEntry.from_dict(e) for e in data.get("metadata_entries", ())]
        return cls(data["success"], data.get("description"), entries)


@dataclass(frozen=True)
class TypeCheckContext:
    """What a check function receives as ``context``; the engine fills it in.

    >>> ctx = TypeCheckContext.empty()
    >>> ctx.solid_name is None, ctx.log.name, vars(ctx.resources)
    (True, 'daskflow.types', {})
    """

    solid_name: str | None = None
    input_or_output: str | None = None
    log: Any = field(default_factory=lambda: _LOG)
    resources: Any = field(default_factory=SimpleNamespace)

    @classmethod
    def empty(cls) -> TypeCheckContext:
        """A context outside of any run: no solid, module logger, no resources."""
        return cls()


def _is_bool(value: Any) -> bool:
    """True for ``bool`` and ``numpy.bool_`` (what ``array.all()`` returns)."""
    if isinstance(value, bool):
        return True
    numpy = sys.modules.get("numpy")  # a numpy bool implies numpy is already imported
    return numpy is not None and isinstance(value, numpy.bool_)


def _check_two_args(name: str, fn: Callable[..., Any]) -> None:
    try:
        inspect.signature(fn).bind(None, None)
    except TypeError as exc:
        raise DaskflowInvalidDefinitionError(
            f'type_check_fn of type "{name}" must accept two arguments (context, value): {exc}'
        ) from None
    except ValueError:  # some builtins have no signature; trust them
        pass


class DaskflowType:
    """A named type: a check function plus optional loader and materializer.

    ``type_check_fn(context, value)`` returns a bool or a ``TypeCheck``; the
    ``loader`` builds a value from run config for an unconnected input.

    >>> Positive = DaskflowType("Positive", lambda _ctx, v: v > 0, description="> 0")
    >>> Positive.name, Positive.display_name, Positive.is_nothing, Positive.inner_types
    ('Positive', 'Positive', False, ())
    """

    is_nothing: bool = False

    def __init__(  # noqa: PLR0913 (public API: options are keyword-only)
        self,
        name: str,
        type_check_fn: Callable[[Any, Any], bool | TypeCheck],
        *,
        loader: TypeLoader | None = None,
        materializer: TypeMaterializer | None = None,
        description: str | None = None,
        python_type: type | tuple[type, ...] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise DaskflowInvalidDefinitionError("a DaskflowType needs a non-empty string name")
        if not callable(type_check_fn):
            raise DaskflowInvalidDefinitionError(f'type_check_fn of type "{name}" is not callable')
        _check_two_args(name, type_check_fn)
        if loader is not None and not isinstance(loader, TypeLoader):
            raise DaskflowInvalidDefinitionError(
                f'loader of type "{name}" must be a TypeLoader (use @type_loader)'
            )
        if materializer is not None and not isinstance(materializer, TypeMaterializer):
            raise DaskflowInvalidDefinitionError(
                f'materializer of type "{name}" must be a TypeMaterializer (use @type_materializer)'
            )
        self.name = name
        self.description = description
        self.loader = loader
        self.materializer = materializer
        self.python_type = python_type
        self._type_check_fn = type_check_fn
        self._reference: tuple[str, str] | None = None

    @property
    def display_name(self) -> str:
        """How the type reads in messages, e.g. ``Optional[Int]``."""
        return self.name

    @property
    def inner_types(self) -> tuple[DaskflowType, ...]:
        """Every type nested inside this one (recursively); empty for plain types."""
        return ()

    def type_check(self, context: TypeCheckContext | None, value: Any) -> TypeCheck:
        """Run the check function and normalise its result into a ``TypeCheck``.

        Raises ``DaskflowTypeCheckError`` (chaining the original) if the function
        raises or returns anything but a bool or a ``TypeCheck``.
        """
        context = TypeCheckContext.empty() if context is None else context
        try:
            result = self._type_check_fn(context, value)
        except DaskflowTypeCheckError:  # from a nested type: already names the culprit
            raise
        except Exception as exc:
            raise DaskflowTypeCheckError(self.display_name, exc) from exc
        if isinstance(result, TypeCheck):
            return result
        if _is_bool(result):
            if result:
                return TypeCheck(True)
            return TypeCheck(
                False,
                f'Value of type "{type(value).__name__}" failed type check '
                f'for type "{self.display_name}"',
            )
        contract = TypeError(
            "a type check function must return a bool or a TypeCheck, "
            f"got {type(result).__name__}: {result!r:.80}"
        )
        raise DaskflowTypeCheckError(self.display_name, contract)

    def _pickle_by_reference(self, module: str, attribute: str) -> None:
        """Make pickles of this shared instance resolve back to ``module.attribute``."""
        self._reference = (module, attribute)

    def __reduce_ex__(self, protocol: Any) -> Any:
        if self._reference is not None:
            return (import_reference, self._reference)
        return super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display_name}>"
