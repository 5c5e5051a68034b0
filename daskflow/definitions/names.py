"""Rules for the names of solids, inputs, outputs, resources and pipelines.

Names become Dask key prefixes (``<solid>-<token>``) and run-config keys, so they may
not contain ``-`` or ``.``:

>>> check_valid_name("add_sugar_per_cup", "solid")
'add_sugar_per_cup'
"""

from __future__ import annotations

import re

from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["check_valid_name"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_valid_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise DaskflowInvalidDefinitionError(
            f"invalid {what} name {name!r}: use letters, digits and underscores, "
            "starting with a letter or underscore (names become Dask task keys and config keys)"
        )
    return name
