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
from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import Invocation
from daskflow.definitions.dependencies import SolidInvocation, explicit_invocations
from daskflow.definitions.flatten import flatten
from daskflow.definitions.graph import DependencyGraph, SolidNode
from daskflow.definitions.mode import DEFAULT_MODE, ModeDefinition, PresetDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.definitions.solid import SolidDefinition
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.resources import resource_init_order

__all__ = ["PipelineDefinition", "pipeline"]

# Resource keys the engine provides in every mode unless the mode overrides them.
ENGINE_PROVIDED_RESOURCES = frozenset({"io_manager"})

# The name of a pipeline defined without one (as Dagster allows).
UNNAMED = "__pipeline__"


class PipelineDefinition:
    """A pipeline: the flat dependency graph, its composition tree, modes and presets.

    Built directly as in Dagster, from ``solid_defs`` and ``dependencies`` (see
    ``daskflow.definitions.dependencies``); ``@pipeline`` builds one by tracing its body.
    """

    __name__: str  # the body's, for pipelines made by ``@pipeline``

    def __init__(  # noqa: PLR0913 (Dagster's signature, positional order included)
        self,
        solid_defs: Sequence[SolidDefinition | CompositeSolidDefinition] | None = None,
        name: str | None = None,
        description: str | None = None,
        dependencies: Mapping[str | SolidInvocation, Mapping[str, Any]] | None = None,
        mode_defs: Sequence[ModeDefinition] | None = None,
        preset_defs: Sequence[PresetDefinition] | None = None,
        tags: Mapping[str, str] | None = None,
        *,
        invocations: Sequence[Invocation] | None = None,
    ):
        self.name = check_valid_name(UNNAMED if name is None else name, "pipeline")
        self.description = description
        self.tags = dict(tags or {})
        self.mode_defs = list(mode_defs or [ModeDefinition()])
        self.preset_defs = list(preset_defs or [])
        if invocations is None:
            owner = f'pipeline "{self.name}"'
            invocations = explicit_invocations(owner, solid_defs or [], dependencies or {})
        nodes, _ = flatten(invocations)
        self.invocations = list(invocations)  # composition tree, for the run-config schema
        self.graph = DependencyGraph(nodes)
        problems = _definition_problems(self)
        if problems:
            raise DaskflowInvalidDefinitionError(
                f'pipeline "{self.name}" is not valid:\n' + "\n".join(f"  - {p}" for p in problems)
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

    def has_solid_named(self, name: str) -> bool:
        return name in self.graph.nodes

    @property
    def solid_defs(self) -> list[SolidDefinition | CompositeSolidDefinition]:
        """The distinct definitions invoked at the top level."""
        return list({id(i.definition): i.definition for i in self.invocations}.values())

    def invocation_at(self, handle: str) -> Invocation | None:
        """The invocation at ``comp.inner`` in the composition tree, or None."""
        invocations: Sequence[Invocation] = self.invocations
        found: Invocation | None = None
        for part in handle.split("."):
            found = next((i for i in invocations if i.node_name == part), None)
            if found is None:
                return None
            definition = found.definition
            invocations = (
                definition.invocations if isinstance(definition, CompositeSolidDefinition) else []
            )
        return found

    @property
    def mode_names(self) -> list[str]:
        return [m.name for m in self.mode_defs]

    def has_mode_definition(self, name: str) -> bool:
        return name in self.mode_names

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


def pipeline(  # noqa: PLR0913 (Dagster's signature)
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
        definition = PipelineDefinition(
            name=pipeline_name,
            description=description or inspect.getdoc(body),
            mode_defs=mode_defs,
            preset_defs=preset_defs,
            tags=tags,
            invocations=invocations,
        )
        definition.__name__ = body.__name__
        definition.__doc__ = body.__doc__
        return definition

    return decorate


def _definition_problems(p: PipelineDefinition) -> list[str]:
    problems = _nothing_problems(p)
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


def _nothing_problems(p: PipelineDefinition) -> list[str]:
    """A ``Nothing`` output carries no value: it may only feed ``Nothing`` inputs."""
    problems = []
    for node in p.solids:
        for input_name, refs in node.inputs.items():
            input_def = node.definition.input_def_named(input_name)
            if input_def.is_nothing:
                continue
            for ref in refs:
                upstream = p.graph.node(ref.node).definition.output_def_named(ref.output)
                if upstream.daskflow_type.is_nothing:
                    problems.append(
                        f'input "{input_name}" of solid "{node.name}" (type '
                        f'"{input_def.daskflow_type.display_name}") is fed by output "{ref}" '
                        "of type Nothing, which carries no value"
                    )
    return problems
