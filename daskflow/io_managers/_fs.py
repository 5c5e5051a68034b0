"""``fs_io_manager``: step outputs as files on any fsspec filesystem (local, memory://, s3://).

Layout: ``<base>/<run_id>/<solid_name>/<output_name>/`` holding ``part.<i>.parquet`` for
pandas frames (``value.pickle`` for anything else) and a ``_SUCCESS`` marker written last.
``solid_name`` is kept whole, dots included (``comp.inner`` is one directory), so no two
outputs can ever share or nest directories.

Writes are atomic. On local and memory filesystems each file is written under a temporary
name that does not end in ``.parquet`` (dask's ``read_parquet`` reads every ``*.parquet``
below a directory, research pitfall 8) and renamed; object stores, where a PUT is atomic
and renames are copies, get the final names directly. Either way the marker comes last and
readers refuse outputs without it, so a crash mid-write leaves nothing readable. Rewriting
an output (a retried step) first removes the marker, then the old files.

The engine can also write a dask DataFrame partition by partition: ``begin_output`` once,
``write_part`` per partition (any order, any worker), then ``commit_output`` with the parts.
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
from daskflow.definitions.metadata import EventMetadataEntry
from daskflow.io_managers._base import (
    DaskflowIOError,
    InputContext,
    IOManager,
    OutputContext,
    io_manager,
)
from daskflow.io_managers._formats import (
    frame_to_table,
    read_frame,
    read_pickle,
    write_pickle,
    write_table,
)

__all__ = ["DEFAULT_STORAGE_DIR", "MARKER", "FilesystemIOManager", "StoredPart",
           "fs_io_manager", "memory_url_problem"]

MARKER = "_SUCCESS"
DEFAULT_STORAGE_DIR = "./.daskflow/storage"
PARQUET, PICKLE = "parquet", "pickle"
_PICKLE_FILE = "value.pickle"
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
    return (f"fs_io_manager with base_dir {base_dir!r} cannot be used with a distributed "
            "cluster: memory:// is private to each process, so workers could not read each "
            "other's outputs. Use a local directory shared by all workers or an object store "
            "such as s3://bucket/prefix.")


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


class FilesystemIOManager(IOManager):
    """Stores outputs under ``base_dir`` (a local path or any fsspec URL)."""

    def __init__(self, base_dir: str, storage_options: Mapping[str, Any] | None = None,
                 on_distributed_worker: bool = False):
        self.storage_options = dict(storage_options or {})
        fs, root = url_to_fs(base_dir, **self.storage_options)
        self._fs: Any = fs
        self._root = root.rstrip("/") or root  # keep "/" for a filesystem's root
        self.base_url: str = fs.unstrip_protocol(self._root)
        self._pid = os.getpid()
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
    def _protocols(self) -> tuple[str, ...]:
        protocol = self.fs.protocol
        return (protocol,) if isinstance(protocol, str) else tuple(protocol)

    @property
    def is_process_local(self) -> bool:
        """True for ``memory://``: each process sees its own, empty filesystem."""
        return "memory" in self._protocols

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
                f"{output.solid_name!r} in run {output.run_id!r})", *output.identifier, path)

    # -- locations ------------------------------------------------------------------------

    def output_dir(self, output: OutputContext) -> str:
        """The filesystem path (no protocol) of the output's directory."""
        run_id, solid_name, output_name = output.identifier
        segments = (_check_segment(run_id, "run id"), _check_segment(solid_name, "solid name"),
                    _check_segment(output_name, "output name"))
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
                *context.identifier)
        self.begin_output(context)
        table = frame_to_table(obj) if isinstance(obj, pd.DataFrame) else None
        if table is not None:
            part = self._write_file(context, _part_name(0), lambda f: write_table(table, f))
            part = StoredPart(part.name, part.nbytes, len(obj), obj.shape[1])
            return self.commit_output(context, [part], PARQUET)
        if isinstance(obj, pd.DataFrame):
            context.log.info("output %r of solid %r: pyarrow cannot store this frame "
                             "(duplicate column names or mixed object columns); pickling it",
                             context.output_name, context.solid_name)
        part = self._write_file(context, _PICKLE_FILE, lambda f: write_pickle(obj, f))
        if isinstance(obj, pd.DataFrame):
            part = StoredPart(part.name, part.nbytes, len(obj), obj.shape[1])
        return self.commit_output(context, [part], PICKLE)

    def begin_output(self, context: OutputContext) -> None:
        """Forget any earlier write of this output: marker first, then its files."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        fs = self.fs
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
                "or object columns mixing types)", *context.identifier)
        part = self._write_file(context, _part_name(index), lambda f: write_table(table, f))
        return StoredPart(part.name, part.nbytes, len(frame), frame.shape[1])

    def _write_file(self, context: OutputContext, name: str,
                    write: Callable[[IO[bytes]], None]) -> StoredPart:
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
            raise DaskflowIOError(
                f"could not write output {context.output_name!r} of solid "
                f"{context.solid_name!r} in run {context.run_id!r} to {self._url(final_path)}: "
                f"{type(exc).__name__}: {exc}", *context.identifier,
                self._url(final_path)) from exc
        return StoredPart(name, nbytes)

    def _write_renamed(self, out_dir: str, name: str,
                       write: Callable[[IO[bytes]], None]) -> int:
        fs = self.fs
        tmp_path = f"{out_dir}/.tmp-{uuid.uuid4().hex}-{name}.inprogress"
        fs.makedirs(out_dir, exist_ok=True)  # write_part may run before begin_output here
        try:
            with fs.open(tmp_path, "wb") as file:
                write(file)
                nbytes = file.tell()
            _publish(fs, tmp_path, f"{out_dir}/{name}")
        except BaseException:
            _discard(fs, tmp_path)
            raise
        return nbytes

    def commit_output(self, context: OutputContext, parts: Sequence[StoredPart],
                      fmt: str = PARQUET) -> list[EventMetadataEntry]:
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

        self._write_file(context, MARKER, write_marker)
        entries = [EventMetadataEntry.path(self.describe_location(context) or "", "path"),
                   EventMetadataEntry.text(fmt, "format"),
                   EventMetadataEntry.int(manifest["bytes"], "bytes")]
        if manifest["rows"] is not None:
            entries.append(EventMetadataEntry.int(manifest["rows"], "rows"))
        if manifest["columns"] is not None:
            entries.append(EventMetadataEntry.int(manifest["columns"], "columns"))
        return entries

    # -- reading --------------------------------------------------------------------------

    def has_output(self, context: OutputContext) -> bool:
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        self.fs.invalidate_cache(out_dir)
        return bool(self.fs.exists(f"{out_dir}/{MARKER}"))

    def load_input(self, context: InputContext) -> Any:
        upstream = context.upstream_output
        manifest = self.read_manifest(upstream)
        paths = self._part_paths(upstream, manifest)
        try:
            if manifest["format"] == PICKLE:
                with self.fs.open(paths[0], "rb") as file:
                    return read_pickle(file)
            frames = [self.read_part(path) for path in paths]
        except FileNotFoundError as exc:
            raise self._error(upstream, "is committed but a file of it is missing",
                              str(exc)) from exc
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames)

    def read_part(self, path: str) -> pd.DataFrame:
        """One ``part.<i>.parquet`` file (path or URL) as pandas, original dtypes kept."""
        with self.fs.open(path, "rb") as file:
            return read_frame(file)

    def part_urls(self, context: OutputContext) -> list[str]:
        """URLs of a committed frame output's parquet files, in partition order."""
        manifest = self.read_manifest(context)
        return [self._url(path) for path in self._part_paths(context, manifest)]

    def read_manifest(self, context: OutputContext) -> dict[str, Any]:
        """The committed output's ``_SUCCESS`` manifest; raises if it was never committed."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        marker = f"{out_dir}/{MARKER}"
        self.fs.invalidate_cache(out_dir)
        try:
            raw = self.fs.cat_file(marker)
        except FileNotFoundError:
            raise self._error(context, f"was never committed (no {MARKER} marker at "
                              f"{self._url(marker)})") from None
        try:
            manifest = json.loads(raw)
        except ValueError:  # an empty marker written by other tools: look at the files
            manifest = None
        if not isinstance(manifest, dict) or "format" not in manifest:
            manifest = self._manifest_from_listing(context, out_dir)
        return manifest

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
        return [f"{out_dir}/{part['name']}" for part in manifest["parts"]]

    def _error(self, output: OutputContext, problem: str,
               detail: str | None = None) -> DaskflowIOError:
        url = self.describe_location(output)
        message = (f"output {output.output_name!r} of solid {output.solid_name!r} in run "
                   f"{output.run_id!r} {problem}")
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
        "base_dir": Field(Noneable(StringSource), default_value=None,
                          description="Local path or fsspec URL (s3://bucket/prefix). "
                                      "Default: the instance's storage directory."),
        "storage_options": Field(Permissive(), is_required=False,
                                 description="Passed to fsspec (e.g. endpoint_url, key)."),
    },
)
def fs_io_manager(init_context: Any) -> FilesystemIOManager:
    """Persist outputs as parquet (pandas frames) or pickle files on any fsspec filesystem."""
    config = init_context.resource_config or {}
    base_dir = (config.get("base_dir") or getattr(init_context, "storage_dir", None)
                or DEFAULT_STORAGE_DIR)
    return FilesystemIOManager(
        base_dir, config.get("storage_options"),
        on_distributed_worker=bool(getattr(init_context, "on_distributed_worker", False)))
