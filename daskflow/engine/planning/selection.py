"""Solid selection in Dagster's syntax: ``*name`` (all ancestors), ``+name`` (one level up),
``name+`` / ``name++`` (one / two levels down), ``name*`` (all descendants).

>>> from daskflow.definitions.graph import DependencyGraph, OutputRef, SolidNode
>>> from daskflow.definitions.solid import solid
>>> @solid
... def s(_, x=None):
...     return x
>>> def up(name):
...     return {"x": (OutputRef(name, "result"),)}
>>> g = DependencyGraph([SolidNode("a", s, {}), SolidNode("b", s, up("a")),
...                      SolidNode("c", s, up("b"))])
>>> sorted(select_solids(g, ["*b"]))
['a', 'b']
>>> sorted(select_solids(g, ["a+"]))
['a', 'b']
>>> sorted(select_solids(g, ["b*", "a"]))
['a', 'b', 'c']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from daskflow.definitions.graph import DependencyGraph
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["select_solids"]

_CLAUSE = re.compile(r"^(\*|\++)?([A-Za-z0-9_.]+)(\*|\++)?$")


def _depth(marker: str | None) -> int | None:
    """None: unlimited; 0: none; n: n levels."""
    if not marker:
        return 0
    return None if marker == "*" else len(marker)


def select_solids(graph: DependencyGraph, selection: Sequence[str] | str) -> set[str]:
    """The names of the solids a selection picks; raises on unknown names or bad syntax."""
    clauses = [selection] if isinstance(selection, str) else list(selection)
    clauses = [c for clause in clauses for c in re.split(r"[,\s]+", clause) if c]
    if not clauses:
        raise DaskflowInvalidDefinitionError("the solid selection is empty")
    chosen: set[str] = set()
    for clause in clauses:
        chosen |= _select_clause(graph, clause)
    return chosen


def _select_clause(graph: DependencyGraph, clause: str) -> set[str]:
    if clause == "*":
        return set(graph.node_names)
    match = _CLAUSE.match(clause)
    if not match:
        raise DaskflowInvalidDefinitionError(
            f'bad solid selection "{clause}": write name, *name, +name, name+ or name*'
        )
    up, name, down = match.groups()
    if name not in graph.nodes:
        close = difflib.get_close_matches(name, graph.node_names, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise DaskflowInvalidDefinitionError(
            f'solid selection "{clause}": no solid named "{name}".{hint}'
        )
    chosen = {name}
    up_depth, down_depth = _depth(up), _depth(down)
    if up_depth != 0:
        chosen |= graph.ancestors([name], up_depth)
    if down_depth != 0:
        chosen |= graph.descendants([name], down_depth)
    return chosen
