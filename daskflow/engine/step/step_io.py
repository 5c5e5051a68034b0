"""A step's inputs and outputs: load through IO managers or loaders, type-check, store.

Outputs whose IO manager keeps values in the graph (``mem_io_manager``) travel as the
task's result; all others are written by their IO manager inside the producing task and
read by the consuming task.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any

from daskflow.engine.planning.plan import CONFIG, DEFAULT, MISSING, NOTHING, PARENT
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.events import DaskflowEventType
from daskflow.io_managers import InputContext, OutputContext
from daskflow.types import DaskflowTypeLoadError, TypeCheckContext

__all__ = [
    "check_type",
    "handle_outputs",
    "io_manager_keys",
    "load_input_value",
    "load_inputs",
    "load_ref",
    "only_resources",
    "output_context",
    "step_resources",
    "upstream_output_def",
]

_LOG = logging.getLogger("daskflow.engine")


def upstream_output_def(payload: Any, ref: Any) -> Any:
    return payload.pipeline.solid_named(ref.node).definition.output_def_named(ref.output)


def only_resources(resources: Any, keys: frozenset[str]) -> Any:
    """Only the resources the solid declared: ``context.resources`` exposes nothing else."""
    return SimpleNamespace(**{k: getattr(resources, k) for k in sorted(keys)})


def io_manager_keys(payload: Any, step: Any) -> set[str]:
    keys = {o.io_manager_key for o in step.definition.output_defs}
    for inp in step.inputs:
        if inp.source not in (NOTHING, CONFIG, DEFAULT, MISSING):
            keys |= {upstream_output_def(payload, ref).io_manager_key for ref in inp.refs}
    return keys


def output_context(
    payload: Any, solid_name: str, output_def: Any, run_id: str | None = None
) -> OutputContext:
    config = (payload.resolved.resources.get(output_def.io_manager_key) or {}).get("config")
    return OutputContext(
        run_id=run_id or payload.run_id,
        pipeline_name=payload.pipeline_name,
        solid_name=solid_name,
        output_name=output_def.name,
        step_key=solid_name,
        daskflow_type=output_def.daskflow_type,
        resource_config=config,
    )


def load_inputs(
    payload: Any, step: Any, by_key: dict[str, Any], resources: Any, emitter: StepEmitter
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for inp in step.inputs:
        if inp.source == NOTHING:
            continue
        input_def = step.definition.input_def_named(inp.name)
        value = load_input_value(payload, step, inp, input_def, by_key, resources, emitter)
        check_type(step, "input", inp.name, input_def.daskflow_type, value, resources, emitter)
        values[inp.name] = value
    return values


def load_input_value(
    payload: Any,
    step: Any,
    inp: Any,
    input_def: Any,
    by_key: dict[str, Any],
    resources: Any,
    emitter: StepEmitter,
) -> Any:
    if inp.source == DEFAULT:
        return input_def.default_value
    if inp.source == MISSING:
        raise StepError(
            f'Input "{inp.name}" of solid "{step.key}" has no value: its upstream '
            "solid is not part of this run and run config does not provide it"
        )
    if inp.source == CONFIG:
        try:
            return input_def.loader.load(_type_context(step, inp.name, resources), inp.config)
        except Exception as exc:
            raise StepError(
                f'Could not load input "{inp.name}" of solid "{step.key}" from run '
                f"config{_loader_config_path(step, inp.name, exc)}: {exc}",
                exc,
            ) from exc
    parents = inp.parent_runs if inp.source == PARENT else ("",) * len(inp.refs)
    loaded = [
        load_ref(payload, step, inp.name, ref, parent, by_key, resources, emitter)
        for ref, parent in zip(inp.refs, parents, strict=True)
    ]
    return loaded if inp.fan_in else loaded[0]


def step_resources(payload: Any, step: Any) -> Any:
    """The resources a step uses (its own and its IO managers'); a failure is a StepError."""
    from daskflow.engine.process.resources import run_resources

    keys = sorted(step.definition.required_resource_keys | io_manager_keys(payload, step))
    try:
        return run_resources(payload, keys)
    except Exception as exc:
        raise StepError(
            f'Step "{step.key}" could not initialise its resources: {exc}', exc
        ) from exc


def _loader_config_path(step: Any, input_name: str, exc: Exception) -> str:
    """`` (at solids.<solid>.inputs.<input>.<key>)`` for a loader error naming its key."""
    key = getattr(exc, "config_key", None)
    if not isinstance(exc, DaskflowTypeLoadError) or not key:
        return ""
    solid = ".solids.".join(step.key.split("."))  # a composite's inner solid: comp.inner
    return f" (at solids.{solid}.inputs.{input_name}.{key})"


def load_ref(
    payload: Any,
    step: Any,
    input_name: str,
    ref: Any,
    parent_run: str,
    by_key: dict[str, Any],
    resources: Any,
    emitter: StepEmitter,
) -> Any:
    upstream = by_key.get(ref.node)
    if upstream is not None and ref.output in upstream.values:
        return upstream.values[ref.output]
    output_def = upstream_output_def(payload, ref)
    manager = getattr(resources, output_def.io_manager_key)
    up_context = output_context(payload, ref.node, output_def, parent_run or None)
    context = InputContext(
        input_name=input_name,
        solid_name=step.key,
        upstream_output=up_context,
        daskflow_type=output_def.daskflow_type,
        resource_config=up_context.resource_config,
    )
    started = time.perf_counter()
    try:
        value = manager.load_input(context)
    except Exception as exc:
        raise StepError(
            f'Could not load input "{input_name}" of solid "{step.key}" from '
            f'output "{ref}" ({output_def.io_manager_key}): {exc}',
            exc,
        ) from exc
    emitter.emit(
        DaskflowEventType.LOADED_INPUT,
        f'Loaded input "{input_name}" from output "{ref}" using "{output_def.io_manager_key}".',
        data={
            "input_name": input_name,
            "upstream": str(ref),
            "upstream_run_id": up_context.run_id,
            "io_manager_key": output_def.io_manager_key,
            "load_seconds": time.perf_counter() - started,
        },
    )
    return value


def _type_context(step: Any, name: str, resources: Any) -> TypeCheckContext:
    return TypeCheckContext(
        solid_name=step.key, input_or_output=name, log=_LOG, resources=resources
    )


def check_type(
    step: Any,
    kind: str,
    name: str,
    daskflow_type: Any,
    value: Any,
    resources: Any,
    emitter: StepEmitter,
) -> None:
    started = time.perf_counter()
    try:
        check = daskflow_type.type_check(_type_context(step, name, resources), value)
    except Exception as exc:
        raise StepError(
            f'The type check of {kind} "{name}" of solid "{step.key}" raised: {exc}', exc
        ) from exc
    seconds = time.perf_counter() - started
    verdict = "passed" if check.success else "failed"
    event = DaskflowEventType.STEP_INPUT if kind == "input" else DaskflowEventType.STEP_OUTPUT
    verb = "Got input" if kind == "input" else "Yielded output"
    emitter.emit(
        event,
        f'{verb} "{name}" of type "{daskflow_type.display_name}". (Type check {verdict}).',
        level=logging.DEBUG if check.success else logging.ERROR,
        data={f"{kind}_name": name, "type_check": check.to_dict(), "check_seconds": seconds},
    )
    if not check.success:
        raise StepError(
            f'Type check failed for {kind} "{name}" of solid "{step.key}" '
            f'(expected type "{daskflow_type.display_name}"): '
            f"{check.description or 'no description'}",
            metadata_entries=check.metadata_entries,
        )


def handle_outputs(
    payload: Any,
    step: Any,
    outputs: dict[str, Any],
    resources: Any,
    emitter: StepEmitter,
    result: Any,
) -> None:
    for name, output in outputs.items():
        output_def = step.definition.output_def_named(name)
        check_type(step, "output", name, output_def.daskflow_type, output.value, resources, emitter)
    for name, output in outputs.items():
        output_def = step.definition.output_def_named(name)
        manager = getattr(resources, output_def.io_manager_key)
        if getattr(manager, "keeps_values_in_graph", False):
            result.values[name] = output.value
            continue
        context = output_context(payload, step.key, output_def)
        started = time.perf_counter()
        try:
            entries = list(manager.handle_output(context, output.value) or ())
        except Exception as exc:
            raise StepError(
                f'IO manager "{output_def.io_manager_key}" failed to store output '
                f'"{name}" of solid "{step.key}": {exc}',
                exc,
            ) from exc
        result.stored[name] = output_def.io_manager_key
        entries += list(output.metadata_entries)
        emitter.emit(
            DaskflowEventType.HANDLED_OUTPUT,
            f'Handled output "{name}" using IO manager "{output_def.io_manager_key}".',
            data={
                "output_name": name,
                "io_manager_key": output_def.io_manager_key,
                "metadata_entries": [e.to_dict() for e in entries],
                "write_seconds": time.perf_counter() - started,
            },
        )
