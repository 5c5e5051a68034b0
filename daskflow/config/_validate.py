"""``validate_config``: check a value against a config type, collecting every error.

Validation also post-processes the value: defaults are filled in, ``{env: VAR}`` sources
are read from the environment, Enum strings become their python values and Floats floats.

>>> result = validate_config({"delay": float, "retries": Field(int, default_value=3)},
...                          {"delay": 1})
>>> result.success, result.value
(True, {'delay': 1.0, 'retries': 3})
>>> result = validate_config({"delay": float}, {"delay": "abc", "dely": 1})
>>> for error in result.errors:
...     print(error)
delay: expected a float, got the string "abc".
dely: unknown key "dely". Did you mean "delay"?
  Allowed keys here: delay.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field

from daskflow.config._context import INVALID, Context, check_scalar, type_error
from daskflow.config._describe import (
    describe_config_type,
    describe_value,
    join_names,
    shorten,
)
from daskflow.config._example import example_config, format_yaml_example
from daskflow.config._field import Field
from daskflow.config._sources import validate_source
from daskflow.config._structure import structure_errors
from daskflow.config._types import (
    AnyType,
    Array,
    ConfigType,
    Enum,
    FieldsType,
    Map,
    Noneable,
    Permissive,
    ScalarType,
    ScalarUnion,
    Selector,
    Shape,
    SourceType,
    resolve_config_type,
)
from daskflow.errors import ConfigError, DaskflowConfigError

__all__ = ["ValidationResult", "check_default_value", "validate_config"]

_ABSENT = object()  # a missing optional field without default: left out of the result


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of ``validate_config``: the processed ``value`` or every error found.

    ``secrets`` holds the (non-empty) strings read from environment variables, so callers
    can redact them from logs with ``redact``.
    """

    value: typing.Any
    errors: list[ConfigError] = field(default_factory=list)
    secrets: frozenset[str] = frozenset()

    @property
    def success(self) -> bool:
        return not self.errors

    def raise_on_error(self, title: str = "Invalid config") -> typing.Any:
        """Return ``value``, or raise ``DaskflowConfigError`` listing all errors."""
        if self.errors:
            raise DaskflowConfigError(self.errors, title=title)
        return self.value

    def redact(self, text: str, mask: str = "***") -> str:
        """``text`` with every secret read from the environment replaced by ``mask``."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, mask)
        return text


def validate_config(
    config_type_or_resolvable: object, value: typing.Any, path: tuple[str, ...] = ()
) -> ValidationResult:
    """Validate ``value`` against a config type (or anything ``resolve_config_type`` takes).

    A ``Field`` is accepted too: then ``None`` means "not given" and the Field's default
    applies. ``path`` prefixes every error path, e.g. ``("solids", "load", "config")``.
    """
    return _run(config_type_or_resolvable, value, tuple(str(p) for p in path), resolve=True)


def check_default_value(config_type: ConfigType, value: typing.Any) -> ValidationResult:
    """Check a default at definition time: env vars are not read, Enum values stay strings."""
    return _run(config_type, value, (), resolve=False)


def _run(
    schema: object, value: typing.Any, path: tuple[str, ...], resolve: bool
) -> ValidationResult:
    structure = structure_errors(value, path)  # odd keys and deep values fail here, first
    if structure:
        return ValidationResult(None, structure)
    ctx = Context(resolve)
    if isinstance(schema, Field):
        result = _validate_field_value(ctx, schema, value, path)
    else:
        config_type = resolve_config_type(schema)
        if config_type is None:
            result = _validate_no_config(ctx, value, path)
        else:
            result = validate(ctx, config_type, value, path)
    if ctx.errors:
        return ValidationResult(None, list(ctx.errors), frozenset(ctx.secrets))
    return ValidationResult(None if result is _ABSENT else result, [], frozenset(ctx.secrets))


def _validate_field_value(
    ctx: Context, schema: Field, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if value is None and not isinstance(schema.config_type, Noneable | AnyType):
        return _missing_field(ctx, schema, path)
    return validate(ctx, schema.config_type, value, path)


def _validate_no_config(ctx: Context, value: typing.Any, path: tuple[str, ...]) -> typing.Any:
    if value is None or (isinstance(value, Mapping) and not value):
        return None
    return ctx.fail(
        path,
        f"no config is accepted here, got {describe_value(value)}.",
        "no config",
        describe_value(value),
        "Remove this value.",
    )


def validate(
    ctx: Context, config_type: ConfigType, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    """Validate one value, recording errors in ``ctx``; returns the value or ``INVALID``."""
    if value is None and isinstance(config_type, Shape | Permissive):
        value = {}  # an empty YAML entry (`in_process:`) means "no keys", not null
    for cls, validator in _VALIDATORS:
        if isinstance(config_type, cls):
            return validator(ctx, config_type, value, path)
    raise TypeError(f"no validator for config type {type(config_type).__name__}")


def _validate_scalar(
    ctx: Context, config_type: ScalarType, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    ok, result, hint = check_scalar(config_type, value)
    return result if ok else type_error(ctx, config_type, value, path, hint=hint)


def _validate_fields(
    ctx: Context, config_type: FieldsType, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if not isinstance(value, Mapping):
        return type_error(ctx, config_type, value, path)
    before = len(ctx.errors)
    out: dict[typing.Any, typing.Any] = {}
    for key, item in value.items():
        entry = config_type.fields.get(key) if isinstance(key, str) else None
        if entry is not None:
            out[key] = validate(ctx, entry.config_type, item, path + (key,))
        elif isinstance(config_type, Permissive):
            out[key] = item
        else:
            _unknown_key(ctx, config_type, key, path)
    for name, entry in config_type.fields.items():
        if name not in value:
            filled = _missing_field(ctx, entry, path + (name,))
            if filled is not _ABSENT:
                out[name] = filled
    return INVALID if len(ctx.errors) > before else out


def _missing_field(ctx: Context, entry: Field, path: tuple[str, ...]) -> typing.Any:
    if entry.has_default:
        return validate(ctx, entry.config_type, entry.default_value, path)
    if not entry.is_required:
        return _ABSENT
    what = f'key "{path[-1]}"' if path else "config"
    about = ""
    if entry.description:
        about = f" ({shorten(entry.description.strip().splitlines()[0].rstrip('.'), 100)})"
    example = example_config(entry.config_type)
    snippet = format_yaml_example({path[-1]: example} if path else example, indent=2)
    return ctx.fail(
        path,
        f"missing required {what}{about}.",
        describe_config_type(entry.config_type),
        None,
        "For example:\n" + snippet,
    )


def _unknown_key(
    ctx: Context, config_type: FieldsType, key: typing.Any, path: tuple[str, ...]
) -> None:
    allowed = list(config_type.fields)
    shown = shorten(key if isinstance(key, str) else repr(key), 40)
    message = f'unknown key "{shown}".'
    close = difflib.get_close_matches(key, allowed, n=1) if isinstance(key, str) else []
    if close:
        message += f' Did you mean "{close[0]}"?'
    hint = (
        f"Allowed keys here: {join_names(allowed, limit=30)}."
        if allowed
        else "No keys are allowed here."
    )
    ctx.fail(
        path + (str(key),), message, describe_config_type(config_type), f'the key "{shown}"', hint
    )


def _validate_selector(
    ctx: Context, config_type: Selector, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if value is None or (isinstance(value, Mapping) and not value):
        only = _only_optional_field(config_type)
        if only is not None:  # a Selector of one optional field: {} chooses it
            return {only: _missing_field(ctx, config_type.fields[only], path + (only,))}
    if not isinstance(value, Mapping):
        return type_error(ctx, config_type, value, path)
    before = len(ctx.errors)
    chosen = [k for k in value if isinstance(k, str) and k in config_type.fields]
    for key in value:
        if key not in chosen:
            _unknown_key(ctx, config_type, key, path)
    if len(chosen) == 1:
        key = chosen[0]
        result = {
            key: validate(ctx, config_type.fields[key].config_type, value[key], path + (key,))
        }
        return INVALID if len(ctx.errors) > before else result
    if chosen or len(ctx.errors) == before:
        got = join_names(chosen) if chosen else "nothing"
        hint = (
            f"Keep only one of: {join_names(chosen)}."
            if chosen
            else "For example:\n" + format_yaml_example(example_config(config_type), indent=2)
        )
        ctx.fail(
            path,
            f"choose exactly one of: {join_names(config_type.fields)}; got: {got}.",
            describe_config_type(config_type),
            describe_value(value),
            hint,
        )
    return INVALID


def _only_optional_field(config_type: Selector) -> str | None:
    """The name of the one field of a Selector, when it has a default."""
    if len(config_type.fields) != 1:
        return None
    name, entry = next(iter(config_type.fields.items()))
    return name if entry.has_default else None


def _validate_map(
    ctx: Context, config_type: Map, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if not isinstance(value, Mapping):
        return type_error(ctx, config_type, value, path)
    before = len(ctx.errors)
    out = {}
    for key, item in value.items():
        checked_key = _validate_scalar(ctx, config_type.key_type, key, path + (str(key),))
        out[checked_key] = validate(ctx, config_type.inner_type, item, path + (str(key),))
    return INVALID if len(ctx.errors) > before else out


def _validate_noneable(
    ctx: Context, config_type: Noneable, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    return None if value is None else validate(ctx, config_type.inner, value, path)


def _validate_array(
    ctx: Context, config_type: Array, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if not isinstance(value, list | tuple):
        return type_error(ctx, config_type, value, path)
    before = len(ctx.errors)
    out = [
        validate(ctx, config_type.inner, item, path + (str(index),))
        for index, item in enumerate(value)
    ]
    return INVALID if len(ctx.errors) > before else out


def _same(value: typing.Any, python_value: typing.Any) -> bool:
    if value is python_value:
        return True
    if type(value) is not type(python_value):
        return False
    try:
        return bool(value == python_value)
    except Exception:  # e.g. array-like values whose == is elementwise
        return False


def _validate_enum(
    ctx: Context, config_type: Enum, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    for option in config_type.values:
        if isinstance(value, str) and option.config_value == value:
            return option.python_value if ctx.resolve else value
    for option in config_type.values:  # already converted, e.g. a re-validated result
        if ctx.resolve and _same(value, option.python_value):
            return value
    allowed = config_type.config_values
    hint = f"Allowed values: {join_names(allowed, limit=30)}."
    close = difflib.get_close_matches(value, allowed, n=1) if isinstance(value, str) else []
    if close:
        hint = f'Did you mean "{close[0]}"? {hint}'
    return type_error(ctx, config_type, value, path, hint=hint)


def _validate_scalar_union(
    ctx: Context, config_type: ScalarUnion, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    if isinstance(value, Mapping | list | tuple):
        return validate(ctx, config_type.non_scalar_schema, value, path)
    attempt = Context(ctx.resolve)
    result = validate(attempt, config_type.scalar_type, value, path)
    if attempt.errors:
        return type_error(ctx, config_type, value, path)
    return result


def _validate_any(
    ctx: Context, config_type: AnyType, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    return value


_VALIDATORS: list[tuple[type, typing.Callable[..., typing.Any]]] = [
    (ScalarType, _validate_scalar),
    (AnyType, _validate_any),
    (SourceType, validate_source),
    (Selector, _validate_selector),
    (FieldsType, _validate_fields),
    (Noneable, _validate_noneable),
    (Array, _validate_array),
    (Enum, _validate_enum),
    (Map, _validate_map),
    (ScalarUnion, _validate_scalar_union),
]
