"""Errors of the config system: one ``ConfigError`` per problem, and the exceptions that carry them.

``ConfigError`` is plain data (path, sentence, expected, received, hint); the exception
``DaskflowConfigError`` renders a numbered list of them, readable at a glance.

>>> err = ConfigError(("solids", "add", "config", "delay"), 'expected a float, got the string "a".',
...                   expected="float", received='the string "a"')
>>> str(err)
'solids.add.config.delay: expected a float, got the string "a".'
>>> print(DaskflowConfigError([err], title="Invalid run config"))
Invalid run config: 1 error
  1. solids.add.config.delay: expected a float, got the string "a".
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ConfigError", "DaskflowConfigError", "DaskflowInvalidDefinitionError"]


class DaskflowInvalidDefinitionError(Exception):
    """A definition (config schema, Field, solid, pipeline...) is wrong; raised when defined."""


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


class DaskflowConfigError(Exception):
    """Config did not validate; ``errors`` holds every ``ConfigError`` found (never just the first).

    The message lists all errors, numbered, each with its path and hint. The exception
    pickles (Dask ships exceptions between processes).
    """

    def __init__(self, errors: Iterable[ConfigError], title: str = "Invalid config") -> None:
        self.errors: list[ConfigError] = list(errors)
        self.title = title
        super().__init__(format_config_errors(self.errors, title))

    def __reduce__(self):
        return (type(self), (self.errors, self.title))
