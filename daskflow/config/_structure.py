"""The shape every config value must have before it is validated: string keys, bounded depth.

YAML can write keys that are not strings (``{2020-01-02: x}`` is a date, ``{1: x}`` an int,
``{[1, 2]: x}`` a tuple; integer keys are left to the schema, since ``Map(int, ...)``
takes them) and values nested deeper than anything reads back; Python callers
can pass cycles. None of these can be stored as a run's JSON record, and recursive code
would fail on them with a ``TypeError`` or ``RecursionError``. ``structure_errors`` finds
them all, without recursion, as ``ConfigError``\\ s with paths.

>>> import datetime
>>> for error in structure_errors({"solids": {"s": {"config": {datetime.date(2020, 1, 2): 1}}}}):
...     print(error)
solids.s.config.2020-01-02: the key 2020-01-02 is a date, not a string.
  Config keys are strings: quote it, e.g. "2020-01-02".
>>> deep = 1
>>> for _ in range(200):
...     deep = {"a": deep}
>>> print(structure_errors(deep)[0].message)
the value is nested more than 100 levels deep.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping

from daskflow.errors import ConfigError

__all__ = ["MAX_DEPTH", "structure_errors"]

MAX_DEPTH = 100  # levels of mappings and lists; far beyond any real config
_MAX_ERRORS = 20  # a value broken everywhere is reported by its first problems
_SHOWN_PATH = 8  # a too-deep value's path is shown by its first keys


def _plain_key(key: object) -> bool:
    """Strings, and integers (the keys of a ``Map(int, ...)``; the schema judges them)."""
    return isinstance(key, str) or (isinstance(key, int) and not isinstance(key, bool))


def _key_kind(key: object) -> str:
    names = {"date": "a date", "datetime": "a datetime", "tuple": "a list", "NoneType": "null"}
    name = type(key).__name__
    return names.get(name, f"a {name}" if name[0] not in "aeiou" else f"an {name}")


def _key_error(path: tuple[str, ...], key: object) -> ConfigError:
    shown = str(key) if key is not None else "null"
    return ConfigError(
        (*path, shown),
        f"the key {shown} is {_key_kind(key)}, not a string.",
        "a string key",
        f"{_key_kind(key)} key",
        f'Config keys are strings: quote it, e.g. "{shown}".',
    )


def _depth_error(path: tuple[str, ...]) -> ConfigError:
    shown = path[:_SHOWN_PATH] + (("...",) if len(path) > _SHOWN_PATH else ())
    return ConfigError(
        shown,
        f"the value is nested more than {MAX_DEPTH} levels deep.",
        f"at most {MAX_DEPTH} levels of nesting",
        "a deeper value",
        "Flatten it, or pass it some other way (a file path, for instance).",
    )


def structure_errors(value: typing.Any, path: tuple[str, ...] = ()) -> list[ConfigError]:
    """Every key that is neither a string nor an integer, and the first too-deep value in
    ``value`` (no recursion)."""
    errors: list[ConfigError] = []
    stack: list[tuple[typing.Any, tuple[str, ...]]] = [(value, path)]
    too_deep = False
    while stack and len(errors) < _MAX_ERRORS:  # depth-first, in the order written
        current, where = stack.pop()
        if isinstance(current, Mapping):
            children = list(current.items())
        elif isinstance(current, list | tuple):
            children = list(enumerate(current))
        else:
            continue
        if len(where) - len(path) >= MAX_DEPTH:
            if not too_deep:
                errors.append(_depth_error(where))
            too_deep = True
            continue
        if isinstance(current, Mapping):
            errors += [_key_error(where, k) for k, _ in children if not _plain_key(k)]
        stack += [(child, (*where, str(k))) for k, child in reversed(children)]
    return errors
