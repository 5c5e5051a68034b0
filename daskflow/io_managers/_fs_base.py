"""Where ``fs_io_manager`` keeps an output, and how it publishes one file atomically.

``FilesystemStore`` is the part of ``FilesystemIOManager`` that every form of output
shares: the fsspec filesystem (rebuilt after unpickling), the output's path
``<base>/<run_id>/<solid_name>/<output_name>``, the guard against ``memory://`` used from
another process, the errors that name the output and its URL, and the metadata entries
of HANDLED_OUTPUT events. ``publish_via_temporary`` writes a file under a temporary name
beside its final one and renames it into place (atomic on local disks).
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable
from typing import IO, Any

from fsspec.core import split_protocol, url_to_fs
from fsspec.implementations.local import LocalFileSystem
from fsspec.implementations.memory import MemoryFileSystem
from fsspec.registry import get_filesystem_class

from daskflow.io_managers._base import DaskflowIOError, IOManager, OutputContext
from daskflow.io_managers._formats import PARQUET_MAGIC
from daskflow.metadata import EventMetadataEntry

__all__ = [
    "MARKER",
    "PARQUET",
    "PICKLE",
    "FilesystemStore",
    "is_process_local_url",
    "memory_url_problem",
    "part_name",
    "part_order",
    "publish_via_temporary",
    "stored_format",
]

MARKER = "_SUCCESS"
PARQUET, PICKLE = "parquet", "pickle"
PART_RE = re.compile(r"^part\.(\d+)\.parquet$")

Writer = Callable[[IO[bytes]], object]


def memory_url_problem(base_dir: str) -> str:
    """The explanation for rejecting a ``memory://`` base directory on a cluster."""
    return (
        f"fs_io_manager with base_dir {base_dir!r} cannot be used with a distributed "
        "cluster: memory:// is private to each process, so workers could not read each "
        "other's outputs. Use a local directory shared by all workers or an object store "
        "such as s3://bucket/prefix as base_dir, or mem_io_manager (Dask hands outputs "
        "from task to task), or run on threads (execution: {threads: {}}, or a "
        "LocalCluster with processes: false), where memory:// works."
    )


def is_process_local_url(url: str) -> bool:
    """True for URLs of in-process filesystems (``memory://`` and its subclasses)."""
    protocol = split_protocol(url)[0]
    if protocol is None:
        return False
    try:
        return issubclass(get_filesystem_class(protocol), MemoryFileSystem)
    except (ImportError, ValueError):  # unknown protocol: fsspec reports it when used
        return False


def part_name(index: int) -> str:
    return f"part.{index}.parquet"


def part_order(name: str) -> tuple[int, str]:
    """Sort key of part file names: by partition number (other names first)."""
    match = PART_RE.match(name)
    return (int(match.group(1)) if match else -1, name)


def _check_segment(value: str, what: str) -> str:
    if not value or value in (".", "..") or "/" in value or "\\" in value:
        raise DaskflowIOError(f"{what} {value!r} cannot be used as a storage path segment")
    return value


def _publish(fs: Any, tmp_path: str, final_path: str) -> None:
    """Move a fully written temporary file to its final name (atomic on local disks)."""
    if isinstance(fs, LocalFileSystem):
        os.replace(tmp_path, final_path)
    else:
        fs.mv(tmp_path, final_path)


def discard(fs: Any, path: str) -> None:
    """Delete ``path``; missing is fine."""
    with contextlib.suppress(OSError):  # FileNotFoundError included
        fs.rm(path)


def discard_file(fs: Any, path: str) -> None:
    """Delete one file (an object store key), never a directory; missing is fine."""
    with contextlib.suppress(OSError):
        fs.rm_file(path)


def open_new(path: str) -> IO[bytes]:
    """Create a new local file for writing, making its directory only when it is missing
    (for files written into one directory many times: parts)."""
    try:
        return open(path, "xb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "xb")  # noqa: SIM115


def open_new_in(path: str) -> tuple[IO[bytes], bool]:
    """Make the file's directory, then create the file for writing; also whether the
    directory is new (so nothing else is in it yet). For a file that is usually its
    directory's first: one ``mkdir`` and one ``open``."""
    directory = os.path.dirname(path)
    try:
        os.mkdir(directory)
        made = True
    except FileExistsError:
        made = False
    except FileNotFoundError:  # its parent is missing too
        os.makedirs(directory, exist_ok=True)
        made = True
    return open(path, "xb"), made  # noqa: SIM115 - the caller closes it


def publish_via_temporary(
    fs: Any, directory: str, name: str, open_tmp: Callable[[str], IO[bytes]], write: Writer
) -> int:
    """Write ``directory/name`` under a temporary name, then rename it; returns its size.

    Temporary names (``.tmp-*.inprogress``) never end in ``.parquet``: dask's
    ``read_parquet`` reads every ``*.parquet`` below a directory. A failed write removes
    its temporary file.
    """
    tmp_path = f"{directory}/.tmp-{uuid.uuid4().hex}-{name}.inprogress"
    try:
        with open_tmp(tmp_path) as file:
            write(file)
            nbytes = file.tell()
        _publish(fs, tmp_path, f"{directory}/{name}")
    except BaseException:
        discard(fs, tmp_path)
        raise
    return nbytes


def stored_format(file: IO[bytes]) -> str:
    """``parquet`` or ``pickle``, from a single-file output's first bytes; rewinds."""
    head = file.read(len(PARQUET_MAGIC))
    file.seek(0)
    return PARQUET if head == PARQUET_MAGIC else PICKLE


class FilesystemStore(IOManager):
    """The filesystem and paths of ``FilesystemIOManager``, and its errors."""

    def __init__(
        self,
        base_dir: str,
        storage_options: dict[str, Any] | None = None,
        on_distributed_worker: bool = False,
    ):
        self.storage_options = dict(storage_options or {})
        fs, root = url_to_fs(base_dir, **self.storage_options)
        self._fs: Any = fs
        self._root = root.rstrip("/") or root  # keep "/" for a filesystem's root
        self.base_url: str = fs.unstrip_protocol(self._root)
        self._pid = os.getpid()
        self._local = isinstance(fs, LocalFileSystem)
        if on_distributed_worker and self.is_process_local:
            raise DaskflowIOError(self.distributed_problem() or "")

    # -- filesystem -----------------------------------------------------------------------

    @property
    def fs(self) -> Any:
        if self._fs is None:  # after unpickling: rebuild from the URL
            self._fs = url_to_fs(self.base_url, **self.storage_options)[0]
        return self._fs

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_fs": None}

    @property
    def is_process_local(self) -> bool:
        """True for ``memory://``: each process sees its own, empty filesystem."""
        return isinstance(self.fs, MemoryFileSystem)

    @property
    def _renames(self) -> bool:
        return isinstance(self.fs, LocalFileSystem) or self.is_process_local

    def distributed_problem(self) -> str | None:
        """Why this manager can't serve a multi-process cluster, or None if it can."""
        return memory_url_problem(self.base_url) if self.is_process_local else None

    def _check_process(self, output: OutputContext, path: str) -> None:
        if self.is_process_local and os.getpid() != self._pid:
            raise DaskflowIOError(
                f"{self.distributed_problem()} (output {output.output_name!r} of solid "
                f"{output.solid_name!r} in run {output.run_id!r})",
                *output.identifier,
                path,
            )

    # -- locations ------------------------------------------------------------------------

    def output_dir(self, output: OutputContext) -> str:
        """The filesystem path (no protocol) of the output: its file or its directory."""
        run_id, solid_name, output_name = output.identifier
        segments = (
            _check_segment(run_id, "run id"),
            _check_segment(solid_name, "solid name"),
            _check_segment(output_name, "output name"),
        )
        return "/".join((self._root.rstrip("/"), *segments))

    def describe_location(self, context: OutputContext) -> str | None:
        return self.fs.unstrip_protocol(self.output_dir(context))

    def _url(self, path: str) -> str:
        url: str = self.fs.unstrip_protocol(path)
        return url

    def _remove_parts(self, path: str) -> None:
        """Remove a directory-form output: its marker first, then its parts."""
        discard(self.fs, f"{path}/{MARKER}")
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(path, recursive=True)

    # -- errors and event metadata --------------------------------------------------------

    def _write_error(self, context: OutputContext, path: str, exc: Exception) -> DaskflowIOError:
        url = self._url(path)
        return DaskflowIOError(
            f"could not write output {context.output_name!r} of solid {context.solid_name!r} "
            f"in run {context.run_id!r} to {url}: {type(exc).__name__}: {exc}",
            *context.identifier,
            url,
        )

    def _error(
        self, output: OutputContext, problem: str, detail: str | None = None
    ) -> DaskflowIOError:
        url = self.describe_location(output)
        message = (
            f"output {output.output_name!r} of solid {output.solid_name!r} in run "
            f"{output.run_id!r} {problem}"
        )
        if detail:
            message += f": {detail}"
        if url and url not in message:
            message += f" (stored at {url})"
        return DaskflowIOError(message, *output.identifier, url)

    def _entries(
        self, context: OutputContext, fmt: str, nbytes: int, shape: tuple[int | None, int | None]
    ) -> list[EventMetadataEntry]:
        rows, columns = shape
        entries = [
            EventMetadataEntry.path(self.describe_location(context) or "", "path"),
            EventMetadataEntry.text(fmt, "format"),
            EventMetadataEntry.int(nbytes, "bytes"),
        ]
        if rows is not None:
            entries.append(EventMetadataEntry.int(rows, "rows"))
        if columns is not None:
            entries.append(EventMetadataEntry.int(columns, "columns"))
        return entries
