"""A step's inputs and outputs: load through IO managers or loaders, type-check, store.

Outputs whose IO manager keeps values in the graph (``mem_io_manager``) travel as the
task's result; all others are written by their IO manager inside the producing task and
read by the consuming task.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from daskflow.engine.planning.plan import CONFIG, DEFAULT, MISSING, NOTHING, PARENT
from daskflow.engine.process.resources import resource_of
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.outcome import StepResult
from daskflow.engine.step.step_run import StepRun, output_context, upstream_output_def
from daskflow.events import DaskflowEventType
from daskflow.io_managers import InputContext
from daskflow.types import DaskflowType, DaskflowTypeLoadError, TypeCheckContext

if TYPE_CHECKING:
    from daskflow.definitions.events import Output
    from daskflow.definitions.graph import OutputRef
    from daskflow.definitions.io_defs import InputDefinition
    from daskflow.engine.planning.plan import StepInput

__all__ = [
    "check_type",
    "handle_outputs",
    "load_input_value",
    "load_inputs",
    "load_ref",
    "only_resources",
]

_LOG = logging.getLogger("daskflow.engine")


def only_resources(resources: SimpleNamespace, keys: frozenset[str]) -> SimpleNamespace:
    """Only the resources the solid declared: ``context.resources`` exposes nothing else."""
    return SimpleNamespace(**{k: resource_of(resources, k) for k in sorted(keys)})


def load_inputs(run: StepRun) -> dict[str, Any]:
    """The values of the step's inputs (``Nothing`` inputs have none), type-checked."""
    values: dict[str, Any] = {}
    for inp in run.step.inputs:
        if inp.source == NOTHING:
            continue
        input_def = run.definition.input_def_named(inp.name)
        value = load_input_value(run, inp, input_def)
        check_type(run, "input", inp.name, input_def.daskflow_type, value)
        values[inp.name] = value
    return values


def load_input_value(run: StepRun, inp: StepInput, input_def: InputDefinition) -> Any:
    """One input's value: its default, its run-config loader, or the upstream output(s)."""
    step = run.step
    if inp.source == DEFAULT:
        return input_def.default_value
    if inp.source == MISSING:
        raise StepError(
            f'Input "{inp.name}" of solid "{step.key}" has no value: its upstream '
            "solid is not part of this run and run config does not provide it"
        )
    if inp.source == CONFIG:
        return _load_from_config(run, inp, input_def)
    parents = inp.parent_runs if inp.source == PARENT else ("",) * len(inp.refs)
    loaded = [
        load_ref(run, inp.name, ref, parent) for ref, parent in zip(inp.refs, parents, strict=True)
    ]
    return loaded if inp.fan_in else loaded[0]


def _load_from_config(run: StepRun, inp: StepInput, input_def: InputDefinition) -> Any:
    loader = input_def.loader
    if loader is None:  # run config validation only accepts inputs whose type loads
        raise StepError(
            f'Input "{inp.name}" of solid "{run.key}" is given in run config, but its type '
            f'"{input_def.daskflow_type.display_name}" has no loader'
        )
    try:
        return loader.load(_type_context(run, inp.name), inp.config)
    except Exception as exc:
        raise StepError(
            f'Could not load input "{inp.name}" of solid "{run.key}" from run '
            f"config{_loader_config_path(run.key, inp.name, exc)}: {exc}",
            exc,
        ) from exc


def _loader_config_path(step_key: str, input_name: str, exc: Exception) -> str:
    """`` (at solids.<solid>.inputs.<input>.<key>)`` for a loader error naming its key."""
    if not isinstance(exc, DaskflowTypeLoadError) or not exc.config_key:
        return ""
    solid = ".solids.".join(step_key.split("."))  # a composite's inner solid: comp.inner
    return f" (at solids.{solid}.inputs.{input_name}.{exc.config_key})"


def load_ref(run: StepRun, input_name: str, ref: OutputRef, parent_run: str = "") -> Any:
    """The value of output ``ref`` for ``input_name``: carried in the graph, or loaded.

    ``parent_run`` is the run that stored it, when that is a parent run (re-execution).
    """
    upstream = run.upstream.get(ref.node)
    if upstream is not None and ref.output in upstream.values:
        return upstream.values[ref.output]
    output_def = upstream_output_def(run.payload, ref)
    key = output_def.io_manager_key
    up_context = output_context(run.payload, ref.node, output_def, parent_run or None)
    context = InputContext(
        input_name=input_name,
        solid_name=run.key,
        upstream_output=up_context,
        daskflow_type=output_def.daskflow_type,
        resource_config=up_context.resource_config,
    )
    started = time.perf_counter()
    try:
        value = run.io_manager(key).load_input(context)
    except Exception as exc:
        raise StepError(
            f'Could not load input "{input_name}" of solid "{run.key}" from '
            f'output "{ref}" ({key}): {exc}',
            exc,
        ) from exc
    run.emitter.emit(
        DaskflowEventType.LOADED_INPUT,
        f'Loaded input "{input_name}" from output "{ref}" using "{key}".',
        data={
            "input_name": input_name,
            "upstream": str(ref),
            "upstream_run_id": up_context.run_id,
            "io_manager_key": key,
            "load_seconds": time.perf_counter() - started,
        },
    )
    return value


def _type_context(run: StepRun, name: str) -> TypeCheckContext:
    return TypeCheckContext(
        solid_name=run.key, input_or_output=name, log=_LOG, resources=run.resources
    )


def check_type(run: StepRun, kind: str, name: str, daskflow_type: DaskflowType, value: Any) -> None:
    """Run the type check of input or output (``kind``) ``name``; its event; fail if it fails."""
    started = time.perf_counter()
    try:
        check = daskflow_type.type_check(_type_context(run, name), value)
    except Exception as exc:
        raise StepError(
            f'The type check of {kind} "{name}" of solid "{run.key}" raised: {exc}', exc
        ) from exc
    seconds = time.perf_counter() - started
    verdict = "passed" if check.success else "failed"
    event = DaskflowEventType.STEP_INPUT if kind == "input" else DaskflowEventType.STEP_OUTPUT
    verb = "Got input" if kind == "input" else "Yielded output"
    run.emitter.emit(
        event,
        f'{verb} "{name}" of type "{daskflow_type.display_name}". (Type check {verdict}).',
        level=logging.DEBUG if check.success else logging.ERROR,
        data={f"{kind}_name": name, "type_check": check.to_dict(), "check_seconds": seconds},
    )
    if not check.success:
        raise StepError(
            f'Type check failed for {kind} "{name}" of solid "{run.key}" '
            f'(expected type "{daskflow_type.display_name}"): '
            f"{check.description or 'no description'}",
            metadata_entries=check.metadata_entries,
        )


def handle_outputs(run: StepRun, outputs: Mapping[str, Output], result: StepResult) -> None:
    """Type-check every output, then keep each in ``result`` or store it via its IO manager."""
    for name, output in outputs.items():
        output_def = run.definition.output_def_named(name)
        check_type(run, "output", name, output_def.daskflow_type, output.value)
    for name, output in outputs.items():
        _handle_output(run, name, output, result)


def _handle_output(run: StepRun, name: str, output: Output, result: StepResult) -> None:
    output_def = run.definition.output_def_named(name)
    key = output_def.io_manager_key
    manager = run.io_manager(key)
    if manager.keeps_values_in_graph:
        result.values[name] = output.value
        return
    started = time.perf_counter()
    try:
        entries = list(manager.handle_output(run.output_context(output_def), output.value) or ())
    except Exception as exc:
        raise StepError(
            f'IO manager "{key}" failed to store output "{name}" of solid "{run.key}": {exc}',
            exc,
        ) from exc
    result.stored[name] = key
    entries += list(output.metadata_entries)
    run.emitter.emit(
        DaskflowEventType.HANDLED_OUTPUT,
        f'Handled output "{name}" using IO manager "{key}".',
        data={
            "output_name": name,
            "io_manager_key": key,
            "metadata_entries": [e.to_dict() for e in entries],
            "write_seconds": time.perf_counter() - started,
        },
    )
