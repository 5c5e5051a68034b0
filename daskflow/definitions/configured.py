"""``configured``: a copy of a solid, composite or resource with its config given in advance.

>>> from daskflow.definitions.solid import solid
>>> @solid(config_schema={"greeting": str, "times": int})
... def greet(context):
...     return context.solid_config["greeting"] * context.solid_config["times"]
>>> hello_twice = configured(greet, name="hello_twice")({"greeting": "hello", "times": 2})
>>> hello_twice.name, hello_twice.config_field is None
('hello_twice', True)
>>> @configured(greet, {"times": int})
... def hi(config):
...     return {"greeting": "hi", "times": config["times"]}
>>> hi.name, sorted(hi.config_field.config_type.fields)
('hi', ['times'])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import PendingInvocation
from daskflow.definitions.logger import LoggerDefinition
from daskflow.definitions.solid import SolidDefinition
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.resources import ResourceDefinition

__all__ = ["configured"]

Configurable: TypeAlias = (
    SolidDefinition | CompositeSolidDefinition | ResourceDefinition | LoggerDefinition
)
C = TypeVar("C", SolidDefinition, CompositeSolidDefinition, ResourceDefinition, LoggerDefinition)


def configured(configurable: C, config_schema: Any = None, **kwargs: Any) -> Callable[[Any], C]:
    """Returns a function taking config (a value) or a config function, which gives a
    copy of ``configurable`` configured by it. As a decorator of a config function, the
    copy of a solid or composite is named after the function (unless ``name`` is given).

    ``config_schema`` is the schema of the copy's own config, which the config function
    receives; ``kwargs`` (``name``, ``description``) go to ``configurable.configured``.
    """
    if isinstance(configurable, PendingInvocation):
        raise DaskflowInvalidDefinitionError(
            "configured() was given an aliased or tagged solid; call configured on the solid "
            "definition first, then .alias or .tag the configured copy"
        )
    if not isinstance(configurable, Configurable):
        raise DaskflowInvalidDefinitionError(
            "configured() takes a solid, composite solid, resource or logger definition, "
            f"got {configurable!r:.60}"
        )

    def make(config_or_config_fn: Any) -> C:
        options = dict(kwargs)
        named = isinstance(configurable, SolidDefinition | CompositeSolidDefinition)
        if named and callable(config_or_config_fn) and "name" not in options:
            options["name"] = config_or_config_fn.__name__
        return configurable.configured(config_or_config_fn, config_schema, **options)

    return make
