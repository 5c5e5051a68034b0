"""The execution plan: which steps run, in which order, and where each input comes from.

A step is one solid of the (flattened) pipeline. An input comes from upstream steps in
this run, from run config (a type loader), from the input's default, from a parent run's
stored output (re-execution), or is ordering-only (``Nothing``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from daskflow.definitions.graph import OutputRef, SolidNode

if TYPE_CHECKING:
    from daskflow.definitions.io_defs import InputDefinition
    from daskflow.definitions.pipeline import PipelineDefinition
    from daskflow.definitions.solid import SolidDefinition
    from daskflow.run_config import ResolvedRunConfig

__all__ = ["ExecutionPlan", "ExecutionStep", "InputSource", "StepInput", "build_plan"]


class InputSource(StrEnum):
    """Where a step input's value comes from."""

    UPSTREAM = "upstream"  # outputs of steps of this run
    CONFIG = "config"  # the input type's loader, from run config
    DEFAULT = "default"  # the input's default value
    NOTHING = "nothing"  # no value: the input only orders steps
    PARENT = "parent"  # outputs a parent run (or an ancestor) stored: re-execution
    MISSING = "missing"  # none: the upstream solid is not in the run, nothing else gives it


UPSTREAM, CONFIG, DEFAULT, NOTHING, PARENT, MISSING = InputSource


@dataclass(frozen=True)
class StepInput:
    """Where one input of a step comes from (``source``) and, for outputs, which ones."""

    name: str
    source: InputSource
    refs: tuple[OutputRef, ...] = ()
    fan_in: bool = False
    config: Any = None  # the loader's config value, for CONFIG
    parent_runs: tuple[str, ...] = ()  # per ref, the run that stored it, for PARENT


@dataclass(frozen=True)
class ExecutionStep:
    """One solid of the flattened pipeline, to run once, and its inputs' sources."""

    key: str
    node: SolidNode
    inputs: tuple[StepInput, ...]

    @property
    def solid_name(self) -> str:
        return self.node.name

    @property
    def definition(self) -> SolidDefinition:
        definition: SolidDefinition = self.node.definition
        return definition

    @property
    def upstream_keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for inp in self.inputs:
            if inp.source in (UPSTREAM, NOTHING):
                for ref in inp.refs:
                    seen[ref.node] = None
            elif inp.source == PARENT:  # a fan-in may mix this run's and a parent's outputs
                for ref, run in zip(inp.refs, inp.parent_runs, strict=True):
                    if not run:
                        seen[ref.node] = None
        return list(seen)


@dataclass
class ExecutionPlan:
    """The steps of a run, in topological order, by step key."""

    steps: dict[str, ExecutionStep]
    parent_run_id: str | None = None
    skipped_upstream: dict[str, list[str]] = field(default_factory=dict)

    @property
    def step_keys(self) -> list[str]:
        return list(self.steps)

    def downstream_of(self, key: str) -> list[str]:
        return [s.key for s in self.steps.values() if key in s.upstream_keys]


OutputOrigin = Callable[[str, str], str]  # (step key, output name) -> run that stored it


def build_plan(
    pipeline: PipelineDefinition,
    resolved: ResolvedRunConfig,
    selected: set[str] | None = None,
    parent_run_id: str | None = None,
    output_origin: OutputOrigin | None = None,
) -> ExecutionPlan:
    """Steps for the selected solids (all by default), in topological order.

    ``output_origin(step_key, output_name) -> run_id`` finds where a parent run's output
    is stored; it is given for re-execution.
    """
    chosen = set(pipeline.graph.node_names) if selected is None else set(selected)
    steps = {}
    for node in pipeline.solids:
        if node.name not in chosen:
            continue
        inputs = tuple(
            _step_input(node, inp, chosen, resolved, output_origin)
            for inp in node.definition.input_defs
        )
        steps[node.name] = ExecutionStep(node.name, node, inputs)
    return ExecutionPlan(steps, parent_run_id)


def _step_input(
    node: SolidNode,
    inp: InputDefinition,
    chosen: set[str],
    resolved: ResolvedRunConfig,
    output_origin: OutputOrigin | None,
) -> StepInput:
    refs = node.inputs.get(inp.name, ())
    fan_in = inp.name in node.fan_in
    if inp.is_nothing:
        return StepInput(inp.name, NOTHING, tuple(r for r in refs if r.node in chosen))
    if refs and all(r.node in chosen for r in refs):
        return StepInput(inp.name, UPSTREAM, refs, fan_in)
    config = resolved.input_config(node.name, inp.name)
    if config is not None:
        return StepInput(inp.name, CONFIG, config=config)
    if refs and output_origin is not None:
        parents = tuple(
            output_origin(r.node, r.output) if r.node not in chosen else "" for r in refs
        )
        return StepInput(inp.name, PARENT, refs, fan_in, parent_runs=parents)
    if inp.has_default:
        return StepInput(inp.name, DEFAULT)
    return StepInput(inp.name, MISSING, refs)
