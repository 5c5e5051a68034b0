"""``Invocable``: the base of what a pipeline or composite invokes, solids and composites.

Explicit wiring (``dependencies.py``) checks its ``solid_defs`` against it, so that it
needs no import of ``composite.py``, which builds its own explicit form with it.

>>> from daskflow.definitions.solid import solid
>>> @solid
... def one(_) -> int:
...     return 1
>>> isinstance(one, Invocable)
True
"""

from __future__ import annotations

__all__ = ["Invocable"]


class Invocable:
    """A solid or composite solid definition (subclasses set ``name``)."""

    name: str
