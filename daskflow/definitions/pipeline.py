"""``@pipeline`` and ``PipelineDefinition``: a graph of solids plus its modes and presets.

The body is traced (nothing runs); definition errors are raised at decoration time, all
problems listed in one ``DaskflowInvalidDefinitionError``.

>>> from daskflow.definitions.solid import solid
>>> @solid
... def one(_) -> int:
...     return 1
>>> @solid
... def plus(_, a: int, b: int) -> int:
...     return a + b
>>> @pipeline
... def adds():
...     plus(one(), one())
>>> adds.graph.node_names
['one', 'one_2', 'plus']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from daskflow.definitions import composition
from daskflow.definitions.composite import flatten
from daskflow.definitions.composition import Invocation
from daskflow.definitions.graph import DependencyDefinition, DependencyGraph, OutputRef, SolidNode
from daskflow.definitions.mode import DEFAULT_MODE, ModeDefinition, PresetDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.definitions.solid import SolidDefinition
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.resources import resource_init_order

__all__ = ["PipelineDefinition", "pipeline"]

# Resource keys the engine provides in every mode unless the mode overrides them.
ENGINE_PROVIDED_RESOURCES = frozenset({"io_manager"})


class PipelineDefinition:
    """A pipeline: the flat dependency graph, its composition tree, modes and presets."""

    def __init__(  # noqa: PLR0913 (public API: options are keyword-only)
        self,
        name: str,
        solid_defs: Sequence[SolidDefinition] | None = None,
        dependencies: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        description: str | None = None,
        mode_defs: Sequence[ModeDefinition] | None = None,
        preset_defs: Sequence[PresetDefinition] | None = None,
        tags: Mapping[str, str] | None = None,
        invocations: Sequence[Invocation] | None = None,
    ):
        self.name = check_valid_name(name, "pipeline")
        self.description = description
        self.tags = dict(tags or {})
        self.mode_defs = list(mode_defs or [ModeDefinition()])
        self.preset_defs = list(preset_defs or [])
        if invocations is None:
            invocations = _explicit_invocations(name, solid_defs or [], dependencies or {})
            nodes = [_explicit_node(inv) for inv in invocations]
        else:
            nodes, _ = flatten(invocations)
        self.invocations = list(invocations)  # composition tree, for the run-config schema
        self.graph = DependencyGraph(nodes)
        problems = _definition_problems(self)
        if problems:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}" is not valid:\n' + "\n".join(f"  - {p}" for p in problems)
            )

    # -- lookups -----------------------------------------------------------------------
    @property
    def solids(self) -> list[SolidNode]:
        return list(self.graph.nodes.values())

    def solid_named(self, name: str) -> SolidNode:
        if name not in self.graph.nodes:
            raise KeyError(
                f'pipeline "{self.name}" has no solid "{name}"; '
                f"solids: {', '.join(self.graph.node_names)}"
            )
        return self.graph.node(name)

    @property
    def mode_names(self) -> list[str]:
        return [m.name for m in self.mode_defs]

    def get_mode(self, name: str | None = None) -> ModeDefinition:
        """The named mode; without a name, the only mode or ``default``."""
        if name is None:
            if len(self.mode_defs) == 1:
                return self.mode_defs[0]
            name = DEFAULT_MODE
        for mode in self.mode_defs:
            if mode.name == name:
                return mode
        raise DaskflowInvalidDefinitionError(
            f'pipeline "{self.name}" has no mode "{name}"; modes: {", ".join(self.mode_names)}'
        )

    def get_preset(self, name: str) -> PresetDefinition:
        for preset in self.preset_defs:
            if preset.name == name:
                return preset
        names = ", ".join(p.name for p in self.preset_defs) or "none"
        raise DaskflowInvalidDefinitionError(
            f'pipeline "{self.name}" has no preset "{name}"; presets: {names}'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise DaskflowInvalidDefinitionError(
            f'pipeline "{self.name}" is not called directly; run it with '
            "daskflow.execute_pipeline(pipeline, run_config=...)"
        )

    def __repr__(self) -> str:
        return f"<PipelineDefinition {self.name} solids={self.graph.node_names}>"


def pipeline(
    name: str | Callable[..., Any] | None = None,
    description: str | None = None,
    mode_defs: Sequence[ModeDefinition] | None = None,
    preset_defs: Sequence[PresetDefinition] | None = None,
    tags: Mapping[str, str] | None = None,
) -> Any:
    """Define a pipeline by calling solids in the body; ``@pipeline`` or ``@pipeline(...)``."""
    if callable(name):
        return pipeline()(name)

    def decorate(body: Callable[[], Any]) -> PipelineDefinition:
        pipeline_name = check_valid_name(name or body.__name__, "pipeline")
        if inspect.signature(body).parameters:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{pipeline_name}": the body takes no parameters (inputs come from '
                "config loaders or upstream solids)"
            )
        invocations, _ = composition.trace(body, pipeline_name, "pipeline")
        if not invocations:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{pipeline_name}": the body calls no solid'
            )
        return PipelineDefinition(
            pipeline_name,
            description=description or inspect.getdoc(body),
            mode_defs=mode_defs,
            preset_defs=preset_defs,
            tags=tags,
            invocations=invocations,
        )

    return decorate


def _explicit_invocations(
    name: str, solid_defs: Sequence[SolidDefinition], dependencies: Mapping[str, Mapping[str, Any]]
) -> list[Invocation]:
    by_name: dict[str, SolidDefinition] = {}
    for definition in solid_defs:
        if not isinstance(definition, SolidDefinition):
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}": solid_defs must be solids, got {definition!r:.60}'
            )
        if by_name.setdefault(definition.name, definition) is not definition:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}": two different solids are named "{definition.name}"'
            )
    for solid_name in dependencies:
        if solid_name not in by_name:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}": dependencies name solid "{solid_name}", which is not in '
                f"solid_defs ({', '.join(by_name)})"
            )
    return [
        Invocation(solid_name, definition, _explicit_inputs(name, definition, dependencies))
        for solid_name, definition in by_name.items()
    ]


def _explicit_inputs(
    name: str, definition: SolidDefinition, dependencies: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The invocation inputs of one solid from a ``dependencies`` dict (one handle, or a
    list of handles for fan-in)."""
    inputs: dict[str, Any] = {}
    solid_name = definition.name
    for input_name, dep in dependencies.get(solid_name, {}).items():
        deps = dep if isinstance(dep, list) else [dep]
        if input_name not in {i.name for i in definition.input_defs}:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}": solid "{solid_name}" has no input "{input_name}"'
            )
        handles = [
            composition.OutputHandle(d.solid, d.output)
            for d in deps
            if isinstance(d, DependencyDefinition)
        ]
        if len(handles) != len(deps):
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{name}": dependency of "{solid_name}.{input_name}" must be a '
                "DependencyDefinition (or a list of them)"
            )
        inputs[input_name] = handles if isinstance(dep, list) else handles[0]
    return inputs


def _explicit_node(inv: Invocation) -> SolidNode:
    def refs(src: Any) -> tuple[OutputRef, ...]:
        items = src if isinstance(src, list) else [src]
        return tuple(OutputRef(h.node_name, h.output_name) for h in items)

    if not isinstance(inv.definition, SolidDefinition):  # solid_defs were checked to be solids
        raise DaskflowInvalidDefinitionError(f'"{inv.node_name}" is not a solid')
    inputs = {name: refs(src) for name, src in inv.inputs.items()}
    return SolidNode(inv.node_name, inv.definition, inputs, inv.fan_in_inputs)


def _definition_problems(p: PipelineDefinition) -> list[str]:
    problems = []
    for node in p.solids:
        for inp in node.unconnected_inputs():
            if inp.has_default or inp.is_nothing or inp.loader is not None:
                continue
            problems.append(
                f'input "{inp.name}" of solid "{node.name}" is not connected, has no '
                f'default_value, and its type "{inp.daskflow_type.name}" has no loader to fill '
                "it from run config: connect it to an upstream output"
            )
    problems += _mode_problems(p)
    modes = p.mode_names
    if len(set(modes)) != len(modes):
        problems.append(f"mode names must be unique, got {modes}")
    presets = [pr.name for pr in p.preset_defs]
    if len(set(presets)) != len(presets):
        problems.append(f"preset names must be unique, got {presets}")
    for preset in p.preset_defs:
        if preset.mode not in modes:
            problems.append(
                f'preset "{preset.name}" uses mode "{preset.mode}", which the '
                f"pipeline lacks (modes: {', '.join(modes)})"
            )
    return problems


def _mode_problems(p: PipelineDefinition) -> list[str]:
    problems = []
    for mode in p.mode_defs:
        available = set(mode.resource_defs) | ENGINE_PROVIDED_RESOURCES
        for node in p.solids:
            needed = set(node.definition.required_resource_keys)
            needed |= {o.io_manager_key for o in node.definition.output_defs}
            for key in sorted(needed - available):
                problems.append(
                    f'solid "{node.name}" requires resource "{key}", which mode '
                    f'"{mode.name}" does not provide (it has: '
                    f"{', '.join(sorted(mode.resource_defs)) or 'no resources'})"
                )
        try:
            resource_init_order(mode.resource_defs, sorted(mode.resource_defs))
        except DaskflowInvalidDefinitionError as exc:
            problems.append(f'mode "{mode.name}": {exc}')
    return problems
