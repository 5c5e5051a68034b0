"""What the engine asks of some IO managers only: the optional capabilities, declared.

An ``IOManager`` stores whole values (``handle_output``/``load_input``). For Dask DataFrame
solids the engine uses more when the manager declares it, by subclassing:

- ``PartitionedIOManager``: stores a frame output partition by partition
  (``begin_output``, ``write_part`` on any worker, ``commit_output``) and reads it back the
  same way (``part_url``/``part_urls``, ``read_part``). Without it, a Dask output is
  computed into one pandas frame and stored with ``handle_output``;
- ``ReferenceIOManager``: records an output that is an unmodified parquet read by
  reference to its source files (``commit_reference``) instead of copying it;
- ``LazyReadIOManager``: reads a stored output as a lazy Dask frame (``read_lazy``), for
  re-executions whose Dask solids read a parent run's outputs.

The engine checks these with ``isinstance``. ``IOManager.keeps_values_in_graph`` (a class
attribute) marks managers whose values travel through Dask's memory instead.

>>> from daskflow.io_managers import FilesystemIOManager, InMemoryIOManager
>>> issubclass(FilesystemIOManager, PartitionedIOManager | ReferenceIOManager)
True
>>> issubclass(InMemoryIOManager, PartitionedIOManager), InMemoryIOManager.keeps_values_in_graph
(False, True)
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from daskflow.io_managers._base import IOManager, OutputContext
from daskflow.metadata import EventMetadataEntry

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from daskflow.io_managers._reference import SourceReference

__all__ = [
    "CheckedPart",
    "LazyReadIOManager",
    "PartitionedIOManager",
    "ReferenceIOManager",
    "StoredPart",
]


@dataclass(frozen=True)
class StoredPart:
    """One written file of an output: its name in the output directory and its size."""

    name: str
    nbytes: int
    rows: int | None = None
    columns: int | None = None


class CheckedPart(Protocol):
    """A partition the engine checked (not stored) for an output recorded by reference."""

    @property
    def rows(self) -> int: ...


class PartitionedIOManager(IOManager):
    """Stores a Dask DataFrame output partition by partition, readable once committed.

    The engine calls ``begin_output`` once (on the coordinator), ``write_part`` once per
    partition (any order, any worker), then ``commit_output`` with what the writes
    returned. Readers find the parts with ``part_url`` (before they are written) or
    ``part_urls`` (of a committed output) and read each with ``read_part``.
    """

    @abstractmethod
    def begin_output(self, context: OutputContext) -> None:
        """Forget any earlier write of this output (a retried or re-executed step)."""

    @abstractmethod
    def write_part(self, context: OutputContext, index: int, frame: pd.DataFrame) -> StoredPart:
        """Write partition ``index`` atomically; it stays unreadable until the commit."""

    @abstractmethod
    def commit_output(
        self, context: OutputContext, parts: Sequence[StoredPart]
    ) -> Sequence[EventMetadataEntry]:
        """Make the output readable; returned entries go into the HANDLED_OUTPUT event."""

    @abstractmethod
    def part_url(self, context: OutputContext, index: int) -> str:
        """Where ``write_part(context, index, ...)`` puts partition ``index``."""

    @abstractmethod
    def part_urls(self, context: OutputContext) -> list[str]:
        """The URLs of a committed output's parts, in partition order."""

    @abstractmethod
    def read_part(self, url: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One part (only ``columns``, if given) as a pandas frame."""


class ReferenceIOManager(IOManager):
    """Records an output that is an unmodified parquet read instead of copying it."""

    @abstractmethod
    def commit_reference(
        self,
        context: OutputContext,
        reference: SourceReference,
        parts: Sequence[CheckedPart] = (),
    ) -> Sequence[EventMetadataEntry]:
        """Commit the output as ``reference``; ``parts`` are its checked partitions, if any."""


class LazyReadIOManager(IOManager):
    """Reads a stored output as a lazy Dask frame."""

    @abstractmethod
    def read_lazy(self, context: OutputContext) -> dd.DataFrame | None:
        """The output as a Dask frame, or None when it is better read part by part."""
