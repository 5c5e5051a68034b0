"""What the engine asks of IO managers and executors, checked through real runs."""

import pandas as pd
import pytest

from daskflow import ModeDefinition, ResourceDefinition, execute_pipeline, pipeline, solid
from daskflow.engine.run.executors import Executor, LocalExecutor, RunningGraph, open_executor
from daskflow.events import DaskflowEventType as E
from daskflow.events import StepStatus
from daskflow.io_managers import IOManager, IOManagerDefinition
from daskflow.types import dataframe_type

IN_PROCESS = {"execution": {"in_process": {}}}


class DictIO(IOManager):
    """A plain IO manager: whole values only, no optional capability."""

    def __init__(self):
        self.values = {}

    def handle_output(self, context, obj):
        self.values[context.identifier] = obj

    def load_input(self, context):
        return self.values[context.upstream_output.identifier]


class InGraphIO(DictIO):
    keeps_values_in_graph = True


# Checked per partition on Dask frames, whole on the pandas frame a plain manager stores.
# (An output typed DaskDataFrame cannot go to a plain manager: the computed frame it
# receives is pandas, which that type rejects.)
Rows = dataframe_type("Rows", {"a": "int64"}, dask=True)


@solid
def frame(_) -> Rows:
    import dask.dataframe as dd

    return dd.from_pandas(pd.DataFrame({"a": [1, 2, 3, 4]}), npartitions=2)


@solid
def total(_, rows: pd.DataFrame) -> int:
    return int(rows.a.sum())


def _pipeline(manager):
    mode = ModeDefinition(resource_defs={"io_manager": manager})

    @pipeline(mode_defs=[mode])
    def summed():
        total(frame())

    return summed


def test_a_plain_manager_gets_a_dask_output_computed_into_one_frame():
    manager = DictIO()
    result = execute_pipeline(
        _pipeline(IOManagerDefinition.hardcoded_io_manager(manager)), IN_PROCESS
    )
    assert result.output_for_solid("total") == 10
    stored = manager.values[(result.run_id, "frame", "result")]
    assert isinstance(stored, pd.DataFrame) and stored.a.tolist() == [1, 2, 3, 4]


def test_a_manager_keeping_values_in_the_graph_is_never_asked_to_store():
    manager = InGraphIO()
    result = execute_pipeline(
        _pipeline(IOManagerDefinition.hardcoded_io_manager(manager)), IN_PROCESS
    )
    assert result.output_for_solid("total") == 10 and manager.values == {}
    assert E.HANDLED_OUTPUT not in result.event_types


def test_a_resource_used_as_io_manager_must_be_one():
    not_a_manager = ResourceDefinition.hardcoded_resource({"handle_output": None})
    result = execute_pipeline(_pipeline(not_a_manager), IN_PROCESS, raise_on_error=False)
    assert result.step_results["frame"].status is StepStatus.FAILURE
    assert result.step_results["total"].status is StepStatus.SKIPPED
    error = result.result_for_solid("frame").failure_data
    assert 'resource "io_manager"' in error["message"] and "not an IOManager" in error["message"]


@pytest.mark.parametrize("execution", [{"in_process": {}}, {"threads": {"max_workers": 2}}])
def test_local_executors_implement_the_executor_contract(execution):
    with open_executor(execution, lambda message, data: None) as executor:
        assert isinstance(executor, LocalExecutor) and isinstance(executor, Executor)
        running = executor.submit({"x": 1}, ["x"], "run-contract")
        assert isinstance(running, RunningGraph)
        assert running.wait(10) and running.results() == {"x": 1}
