"""The exceptions daskflow raises, in one place for users to catch; imports nothing of daskflow.

Every public error subclasses ``DaskflowError``, so ``except DaskflowError`` catches
anything daskflow raised on purpose. Config and definition errors are raised before
anything runs; execution errors name the failing solid and chain the user's original
exception. Every error pickles (Dask ships exceptions between processes), so each one
that takes more than a message rebuilds itself from its constructor arguments.

``Failure`` and ``RetryRequested`` (``daskflow.definitions.events``) are not errors of
daskflow: a solid raises them to tell the engine to fail or retry its step, so they do not
subclass ``DaskflowError`` and a user's ``except DaskflowError`` around library calls
inside a solid never swallows them. ``DaskflowIOError`` lives with the IO-manager
contract (``daskflow.io_managers``) and subclasses ``DaskflowError`` too.

>>> err = ConfigError(("solids", "add", "config", "delay"), 'expected a float, got the string "a".',
...                   expected="float", received='the string "a"')
>>> str(err)
'solids.add.config.delay: expected a float, got the string "a".'
>>> print(DaskflowConfigError([err], title="Invalid run config"))
Invalid run config: 1 error
  1. solids.add.config.delay: expected a float, got the string "a".
>>> err = DaskflowTypeCheckError("Int", ZeroDivisionError("division by zero"))
>>> str(err)
'Type check function of type "Int" raised ZeroDivisionError: division by zero'
>>> isinstance(DaskflowRunNotFoundError("1a2b"), LookupError)
True
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "DaskflowAmbiguousRunIdError",
    "DaskflowConfigError",
    "DaskflowError",
    "DaskflowExecutionError",
    "DaskflowInvalidDefinitionError",
    "DaskflowResourceError",
    "DaskflowRunNotFoundError",
    "DaskflowStorageError",
    "DaskflowTypeCheckError",
    "DaskflowTypeLoadError",
    "format_config_errors",
]


class DaskflowError(Exception):
    """The base of every error daskflow raises on purpose."""


class DaskflowInvalidDefinitionError(DaskflowError):
    """A definition (config schema, Field, solid, pipeline...) is wrong; raised when defined."""


# -- config --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfigError:
    """One problem found in a config value, at ``path`` (a tuple of keys and list indices).

    ``message`` is a full human sentence; ``expected``/``received`` are short descriptions
    ("float", 'the string "abc"'); ``hint`` (maybe several lines) tells how to fix it.
    """

    path: tuple[str, ...]
    message: str
    expected: str
    received: str | None = None
    hint: str | None = None

    @property
    def path_str(self) -> str:
        """The dotted path, e.g. ``solids.load.config.files.2``; ``<root>`` for the empty path."""
        return ".".join(self.path) if self.path else "<root>"

    def __str__(self) -> str:
        text = f"{self.path_str}: {self.message}"
        if self.hint:
            text += "\n" + textwrap.indent(self.hint, "  ")
        return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def format_config_errors(errors: Iterable[ConfigError], title: str = "Invalid config") -> str:
    """Render ``errors`` as a title line followed by a numbered list, hints indented below."""
    errors = list(errors)
    lines = [f"{title}: {_plural(len(errors), 'error')}"]
    for number, error in enumerate(errors, start=1):
        prefix = f"  {number}. "
        lines.append(f"{prefix}{error.path_str}: {error.message}")
        if error.hint:
            lines.append(textwrap.indent(error.hint, " " * len(prefix)))
    return "\n".join(lines)


class DaskflowConfigError(DaskflowError):
    """Config did not validate; ``errors`` holds every ``ConfigError`` found (never just the first).

    The message lists all errors, numbered, each with its path and hint.
    """

    def __init__(self, errors: Iterable[ConfigError], title: str = "Invalid config") -> None:
        self.errors: list[ConfigError] = list(errors)
        self.title = title
        super().__init__(format_config_errors(self.errors, title))

    def __reduce__(self) -> tuple[type, tuple[list[ConfigError], str]]:
        return (type(self), (self.errors, self.title))


# -- types ---------------------------------------------------------------------------------
class DaskflowTypeCheckError(DaskflowError):
    """A type check function raised, or broke its contract (not returning bool/TypeCheck).

    A raising check is a bug in user code, never a silent success or failure: the
    engine reports it as an error of the step. ``original`` is the exception the
    check raised (also chained as ``__cause__`` by ``DaskflowType.type_check``).
    """

    def __init__(self, type_name: str, original: BaseException) -> None:
        self.type_name = type_name
        self.original = original
        super().__init__(
            f'Type check function of type "{type_name}" raised '
            f"{type(original).__name__}: {original}"
        )

    def __reduce__(self) -> tuple[type, tuple[str, BaseException]]:
        return (type(self), (self.type_name, self.original))


class DaskflowTypeLoadError(DaskflowError):
    """A type's loader could not produce a value from run config (e.g. a missing file).

    >>> str(DaskflowTypeLoadError("no such file", config_key="csv.path", path="a.csv"))
    'no such file'
    """

    def __init__(
        self, message: str, config_key: str | None = None, path: str | None = None
    ) -> None:
        self.message = message
        self.config_key = config_key
        self.path = path
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, str | None, str | None]]:
        return (type(self), (self.message, self.config_key, self.path))


# -- running -------------------------------------------------------------------------------
class DaskflowExecutionError(DaskflowError):
    """A run failed; ``solid_name`` names the failing solid, ``__cause__`` is the user's error."""

    def __init__(
        self, message: str, solid_name: str | None = None, run_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.solid_name = solid_name
        self.run_id = run_id

    def __reduce__(self) -> tuple[type, tuple[str, str | None, str | None]]:
        return (type(self), (str(self), self.solid_name, self.run_id))


class DaskflowResourceError(DaskflowError):
    """A resource failed to initialise or tear down; the message names the resource key."""

    def __init__(self, message: str, resource_key: str) -> None:
        super().__init__(message)
        self.resource_key = resource_key

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (str(self), self.resource_key))


# -- storage -------------------------------------------------------------------------------
class DaskflowStorageError(DaskflowError):
    """Storage could not be opened or a storage operation failed (URLs are never shown)."""


class DaskflowRunNotFoundError(DaskflowError, LookupError):
    """No stored run has this id (or id prefix); ``run_id`` is what was looked up and
    ``where`` the storage searched (an instance's home or repr)."""

    def __init__(self, run_id: str, where: str = "this instance") -> None:
        self.run_id = run_id
        self.where = where
        super().__init__(f'no run "{run_id}" in {where}')

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.run_id, self.where))


class DaskflowAmbiguousRunIdError(DaskflowStorageError, LookupError):
    """A run id prefix matches more than one run; ``matches`` lists (some of) them."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        self.prefix = prefix
        self.matches = list(matches)
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        super().__init__(
            f'run id prefix "{prefix}" is ambiguous: it matches several runs ({shown}). '
            "Give more characters of the run id."
        )

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        return (type(self), (self.prefix, self.matches))
