"""IO managers: where step outputs are stored between steps and how inputs are loaded.

An IO manager is a resource (usually under the key ``io_manager``) whose value implements
``IOManager.handle_output`` / ``load_input``. What else the engine can use, a manager
declares by subclassing ``PartitionedIOManager`` (Dask frames partition by partition),
``ReferenceIOManager`` (parquet reads recorded by reference) or ``LazyReadIOManager``
(stored outputs read lazily); see ``_capabilities``. Built in:

- ``fs_io_manager``: parquet (pandas frames) or pickle files at
  ``<base_dir>/<run_id>/<solid_name>/<output_name>`` on any fsspec filesystem: one file
  published atomically (rename or PUT), or for partitioned Dask frames a directory of
  parts committed by a ``_SUCCESS`` manifest;
- ``mem_io_manager``: values in memory, for single-process runs and tests.

>>> from daskflow.resources import build_resources
>>> with build_resources({"io_manager": mem_io_manager}) as resources:
...     type(resources.io_manager).__name__
'InMemoryIOManager'
"""

from daskflow.io_managers._base import (
    DaskflowIOError,
    InputContext,
    IOManager,
    IOManagerDefinition,
    OutputContext,
    io_manager,
)
from daskflow.io_managers._capabilities import (
    CheckedPart,
    LazyReadIOManager,
    PartitionedIOManager,
    ReferenceIOManager,
    StoredPart,
)
from daskflow.io_managers._distributed import check_usable_on_distributed
from daskflow.io_managers._fs import MARKER, FilesystemIOManager, fs_io_manager
from daskflow.io_managers._mem import InMemoryIOManager, mem_io_manager
from daskflow.io_managers._reference import SourceReference

__all__ = [
    "MARKER",
    "CheckedPart",
    "DaskflowIOError",
    "FilesystemIOManager",
    "IOManager",
    "IOManagerDefinition",
    "InMemoryIOManager",
    "InputContext",
    "LazyReadIOManager",
    "OutputContext",
    "PartitionedIOManager",
    "ReferenceIOManager",
    "SourceReference",
    "StoredPart",
    "check_usable_on_distributed",
    "fs_io_manager",
    "io_manager",
    "mem_io_manager",
]
