"""Dask DataFrame solids that shuffle (hash joins, groupbys with ``split_out``) on every
scheduler, including while the user's own ``distributed.Client`` is the default one (Dask
then picks its P2P shuffle, which needs its barrier task under its own name)."""

import os

import dask
import pandas as pd
import pytest

from daskflow import execute_pipeline
from daskflow.engine.run.compile import shuffle_method
from daskflow.events import DaskflowEventType as E

from .distributed_pipelines import shuffling

ROWS = 20_000


@pytest.fixture(scope="module")
def user_client(dask_cluster):
    """A Client of the shared cluster (worker processes) that is the default, as in a
    notebook that ran ``Client(cluster)``."""
    from distributed import Client

    with Client(dask_cluster.scheduler_address) as client:
        yield client


def _expected() -> pd.DataFrame:
    orders = pd.DataFrame(
        {
            "customer": [i % 97 for i in range(ROWS)],
            "amount": [float(i % 1000) for i in range(ROWS)],
        }
    )
    orders["region"] = [f"r{c % 7}" for c in orders.customer]
    return orders.groupby("region").amount.sum().reset_index()


def _run(execution, instance, mode="default"):
    config = {"solids": {"make_orders": {"config": {"rows": ROWS}}}, "execution": execution}
    result = execute_pipeline(shuffling, config, mode=mode, instance=instance, raise_on_error=False)
    failures = [e.message for e in result.events if e.event_type == E.STEP_FAILURE]
    assert result.success, failures
    answer = result.output_for_solid("sorted_totals")
    pd.testing.assert_frame_equal(answer, _expected(), check_dtype=False)
    return result


@pytest.mark.parametrize("mode", ["default", "in_memory"])
def test_shuffles_on_the_cluster_of_the_users_default_client(user_client, instance, mode):
    assert dask.utils.get_default_shuffle_method() == "p2p"  # what Dask would pick here
    _run({"dask": {"cluster": {"address": user_client.scheduler.address}}}, instance, mode)


def test_shuffles_on_threads_while_a_distributed_client_is_the_default(user_client, instance):
    _run({"threads": {"max_workers": 2}}, instance)


@pytest.mark.cluster  # its own: the run starts a LocalCluster
def test_shuffles_on_a_local_cluster_started_by_the_run(instance):
    local = {"local": {"n_workers": 2, "threads_per_worker": 1}}
    _run({"dask": {"cluster": local}}, instance)


def test_shuffle_method_per_scheduler():
    cluster = {"dask": {"cluster": {"address": "tcp://127.0.0.1:8786"}}}
    assert shuffle_method(cluster) == "tasks"  # disk is per machine, P2P needs its own keys
    assert shuffle_method({"threads": {}}) == "disk"
    assert shuffle_method({"in_process": {}}) == "disk"
    with dask.config.set({"dataframe.shuffle.method": "tasks"}):
        assert shuffle_method({"threads": {}}) == "tasks"  # the user's choice, where it works
    with dask.config.set({"dataframe.shuffle.method": "p2p"}):
        assert shuffle_method(cluster) == "tasks"
        assert shuffle_method({"threads": {}}) == "disk"


def test_a_configured_p2p_shuffle_is_replaced_and_said_so(user_client, instance):
    with dask.config.set({"dataframe.shuffle.method": "p2p"}):
        result = _run({"dask": {"cluster": {"address": user_client.scheduler.address}}}, instance)
    said = [
        e.data
        for e in result.events
        if e.event_type == E.ENGINE_EVENT and "shuffle_method" in e.data
    ]
    assert said == [{"shuffle_method": "tasks", "configured": "p2p"}]


def test_runs_without_dask_dataframe_solids_say_nothing_of_shuffles(instance):
    from .distributed_pipelines import squares

    with dask.config.set({"dataframe.shuffle.method": "p2p"}):
        result = execute_pipeline(
            squares,
            {
                "execution": {"threads": {}},
                "solids": {"slow_square": {"config": {"pid_file": os.devnull, "seconds": 0.0}}},
            },
            instance=instance,
        )
    assert result.success and result.output_for_solid("total") == 285
    assert not [e for e in result.events if "shuffle_method" in (e.data or {})]
