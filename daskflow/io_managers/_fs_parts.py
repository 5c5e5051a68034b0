"""Directory-of-parts outputs of ``fs_io_manager``, and the manifest of any output.

The engine writes a Dask DataFrame partition by partition: ``begin_output`` once,
``write_part`` per partition (any order, any worker), then ``commit_output``. The
output's path is then a directory of ``part.<i>.parquet`` files and a JSON ``_SUCCESS``
manifest written last; readers refuse the directory without it. Parts are renamed into
place on local and memory filesystems and PUT under their final names on object stores.
``begin_output`` forgets an earlier write: a single file first, then the marker, then the
old parts. On object stores, where a file and a "directory" of the same name can coexist,
readers look for the single file first.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd

from daskflow.io_managers._base import DaskflowIOError, OutputContext
from daskflow.io_managers._capabilities import PartitionedIOManager, StoredPart
from daskflow.io_managers._formats import frame_to_table, read_frame, write_table
from daskflow.io_managers._fs_base import (
    MARKER,
    PARQUET,
    PART_RE,
    PICKLE,
    Writer,
    discard,
    discard_file,
    open_new,
    part_name,
    part_order,
    publish_via_temporary,
)
from daskflow.io_managers._fs_single import SingleFileOutputs
from daskflow.metadata import EventMetadataEntry

__all__ = ["PartOutputs"]

_PICKLE_FILE = "value.pickle"  # a directory-form pickle, as written before single files


class PartOutputs(SingleFileOutputs, PartitionedIOManager):
    """Writes an output as a directory of parts and reads the manifest of either form."""

    # -- writing --------------------------------------------------------------------------

    def begin_output(self, context: OutputContext) -> None:
        """Forget any earlier write of this output: a single file, the marker, the parts."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        fs = self.fs
        if not self._local:  # local: rm below removes a single file as well
            discard_file(fs, out_dir)
        discard(fs, f"{out_dir}/{MARKER}")
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
        part = self._write_file(context, part_name(index), lambda f: write_table(table, f))
        return StoredPart(part.name, part.nbytes, len(frame), frame.shape[1])

    def _write_file(self, context: OutputContext, name: str, write: Writer) -> StoredPart:
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        final_path = f"{out_dir}/{name}"
        try:
            if self._renames:
                opener = self._part_opener(out_dir)
                nbytes = publish_via_temporary(self.fs, out_dir, name, opener, write)
            else:  # object store: serialise fully, then one atomic PUT of the final name
                buffer = io.BytesIO()
                write(buffer)
                self.fs.pipe_file(final_path, buffer.getvalue())
                nbytes = buffer.tell()
        except Exception as exc:
            raise self._write_error(context, final_path, exc) from exc
        return StoredPart(name, nbytes)

    def _part_opener(self, out_dir: str) -> Callable[[str], IO[bytes]]:
        """Opens a part's temporary file, making (or freeing) the output's directory."""

        def open_tmp(tmp_path: str) -> IO[bytes]:
            if not self._local:  # memory:// (object stores don't rename)
                if self.fs.isfile(out_dir):  # the output was a single file: forget it
                    discard_file(self.fs, out_dir)
                self.fs.makedirs(out_dir, exist_ok=True)  # write_part may precede begin_output
                file: IO[bytes] = self.fs.open(tmp_path, "wb")
                return file
            try:
                return open_new(tmp_path)  # makes the directory if write_part comes first
            except NotADirectoryError:  # the output was a single file: forget it
                os.unlink(out_dir)
                return open_new(tmp_path)

        return open_tmp

    def commit_output(
        self, context: OutputContext, parts: Sequence[StoredPart], fmt: str = PARQUET
    ) -> list[EventMetadataEntry]:
        """Write the ``_SUCCESS`` marker (the output becomes readable) and describe it."""
        known = [p.rows for p in parts if p.rows is not None]
        rows = sum(known) if parts and len(known) == len(parts) else None
        columns = parts[0].columns if parts else None
        nbytes = sum(p.nbytes for p in parts)
        manifest = {
            "format": fmt,
            "parts": [asdict(p) for p in sorted(parts, key=lambda p: part_order(p.name))],
            "bytes": nbytes,
            "rows": rows,
            "columns": columns,
            "run_id": context.run_id,
            "solid_name": context.solid_name,
            "output_name": context.output_name,
            "written_at": datetime.now(UTC).isoformat(),
        }
        self._write_marker(context, manifest)
        return self._entries(context, fmt, nbytes, (rows, columns))

    def _write_marker(
        self, context: OutputContext, manifest: Mapping[str, Any], indent: int | None = 1
    ) -> None:
        """Write the ``_SUCCESS`` manifest last: the output becomes readable."""
        data = json.dumps(manifest, indent=indent).encode()
        if not self._local:  # a single file of an earlier write would shadow the parts
            discard_file(self.fs, self.output_dir(context))
        self._write_file(context, MARKER, lambda f: f.write(data))

    # -- reading --------------------------------------------------------------------------

    def read_part(self, path: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One ``part.<i>.parquet`` file (path or URL) as pandas, original dtypes kept.

        A file that is not readable parquet raises ``DaskflowIOError`` naming the file and
        its partition (a missing one raises ``FileNotFoundError``).
        """
        try:
            with self.fs.open(path, "rb") as file:
                return read_frame(file, columns=columns)
        except FileNotFoundError:
            raise
        except Exception as exc:  # pyarrow's errors for a truncated or foreign file vary
            name = path.rstrip("/").rsplit("/", 1)[-1]
            index = part_order(name)[0]
            which = f"partition {index}" if index >= 0 else "the file"
            raise DaskflowIOError(
                f"cannot read {which} of a stored output: {self._url(path)} is not a "
                f"readable parquet file ({type(exc).__name__}: {exc})",
                path=self._url(path),
            ) from exc

    def part_url(self, context: OutputContext, index: int) -> str:
        """Where ``write_part(context, index, ...)`` puts partition ``index``."""
        return self._url(f"{self.output_dir(context)}/{part_name(index)}")

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

    def _manifest_from_listing(self, context: OutputContext, out_dir: str) -> dict[str, Any]:
        names = [path.rsplit("/", 1)[-1] for path in self.fs.ls(out_dir, detail=False)]
        parts = sorted((n for n in names if PART_RE.match(n)), key=part_order)
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
