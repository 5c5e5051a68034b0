"""The IO manager contract's optional capabilities, declared by subclassing."""

import pytest

from daskflow.io_managers import (
    FilesystemIOManager,
    InMemoryIOManager,
    IOManager,
    LazyReadIOManager,
    PartitionedIOManager,
    ReferenceIOManager,
    check_usable_on_distributed,
)

from .test_base_and_mem import ListIO

CAPABILITIES = (PartitionedIOManager, ReferenceIOManager, LazyReadIOManager)


def test_the_built_in_managers_declare_what_they_can_do():
    assert all(issubclass(FilesystemIOManager, c) for c in CAPABILITIES)
    assert not any(issubclass(InMemoryIOManager, c) for c in CAPABILITIES)
    assert InMemoryIOManager.keeps_values_in_graph and not FilesystemIOManager.keeps_values_in_graph
    assert not ListIO.keeps_values_in_graph  # the default of the contract


def test_a_capability_is_a_contract_not_a_method_name():
    class LooksPartitioned(ListIO):  # has the methods, declares nothing
        def write_part(self, context, index, frame): ...

    assert not isinstance(LooksPartitioned(), PartitionedIOManager)


def test_a_partitioned_manager_must_implement_every_method_of_it():
    class Half(PartitionedIOManager, ListIO):
        def write_part(self, context, index, frame): ...

    with pytest.raises(TypeError, match="abstract"):
        Half()
    assert PartitionedIOManager.__abstractmethods__ >= {
        "begin_output",
        "write_part",
        "commit_output",
        "part_url",
        "part_urls",
        "read_part",
    }


def test_a_managers_declared_distributed_problem_is_reported():
    class LocalOnly(ListIO):
        def distributed_problem(self):
            return "keeps outputs in this process"

    class InGraph(LocalOnly):
        keeps_values_in_graph = True  # the engine never asks it to store anything

    assert IOManager.distributed_problem(ListIO()) is None
    assert check_usable_on_distributed(LocalOnly()) == "keeps outputs in this process"
    assert check_usable_on_distributed(InGraph()) is None
