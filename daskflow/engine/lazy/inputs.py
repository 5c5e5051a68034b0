"""The inputs a Dask DataFrame solid is called on while its step's graph is built.

Nothing upstream has run yet, so every input is lazy or cheap: the output of an upstream
Dask DataFrame step as that step handed it on (``LazyCompiler.lazy_values``); a pandas
step's output as a one-partition frame read when that step's task has finished
(``TaskOutputReader``, its columns from the output's declared schema); a parent run's
stored output read part by part (``PartitionReader``) or from the source it was recorded
by reference to (re-execution); config, defaults and ``Nothing`` as for any step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dask.base import is_dask_collection
from dask.task_spec import TaskRef

from daskflow.engine.lazy.eager import EagerCall, to_dask
from daskflow.engine.lazy.partitions import PartitionReader, TaskOutputReader
from daskflow.engine.lazy.values import (
    is_dask_frame,
    is_dask_frame_type,
    is_lazy_step,
    schema_meta,
)
from daskflow.engine.planning.plan import NOTHING, PARENT, UPSTREAM
from daskflow.engine.step import step_io
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.step_run import StepRun, output_context, upstream_output_def
from daskflow.io_managers import LazyReadIOManager, PartitionedIOManager
from daskflow.types import DaskSeries

if TYPE_CHECKING:
    import dask.dataframe as dd

    from daskflow.definitions.graph import OutputRef
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.io_managers import OutputContext
    from daskflow.types import DaskflowType

__all__ = ["LazyInputs", "LazyValues"]

LazyValues = dict[tuple[str, str], Any]  # (step key, output name) -> value consumers see


class LazyInputs:
    """Loads the inputs of Dask DataFrame steps while the run's graph is built.

    ``lazy_values`` is shared with the compiler, which adds each built step's outputs.
    ``concrete``: the upstream outputs exist (a deferred step's task, ``lazy.deferred``).
    """

    concrete = False

    def __init__(
        self,
        payload: RunPayload,
        payload_key: str,
        step_task_keys: dict[str, str],
        lazy_values: LazyValues,
    ):
        self.payload = payload
        self.payload_key = payload_key
        self.step_task_keys = step_task_keys
        self.lazy_values = lazy_values

    def load(self, run: StepRun) -> dict[str, Any]:
        """The step's input values by name, type-checked (``Nothing`` inputs have none)."""
        values: dict[str, Any] = {}
        for inp in run.step.inputs:
            if inp.source == NOTHING:
                continue
            input_def = run.definition.input_def_named(inp.name)
            if inp.source in (UPSTREAM, PARENT):
                parents = inp.parent_runs or ("",) * len(inp.refs)
                loaded = [
                    self._upstream_value(run, inp.name, ref, parent)
                    for ref, parent in zip(inp.refs, parents, strict=True)
                ]
                value = loaded if inp.fan_in else loaded[0]
            else:
                value = step_io.load_input_value(run, inp, input_def)
            if not inp.fan_in:
                value = self._adapt(run, inp.name, input_def.daskflow_type, value)
            step_io.check_type(run, "input", inp.name, input_def.daskflow_type, value)
            values[inp.name] = value
        return values

    def _adapt(self, run: StepRun, input_name: str, daskflow_type: DaskflowType, value: Any) -> Any:
        """The value as the input's type wants it: a pandas value as a one-partition Dask
        collection for a Dask-typed input; a Dask one computed for an input wanting a value
        (a pandas frame, an ``int``), which needs the upstream to have run (``EagerCall``
        while building, so the step is deferred)."""
        if daskflow_type is DaskSeries and is_dask_frame(value) and value.ndim == 2:  # noqa: PLR2004
            return value[value.columns[0]]  # a series stored as a one-column frame
        if is_dask_frame_type(daskflow_type):
            return to_dask(value)
        if not is_dask_collection(value) or daskflow_type.python_type is None:
            return value
        if not self.concrete:
            raise EagerCall(f'input "{input_name}" of solid "{run.key}" needs a value')
        return value.compute()

    def payload_arg(self) -> Any:
        """The payload as partition reads take it: a reference to the graph's payload key
        (a deferred step's reads are computed by the user's own calls too: the payload)."""
        return self.payload if self.concrete else TaskRef(self.payload_key)

    def _upstream_value(self, run: StepRun, input_name: str, ref: OutputRef, parent: str) -> Any:
        if parent:
            return self._parent_output(run, input_name, ref, parent)
        if (ref.node, ref.output) in self.lazy_values:
            return self.lazy_values[(ref.node, ref.output)]
        if is_lazy_step(self.payload.plan.steps[ref.node]):
            raise StepError(
                f'Input "{input_name}" of solid "{run.key}": upstream output '
                f'"{ref}" was not produced'
            )
        return self._task_output(run, input_name, ref)

    def _task_output(self, run: StepRun, input_name: str, ref: OutputRef) -> dd.DataFrame:
        """A pandas step's output as a one-partition Dask frame (schema from its type)."""
        import dask.dataframe as dd

        output_def = upstream_output_def(self.payload, ref)
        meta = schema_meta(output_def.daskflow_type)
        if meta is None:  # the frame's columns are known once that solid has run
            raise EagerCall(f'input "{input_name}" of solid "{run.key}" needs its columns')
        reader = TaskOutputReader(ref.node, ref.output, meta)
        return dd.from_map(
            reader,
            [ref.output],
            [TaskRef(self.step_task_keys[ref.node])],
            [TaskRef(self.payload_key)],
            meta=meta,
            label=f"{ref.node}_load",
            enforce_metadata=False,
        )

    def _parent_output(self, run: StepRun, input_name: str, ref: OutputRef, parent: str) -> Any:
        """A parent run's stored output (re-execution): read lazily, partition by partition."""
        output_def = upstream_output_def(self.payload, ref)
        manager = run.io_manager(output_def.io_manager_key)
        if not isinstance(manager, PartitionedIOManager):
            return step_io.load_ref(run, input_name, ref, parent)
        context = output_context(self.payload, ref.node, output_def, parent)
        try:  # an output recorded by reference is read from its (unchanged) source
            by_reference = (
                manager.read_lazy(context) if isinstance(manager, LazyReadIOManager) else None
            )
        except Exception as exc:
            raise StepError(
                f'Could not load input "{input_name}" of solid "{run.key}" from '
                f'output "{ref}" of run {parent}: {exc}',
                exc,
            ) from exc
        if by_reference is not None:
            return by_reference
        return self._read_parts(ref, output_def.io_manager_key, manager, context)

    def _read_parts(
        self,
        ref: OutputRef,
        io_manager_key: str,
        manager: PartitionedIOManager,
        context: OutputContext,
    ) -> dd.DataFrame:
        import dask.dataframe as dd

        urls = manager.part_urls(context)
        meta = manager.read_part(urls[0]).iloc[:0]
        reader = PartitionReader(ref.node, ref.output, io_manager_key)
        return dd.from_map(
            reader,
            urls,
            [None] * len(urls),
            [self.payload_arg()] * len(urls),
            meta=meta,
            label=f"{ref.node}_load",
            enforce_metadata=False,
        )
