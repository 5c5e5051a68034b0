"""The flat dependency graph of a pipeline: solid nodes, the outputs feeding their inputs.

Composite solids are flattened: an inner solid ``inner`` of composite ``comp`` becomes the
node ``comp.inner``. Nodes are kept in topological order.

>>> from daskflow.definitions.solid import solid
>>> @solid
... def a(_):
...     return 1
>>> @solid
... def b(_, x):
...     return x
>>> g = DependencyGraph([SolidNode("b", b, {"x": (OutputRef("a", "result"),)}),
...                      SolidNode("a", a, {})])
>>> g.node_names
['a', 'b']
>>> g.downstream_of("a")
['b']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from daskflow.errors import DaskflowInvalidDefinitionError

if TYPE_CHECKING:
    from daskflow.definitions.io_defs import InputDefinition
    from daskflow.definitions.solid import SolidDefinition

__all__ = ["DependencyDefinition", "DependencyGraph", "OutputRef", "SolidNode"]


@dataclass(frozen=True)
class OutputRef:
    """One output of one node."""

    node: str
    output: str

    def __str__(self) -> str:
        return f"{self.node}.{self.output}"


@dataclass(frozen=True)
class DependencyDefinition:
    """Explicit wiring (``PipelineDefinition(dependencies=...)``): feed from ``solid.output``."""

    solid: str
    output: str = "result"


@dataclass
class SolidNode:
    """A solid in a pipeline under its (possibly aliased, possibly nested) name."""

    name: str
    definition: SolidDefinition
    inputs: dict[str, tuple[OutputRef, ...]]  # connected inputs only
    fan_in: frozenset[str] = frozenset()
    handle: tuple[str, ...] = ()  # path in the composition tree, e.g. ("comp", "inner")
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.handle:
            self.handle = tuple(self.name.split("."))

    @property
    def upstream_nodes(self) -> list[str]:
        seen: dict[str, None] = {}
        for refs in self.inputs.values():
            for ref in refs:
                seen[ref.node] = None
        return list(seen)

    def unconnected_inputs(self) -> list[InputDefinition]:
        return [i for i in self.definition.input_defs if i.name not in self.inputs]


class DependencyGraph:
    """Nodes in topological order with upstream/downstream lookups; rejects cycles."""

    def __init__(self, nodes: Iterable[SolidNode]):
        by_name: dict[str, SolidNode] = {}
        for node in nodes:
            if node.name in by_name:
                raise DaskflowInvalidDefinitionError(f"two solids are named {node.name!r}")
            by_name[node.name] = node
        _check_references(by_name)
        order = _topological_order(by_name)
        self.nodes: dict[str, SolidNode] = {name: by_name[name] for name in order}
        self._downstream: dict[str, list[str]] = {name: [] for name in order}
        for node in self.nodes.values():
            for up in node.upstream_nodes:
                self._downstream[up].append(node.name)

    @property
    def node_names(self) -> list[str]:
        return list(self.nodes)

    def node(self, name: str) -> SolidNode:
        return self.nodes[name]

    def downstream_of(self, name: str) -> list[str]:
        return list(self._downstream[name])

    def upstream_of(self, name: str) -> list[str]:
        return self.nodes[name].upstream_nodes

    def ancestors(self, names: Sequence[str], depth: int | None = None) -> set[str]:
        return _walk(names, self.upstream_of, depth)

    def descendants(self, names: Sequence[str], depth: int | None = None) -> set[str]:
        return _walk(names, self.downstream_of, depth)


def _walk(start: Sequence[str], neighbours: Any, depth: int | None) -> set[str]:
    found: set[str] = set()
    frontier, level = list(start), 0
    while frontier and (depth is None or level < depth):
        frontier = [n for name in frontier for n in neighbours(name) if n not in found]
        found.update(frontier)
        level += 1
    return found


def _check_references(nodes: dict[str, SolidNode]) -> None:
    for node in nodes.values():
        for input_name, refs in node.inputs.items():
            for ref in refs:
                up = nodes.get(ref.node)
                if up is None:
                    raise DaskflowInvalidDefinitionError(
                        f'input "{input_name}" of solid "{node.name}" depends on solid '
                        f'"{ref.node}", which is not in the pipeline'
                    )
                if ref.output not in {o.name for o in up.definition.output_defs}:
                    raise DaskflowInvalidDefinitionError(
                        f'input "{input_name}" of solid "{node.name}" depends on output '
                        f'"{ref.output}" of solid "{ref.node}", which has no such output'
                    )


def _topological_order(nodes: dict[str, SolidNode]) -> list[str]:
    """Kahn's algorithm, stable in declaration order; a cycle raises with its path."""
    remaining = {name: set(node.upstream_nodes) for name, node in nodes.items()}
    order: list[str] = []
    while remaining:
        ready = [name for name, ups in remaining.items() if not ups]
        if not ready:
            raise DaskflowInvalidDefinitionError(
                "the pipeline's dependencies form a cycle: " + " -> ".join(_find_cycle(remaining))
            )
        for name in ready:
            del remaining[name]
            order.append(name)
        for ups in remaining.values():
            ups.difference_update(ready)
    return order


def _find_cycle(remaining: dict[str, set[str]]) -> list[str]:
    path: list[str] = []
    node = next(iter(remaining))
    while node not in path:
        path.append(node)
        node = sorted(remaining[node])[0]
    cycle = path[path.index(node) :] + [node]
    return list(reversed(cycle))
