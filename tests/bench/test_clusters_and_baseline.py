"""Parsing ``--cluster`` specs and resolving ``--baseline`` callables."""

import pytest

from daskflow.bench import BenchClusterError, parse_cluster
from daskflow.bench._baseline import BaselineError, load_baseline
from daskflow.bench._clusters import open_cluster, spec_from_execution


@pytest.mark.parametrize(
    "spec, kind, workers, threads, execution",
    [
        ("in_process", "in_process", None, 1, {"in_process": {}}),
        ("threads", "threads", None, None, {"threads": {}}),
        ("threads:4", "threads", None, 4, {"threads": {"max_workers": 4}}),
        ("local:2x3", "local", 2, 3, {"dask": {"cluster": {"address": None}}}),
        (
            "address:tcp://h:8786",
            "address",
            None,
            None,
            {"dask": {"cluster": {"address": "tcp://h:8786"}}},
        ),
        ("tcp://h:8786", "address", None, None, {"dask": {"cluster": {"address": "tcp://h:8786"}}}),
    ],
)
def test_parse_cluster(spec, kind, workers, threads, execution):
    parsed = parse_cluster(spec)
    assert (parsed.kind, parsed.workers, parsed.threads) == (kind, workers, threads)
    assert parsed.label == spec and parsed.execution() == execution


def test_a_distributed_execution_connects_by_address_with_the_performance_report():
    assert parse_cluster("local:1x1").execution("tcp://x:1", performance_report=True) == {
        "dask": {"cluster": {"address": "tcp://x:1"}, "performance_report": True}
    }


@pytest.mark.parametrize("spec", ["gpu", "threads:0", "threads:x", "local:2", "local:0x1", ""])
def test_bad_cluster_specs_say_what_is_expected(spec):
    with pytest.raises(BenchClusterError, match="threads:N"):
        parse_cluster(spec)


def test_spec_from_the_run_configs_execution_block():
    assert spec_from_execution(None).label == "threads"
    assert spec_from_execution({"threads": {"max_workers": 3}}).label == "threads:3"
    assert spec_from_execution({"in_process": {}}).label == "in_process"
    local = {"dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}}
    assert spec_from_execution(local).label == "local:2x1"
    with pytest.raises(BenchClusterError, match="--cluster"):
        spec_from_execution({"dask": {"cluster": {"class": "x.Y"}}})


def test_local_configs_report_their_parallelism():
    with open_cluster(parse_cluster("threads:3")) as cluster:
        assert cluster.parallelism == 3 and cluster.client is None and cluster.workers() == []
    with open_cluster(parse_cluster("in_process")) as cluster:
        assert cluster.parallelism == 1


def test_load_baseline_binds_literal_arguments():
    assert load_baseline("math:factorial")(4) == 24
    assert load_baseline("math:factorial(4)")() == 24
    assert load_baseline("os.path:join('a', 'b')")().replace("\\", "/") == "a/b"
    assert load_baseline("builtins:dict(a=1)")() == {"a": 1}


def test_load_baseline_from_a_file(tmp_path):
    path = tmp_path / "base.py"
    path.write_text("def run():\n    return 42\n")
    assert load_baseline(f"{path}:run")() == 42


@pytest.mark.parametrize(
    "spec, message",
    [
        ("math", "expected MODULE:FUNCTION"),
        ("no_such_module_abc:f", "ModuleNotFoundError"),
        ("math:nope", 'has no attribute "nope"'),
        ("math:pi", "not callable"),
        ("math:factorial(n)", "literals"),
        ("/no/such/file.py:f", "no such file"),
    ],
)
def test_bad_baselines(spec, message):
    with pytest.raises(BaselineError, match=message):
        load_baseline(spec)
