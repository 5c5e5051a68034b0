"""The IOManager contract, @io_manager, mem_io_manager and the distributed-usability check."""

import multiprocessing
import pickle
import uuid
from concurrent.futures import ProcessPoolExecutor

import pytest

from daskflow.errors import DaskflowInvalidDefinitionError, DaskflowResourceError
from daskflow.io_managers import (
    DaskflowIOError,
    FilesystemIOManager,
    InMemoryIOManager,
    InputContext,
    IOManager,
    IOManagerDefinition,
    check_usable_on_distributed,
    fs_io_manager,
    io_manager,
    mem_io_manager,
)
from daskflow.resources import InitResourceContext, build_resources

from .conftest import out_ctx


class ListIO(IOManager):
    def __init__(self):
        self.calls = []

    def handle_output(self, context, obj):
        self.calls.append(obj)

    def load_input(self, context):
        return self.calls[-1]


def test_io_manager_has_exactly_two_abstract_methods():
    assert IOManager.__abstractmethods__ == {"handle_output", "load_input"}
    manager = ListIO()
    assert manager.has_output(out_ctx()) is False
    assert manager.describe_location(out_ctx()) is None


def test_contexts_are_plain_picklable_data():
    out = out_ctx(solid="comp.inner")
    assert out.identifier == ("run-1", "comp.inner", "result") and out.metadata == {}
    context = InputContext("x", "consumer", out, daskflow_type=int)
    clone = pickle.loads(pickle.dumps(context))
    assert clone == context and clone.upstream_output.identifier == out.identifier
    assert clone.log is context.log  # loggers pickle by name


def test_decorator_bare_and_with_arguments():
    @io_manager
    def bare(_):
        """Docs of bare."""
        return ListIO()

    @io_manager(config_schema={"n": int}, description="configured")
    def configured(init_context):
        manager = ListIO()
        manager.calls.append(init_context.resource_config["n"])
        return manager

    assert isinstance(bare, IOManagerDefinition) and bare.description == "Docs of bare."
    assert configured.description == "configured"
    with build_resources({"a": bare, "b": configured}, {"b": {"config": {"n": 7}}}) as res:
        assert isinstance(res.a, ListIO) and res.b.calls == [7]


def test_definition_must_build_an_io_manager():
    @io_manager
    def wrong(_):
        return {"not": "an io manager"}

    with pytest.raises(DaskflowResourceError) as info, build_resources({"io": wrong}):
        pass
    assert isinstance(info.value.__cause__, DaskflowInvalidDefinitionError)
    assert "wrong must return an IOManager" in str(info.value)


def test_hardcoded_io_manager():
    manager = ListIO()
    with build_resources({"io": IOManagerDefinition.hardcoded_io_manager(manager)}) as res:
        assert res.io is manager
    with pytest.raises(DaskflowInvalidDefinitionError):
        IOManagerDefinition.hardcoded_io_manager("nope")


def test_mem_io_manager_round_trip_and_has_output():
    with build_resources({"io_manager": mem_io_manager}) as resources:
        manager = resources.io_manager
    parent, comp = out_ctx(run_id="parent"), out_ctx(solid="comp.inner")
    assert not manager.has_output(parent)
    value = object()
    assert manager.handle_output(parent, value) is None
    manager.handle_output(comp, None)
    assert manager.has_output(parent) and manager.has_output(comp)
    assert manager.load_input(InputContext("x", "child", parent)) is value
    assert manager.load_input(InputContext("x", "child", comp)) is None
    assert "in memory" in manager.describe_location(parent)
    with pytest.raises(
        DaskflowIOError,
        match="output 'result' of solid 'producer' in run 'other' is not in this mem_io_manager",
    ):
        manager.load_input(InputContext("x", "child", out_ctx(run_id="other")))


def test_mem_io_manager_copies_in_other_processes_refuse_to_work(monkeypatch):
    manager = InMemoryIOManager()
    manager.handle_output(out_ctx(), [1] * 10)
    clone = pickle.loads(pickle.dumps(manager))
    assert clone.values == {}  # values are never shipped
    monkeypatch.setattr(clone, "_pid", -1)  # as if unpickled in a worker process
    with pytest.raises(DaskflowIOError, match="cannot serve a distributed cluster"):
        clone.handle_output(out_ctx(), 1)


def _write_then_read(manager):
    out = out_ctx(solid="child_proc")
    try:
        manager.handle_output(out, {"from": "child"})
    except DaskflowIOError as exc:
        return f"error: {exc}"
    return manager.load_input(InputContext("x", "c", out))


def test_managers_in_a_real_other_process(tmp_path):
    local = FilesystemIOManager(str(tmp_path / "st"))
    memory = FilesystemIOManager(f"memory://proc-{uuid.uuid4().hex}")
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        assert pool.submit(_write_then_read, local).result() == {"from": "child"}
        mem_result = pool.submit(_write_then_read, memory).result()
        inmem_result = pool.submit(_write_then_read, InMemoryIOManager()).result()
    # the parent sees what the child wrote on disk
    assert local.load_input(InputContext("x", "c", out_ctx(solid="child_proc"))) == {
        "from": "child"
    }
    assert mem_result.startswith("error: fs_io_manager with base_dir 'memory:///proc-")
    assert inmem_result.startswith("error: mem_io_manager keeps outputs in the memory")


def test_check_usable_on_distributed(tmp_path, s3_bucket):
    bucket, options = s3_bucket
    # the engine passes mem_io_manager's values through Dask, so any cluster can use it
    assert check_usable_on_distributed(mem_io_manager) is None
    assert check_usable_on_distributed(InMemoryIOManager()) is None
    memory_problem = check_usable_on_distributed(fs_io_manager, {"base_dir": "memory://x"})
    assert "memory:// is private to each process" in memory_problem
    block = {"config": {"base_dir": "memory://x"}}  # a run config's resources block
    assert check_usable_on_distributed(fs_io_manager, block) == memory_problem
    assert (
        check_usable_on_distributed(fs_io_manager, {"base_dir": None}, storage_dir="memory://y")
        is not None
    )
    assert check_usable_on_distributed(fs_io_manager, {"base_dir": str(tmp_path)}) is None
    assert check_usable_on_distributed(fs_io_manager, {"base_dir": None}) is None
    assert check_usable_on_distributed(FilesystemIOManager("memory://z")) is not None
    assert check_usable_on_distributed(FilesystemIOManager(f"s3://{bucket}/p", options)) is None
    assert check_usable_on_distributed(ListIO()) is None


def test_managers_told_they_run_on_a_distributed_worker_refuse_memory(tmp_path):
    def init(base_dir):
        return InitResourceContext(
            {"base_dir": base_dir}, fs_io_manager, on_distributed_worker=True
        )

    with pytest.raises(DaskflowIOError, match="memory:// is private"):
        fs_io_manager.resource_fn(init("memory://on-worker"))
    assert fs_io_manager.resource_fn(init(str(tmp_path))).base_url.startswith("file://")
    with pytest.raises(DaskflowIOError, match="mem_io_manager keeps outputs"):
        mem_io_manager.resource_fn(init(None))
