"""``fs_io_manager``: step outputs as files on any fsspec filesystem (local, memory://, s3://).

Every output lives at ``<base>/<run_id>/<solid_name>/<output_name>``; ``solid_name`` is
kept whole, dots included (``comp.inner`` is one directory), so no two outputs can ever
share or nest paths. An output takes one of two forms, and readers accept both:

- **Single file** (``handle_output``: one pandas frame or one pickled value). That path is
  one file: parquet for frames, a pickle otherwise, told apart by parquet's magic bytes.
  Publishing it is the commit, with no marker: on local disks it is written under a
  temporary name beside it (``.tmp-*.inprogress`` in the solid's directory) and renamed
  over the final name, one atomic ``os.replace``; object stores (and ``memory://``) get it
  serialised in memory and stored with one atomic PUT. Its manifest comes from the file:
  bytes from its size, rows and columns from the parquet footer (unknown for pickles).
  A rewrite (a retried step) replaces the file atomically, so readers see the old value or
  the new one, never a mix. On local and memory filesystems the old value is unlinked
  first, so a failed or killed rewrite leaves nothing readable; object stores skip that
  request and remove the old value only when the rewrite fails. Directories are created
  only when a write finds them missing.
- **Directory of parts** (the engine writing a dask DataFrame partition by partition:
  ``begin_output`` once, ``write_part`` per partition, any order, any worker, then
  ``commit_output``). The path is a directory of ``part.<i>.parquet`` files and a JSON
  ``_SUCCESS`` manifest written last; readers refuse the directory without it. Parts are
  renamed into place on local and memory filesystems (temporary names do not end in
  ``.parquet``: dask's ``read_parquet`` reads every ``*.parquet`` below a directory,
  research pitfall 8) and PUT under their final names on object stores. ``begin_output``
  forgets an earlier write: a single file first, then the marker, then the old parts.
- **Reference** (``commit_reference``: a Dask output that is an unmodified parquet read).
  Nothing is copied: the ``_SUCCESS`` manifest (``"layout": "reference"``) records the
  source files and read (``_reference.py``); readers check the files are unchanged first.

A single file written over a directory of parts removes the marker, then the parts, before
it is published. On object stores, where a file and a "directory" of the same name can
coexist, readers look for the single file first.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from daskflow.config import Field, Noneable, Permissive, StringSource
from daskflow.io_managers._base import (
    DaskflowIOError,
    InputContext,
    IOManager,
    OutputContext,
    io_manager,
)
from daskflow.io_managers._formats import (
    PARQUET_MAGIC,
    frame_to_table,
    parquet_facts,
    read_frame,
    read_pickle,
    write_pickle,
    write_table,
)
from daskflow.io_managers._reference import (
    SourceReference,
    read_reference,
    reference_manifest,
)
from daskflow.metadata import EventMetadataEntry

__all__ = [
    "DEFAULT_STORAGE_DIR",
    "MARKER",
    "FilesystemIOManager",
    "StoredPart",
    "fs_io_manager",
    "is_process_local_url",
    "memory_url_problem",
]

MARKER = "_SUCCESS"
DEFAULT_STORAGE_DIR = "./.daskflow/storage"
PARQUET, PICKLE = "parquet", "pickle"
_PICKLE_FILE = "value.pickle"  # a directory-form pickle, as written before single files
_PART_RE = re.compile(r"^part\.(\d+)\.parquet$")


@dataclass(frozen=True)
class StoredPart:
    """One written file of an output: its name in the output directory and its size."""

    name: str
    nbytes: int
    rows: int | None = None
    columns: int | None = None


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
    from fsspec.core import split_protocol
    from fsspec.implementations.memory import MemoryFileSystem
    from fsspec.registry import get_filesystem_class

    protocol = split_protocol(url)[0]
    if protocol is None:
        return False
    try:
        return issubclass(get_filesystem_class(protocol), MemoryFileSystem)
    except (ImportError, ValueError):  # unknown protocol: fsspec reports it when used
        return False


def _part_name(index: int) -> str:
    return f"part.{index}.parquet"


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


def _discard(fs: Any, path: str) -> None:
    with contextlib.suppress(OSError):  # FileNotFoundError included
        fs.rm(path)


def _discard_file(fs: Any, path: str) -> None:
    """Delete one file (an object store key), never a directory; missing is fine."""
    with contextlib.suppress(OSError):
        fs.rm_file(path)


def _open_new(path: str) -> IO[bytes]:
    """Create a new local file for writing, making its directory only when it is missing."""
    try:
        return open(path, "xb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "xb")  # noqa: SIM115


def _stored_format(file: IO[bytes]) -> str:
    """``parquet`` or ``pickle``, from a single-file output's first bytes; rewinds."""
    head = file.read(len(PARQUET_MAGIC))
    file.seek(0)
    return PARQUET if head == PARQUET_MAGIC else PICKLE


def _read_value(file: IO[bytes]) -> Any:
    return read_frame(file) if _stored_format(file) == PARQUET else read_pickle(file)


class FilesystemIOManager(IOManager):
    """Stores outputs under ``base_dir`` (a local path or any fsspec URL)."""

    def __init__(
        self,
        base_dir: str,
        storage_options: Mapping[str, Any] | None = None,
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
        from fsspec.implementations.memory import MemoryFileSystem

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
        return self.fs.unstrip_protocol(path)

    # -- writing --------------------------------------------------------------------------

    def handle_output(self, context: OutputContext, obj: Any) -> list[EventMetadataEntry]:
        if hasattr(obj, "__dask_graph__"):
            raise DaskflowIOError(
                f"output {context.output_name!r} of solid {context.solid_name!r} is a lazy "
                f"dask collection ({type(obj).__name__}); fs_io_manager stores computed values "
                "only (the engine writes dask DataFrames partition by partition)",
                *context.identifier,
            )
        table = frame_to_table(obj) if isinstance(obj, pd.DataFrame) else None
        shape = obj.shape if isinstance(obj, pd.DataFrame) else (None, None)
        if table is not None:
            fmt, write = PARQUET, lambda f: write_table(table, f)
        else:
            if isinstance(obj, pd.DataFrame):
                context.log.info(
                    "output %r of solid %r: pyarrow cannot store this frame "
                    "(duplicate column names or mixed object columns); "
                    "pickling it",
                    context.output_name,
                    context.solid_name,
                )
            fmt, write = PICKLE, lambda f: write_pickle(obj, f)
        nbytes = self._write_single(context, write)
        return self._entries(context, fmt, nbytes, *shape)

    def _write_single(self, context: OutputContext, write: Callable[[IO[bytes]], None]) -> int:
        """Publish the output as one file at its path; the publication is the commit."""
        path = self.output_dir(context)
        self._check_process(context, path)
        try:
            if self._local:
                return self._write_single_local(path, write)
            return self._put_single(path, write)
        except Exception as exc:
            raise self._write_error(context, path, exc) from exc

    def _write_single_local(self, path: str, write: Callable[[IO[bytes]], None]) -> int:
        try:  # forget an earlier value first: a failed or killed rewrite leaves nothing
            os.unlink(path)
        except FileNotFoundError:  # the usual case: the first attempt
            pass
        except OSError:  # a directory: an earlier partitioned write of this output
            if not os.path.isdir(path):
                raise
            self._remove_parts(path)
        parent, name = path.rsplit("/", 1)
        tmp_path = f"{parent}/.tmp-{uuid.uuid4().hex}-{name}.inprogress"
        try:
            with _open_new(tmp_path) as file:
                write(file)
                nbytes = file.tell()
            _publish(self.fs, tmp_path, path)
        except BaseException:
            _discard(self.fs, tmp_path)
            raise
        return nbytes

    def _put_single(self, path: str, write: Callable[[IO[bytes]], None]) -> int:
        fs, buffer = self.fs, io.BytesIO()
        if self.is_process_local:  # cheap here; PUT on a directory fails on memory://
            _discard_file(fs, path)
            if fs.isdir(path):
                self._remove_parts(path)
        try:
            write(buffer)
            fs.pipe_file(path, buffer.getvalue())
        except BaseException:  # a failed rewrite must not leave the old value readable
            with contextlib.suppress(Exception):  # keep the original error
                _discard_file(fs, path)
                _discard(fs, f"{path}/{MARKER}")
            raise
        return buffer.tell()

    def _remove_parts(self, path: str) -> None:
        """Remove a directory-form output: its marker first, then its parts."""
        _discard(self.fs, f"{path}/{MARKER}")
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(path, recursive=True)

    def begin_output(self, context: OutputContext) -> None:
        """Forget any earlier write of this output: a single file, the marker, the parts."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        fs = self.fs
        if not self._local:  # local: rm below removes a single file as well
            _discard_file(fs, out_dir)
        _discard(fs, f"{out_dir}/{MARKER}")
        fs.invalidate_cache(out_dir)
        if fs.exists(out_dir):
            with contextlib.suppress(FileNotFoundError):
                fs.rm(out_dir, recursive=True)
        if self._renames:
            fs.makedirs(out_dir, exist_ok=True)

    def write_part(self, context: OutputContext, index: int, frame: pd.DataFrame) -> StoredPart:
        """Write partition ``index`` of a frame output as ``part.<index>.parquet``."""
        table = frame_to_table(frame)
        if table is None:
            raise DaskflowIOError(
                f"partition {index} of output {context.output_name!r} of solid "
                f"{context.solid_name!r} cannot be stored as parquet (duplicate column names "
                "or object columns mixing types)",
                *context.identifier,
            )
        part = self._write_file(context, _part_name(index), lambda f: write_table(table, f))
        return StoredPart(part.name, part.nbytes, len(frame), frame.shape[1])

    def _write_file(
        self, context: OutputContext, name: str, write: Callable[[IO[bytes]], None]
    ) -> StoredPart:
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        final_path = f"{out_dir}/{name}"
        try:
            if self._renames:
                nbytes = self._write_renamed(out_dir, name, write)
            else:  # object store: serialise fully, then one atomic PUT of the final name
                buffer = io.BytesIO()
                write(buffer)
                self.fs.pipe_file(final_path, buffer.getvalue())
                nbytes = buffer.tell()
        except Exception as exc:
            raise self._write_error(context, final_path, exc) from exc
        return StoredPart(name, nbytes)

    def _write_error(self, context: OutputContext, path: str, exc: Exception) -> DaskflowIOError:
        url = self._url(path)
        return DaskflowIOError(
            f"could not write output {context.output_name!r} of solid {context.solid_name!r} "
            f"in run {context.run_id!r} to {url}: {type(exc).__name__}: {exc}",
            *context.identifier,
            url,
        )

    def _write_renamed(self, out_dir: str, name: str, write: Callable[[IO[bytes]], None]) -> int:
        fs = self.fs
        tmp_path = f"{out_dir}/.tmp-{uuid.uuid4().hex}-{name}.inprogress"
        try:
            with self._open_part_tmp(out_dir, tmp_path) as file:
                write(file)
                nbytes = file.tell()
            _publish(fs, tmp_path, f"{out_dir}/{name}")
        except BaseException:
            _discard(fs, tmp_path)
            raise
        return nbytes

    def _open_part_tmp(self, out_dir: str, tmp_path: str) -> IO[bytes]:
        if not self._local:  # memory:// (object stores don't rename)
            if self.fs.isfile(out_dir):  # the output was a single file: forget it
                _discard_file(self.fs, out_dir)
            self.fs.makedirs(out_dir, exist_ok=True)  # write_part may come before begin_output
            return self.fs.open(tmp_path, "wb")
        try:
            return _open_new(tmp_path)  # makes the directory if write_part comes first
        except NotADirectoryError:  # the output was a single file: forget it
            os.unlink(out_dir)
            return _open_new(tmp_path)

    def commit_output(
        self, context: OutputContext, parts: Sequence[StoredPart], fmt: str = PARQUET
    ) -> list[EventMetadataEntry]:
        """Write the ``_SUCCESS`` marker (the output becomes readable) and describe it."""
        rows = [p.rows for p in parts if p.rows is not None]
        manifest = {
            "format": fmt,
            "parts": [asdict(p) for p in sorted(parts, key=_part_order)],
            "bytes": sum(p.nbytes for p in parts),
            "rows": sum(rows) if parts and len(rows) == len(parts) else None,
            "columns": parts[0].columns if parts else None,
            "run_id": context.run_id,
            "solid_name": context.solid_name,
            "output_name": context.output_name,
            "written_at": datetime.now(UTC).isoformat(),
        }
        data = json.dumps(manifest, indent=1).encode()

        def write_marker(file: IO[bytes]) -> None:
            file.write(data)

        if not self._local:  # a single file of an earlier write would shadow the parts
            _discard_file(self.fs, self.output_dir(context))
        self._write_file(context, MARKER, write_marker)
        return self._entries(context, fmt, manifest["bytes"], manifest["rows"], manifest["columns"])

    def commit_reference(
        self, context: OutputContext, reference: SourceReference, parts: Sequence[Any] = ()
    ) -> list[EventMetadataEntry]:
        """Commit an output recorded by reference (``parts``: its checks' results, if any)."""
        manifest = {
            **reference_manifest(context, reference, parts),
            "format": PARQUET,
            "written_at": datetime.now(UTC).isoformat(),
        }
        if not self._local:
            _discard_file(self.fs, self.output_dir(context))
        self._write_file(context, MARKER, lambda f: f.write(json.dumps(manifest).encode()))
        return [
            *self._entries(
                context, "parquet (by reference)", 0, manifest["rows"], manifest["columns"]
            ),
            EventMetadataEntry.text(reference.source, "source"),
            EventMetadataEntry.int(len(reference.files), "files"),
        ]

    def _entries(
        self, context: OutputContext, fmt: str, nbytes: int, rows: int | None, columns: int | None
    ) -> list[EventMetadataEntry]:
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

    # -- reading --------------------------------------------------------------------------

    def has_output(self, context: OutputContext) -> bool:
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        self.fs.invalidate_cache(out_dir)
        return bool(self.fs.isfile(out_dir) or self.fs.exists(f"{out_dir}/{MARKER}"))

    def _open_single(self, path: str) -> IO[bytes] | None:
        """The single-file output at ``path`` opened for reading, None if it isn't one."""
        try:
            if self._local:
                return open(path, "rb")  # noqa: SIM115 - the caller closes it
            return io.BytesIO(self.fs.cat_file(path))  # one GET on object stores
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def load_input(self, context: InputContext) -> Any:
        upstream = context.upstream_output
        path = self.output_dir(upstream)
        self._check_process(upstream, path)
        single = self._open_single(path)
        if single is not None:
            with single:
                return _read_value(single)
        manifest = self._marker_manifest(upstream, path)
        if manifest.get("layout") == "reference":
            frame = read_reference(upstream, manifest, self.fs, self.storage_options)
            return frame.compute(scheduler="sync")
        paths = self._part_paths(upstream, manifest)
        try:
            if manifest["format"] == PICKLE:
                with self.fs.open(paths[0], "rb") as file:
                    return read_pickle(file)
            frames = [self.read_part(path) for path in paths]
        except FileNotFoundError as exc:
            raise self._error(
                upstream, "is committed but a file of it is missing", str(exc)
            ) from exc
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames)

    def read_part(self, path: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One ``part.<i>.parquet`` file (path or URL) as pandas, original dtypes kept."""
        with self.fs.open(path, "rb") as file:
            return read_frame(file, columns=columns)

    def part_url(self, context: OutputContext, index: int) -> str:
        """Where ``write_part(context, index, ...)`` puts partition ``index``."""
        return self._url(f"{self.output_dir(context)}/{_part_name(index)}")

    def read_lazy(self, context: OutputContext) -> Any:
        """A Dask frame reading an output recorded by reference; None for other outputs."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        if self.fs.isfile(out_dir):
            return None
        manifest = self._marker_manifest(context, out_dir)
        if manifest.get("layout") != "reference":
            return None
        return read_reference(context, manifest, self.fs, self.storage_options)

    def part_urls(self, context: OutputContext) -> list[str]:
        """URLs of a committed frame output's parquet files, in partition order."""
        manifest = self.read_manifest(context)
        if manifest.get("layout") == "reference":
            raise self._error(
                context,
                "is recorded by reference to "
                f"{manifest['reference']['path']} and has no part files of its "
                "own; read it with read_lazy()",
            )
        return [self._url(path) for path in self._part_paths(context, manifest)]

    def read_manifest(self, context: OutputContext) -> dict[str, Any]:
        """The committed output's manifest; raises if it was never committed.

        A directory of parts has it in its ``_SUCCESS`` marker; for a single file it is
        derived from the file (``layout: file``, one part named after the output).
        """
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        single = self._open_single(out_dir)
        if single is not None:
            with single:
                return self._single_manifest(context, single)
        return self._marker_manifest(context, out_dir)

    def _marker_manifest(self, context: OutputContext, out_dir: str) -> dict[str, Any]:
        marker = f"{out_dir}/{MARKER}"
        self.fs.invalidate_cache(out_dir)
        try:
            raw = self.fs.cat_file(marker)
        except (FileNotFoundError, NotADirectoryError):
            raise self._error(
                context,
                f"was never committed (no file at {self._url(out_dir)}, no {MARKER} marker in it)",
            ) from None
        try:
            manifest = json.loads(raw)
        except ValueError:  # an empty marker written by other tools: look at the files
            manifest = None
        if not isinstance(manifest, dict) or "format" not in manifest:
            manifest = self._manifest_from_listing(context, out_dir)
        return manifest

    def _single_manifest(self, context: OutputContext, file: IO[bytes]) -> dict[str, Any]:
        fmt = _stored_format(file)
        nbytes = file.seek(0, io.SEEK_END)
        file.seek(0)
        rows, columns = parquet_facts(file) if fmt == PARQUET else (None, None)
        part = asdict(StoredPart(context.output_name, nbytes, rows, columns))
        return {
            "format": fmt,
            "layout": "file",
            "parts": [part],
            "bytes": nbytes,
            "rows": rows,
            "columns": columns,
            "run_id": context.run_id,
            "solid_name": context.solid_name,
            "output_name": context.output_name,
        }

    def _manifest_from_listing(self, context: OutputContext, out_dir: str) -> dict[str, Any]:
        names = [path.rsplit("/", 1)[-1] for path in self.fs.ls(out_dir, detail=False)]
        parts = sorted((n for n in names if _PART_RE.match(n)), key=_part_order)
        if parts:
            return {"format": PARQUET, "parts": [{"name": n} for n in parts]}
        if _PICKLE_FILE in names:
            return {"format": PICKLE, "parts": [{"name": _PICKLE_FILE}]}
        raise self._error(context, "is committed but holds no data files")

    def _part_paths(self, context: OutputContext, manifest: Mapping[str, Any]) -> list[str]:
        out_dir = self.output_dir(context)
        if manifest.get("format") not in (PARQUET, PICKLE) or not manifest.get("parts"):
            raise self._error(context, f"has an unreadable {MARKER} manifest")
        if manifest.get("layout") == "file":
            return [out_dir]
        return [f"{out_dir}/{part['name']}" for part in manifest["parts"]]

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


def _part_order(part: Any) -> tuple[int, str]:
    name = part if isinstance(part, str) else part.name
    match = _PART_RE.match(name)
    return (int(match.group(1)) if match else -1, name)


@io_manager(
    config_schema={
        "base_dir": Field(
            Noneable(StringSource),
            default_value=None,
            description="Local path or fsspec URL (s3://bucket/prefix). "
            "Default: the instance's storage directory.",
        ),
        "storage_options": Field(
            Permissive(),
            is_required=False,
            description="Passed to fsspec (e.g. endpoint_url, key).",
        ),
    },
)
def fs_io_manager(init_context: Any) -> FilesystemIOManager:
    """Persist outputs as parquet (pandas frames) or pickle files on any fsspec filesystem."""
    config = init_context.resource_config or {}
    base_dir = (
        config.get("base_dir") or getattr(init_context, "storage_dir", None) or DEFAULT_STORAGE_DIR
    )
    return FilesystemIOManager(
        base_dir,
        config.get("storage_options"),
        on_distributed_worker=bool(getattr(init_context, "on_distributed_worker", False)),
    )
