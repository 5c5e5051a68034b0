"""Single-file outputs of ``fs_io_manager``: one pandas frame (parquet) or one pickled value.

The output's path is one file, told apart by parquet's magic bytes. Publishing it is the
commit, with no marker: on local disks it is written under a temporary name beside it and
renamed over the final name (one atomic ``os.replace``); object stores (and
``memory://``) get it serialised in memory and stored with one atomic PUT. A rewrite (a
retried step) replaces the file atomically. On local and memory filesystems the old value
is unlinked first, so a failed or killed rewrite leaves nothing readable; object stores
skip that request and remove the old value only when the rewrite fails. A single file
written over a directory of parts removes the marker, then the parts, before it is
published.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import asdict
from typing import IO, Any

import pandas as pd
from dask.base import is_dask_collection

from daskflow.io_managers._base import DaskflowIOError, OutputContext
from daskflow.io_managers._capabilities import StoredPart
from daskflow.io_managers._formats import (
    frame_to_table,
    parquet_facts,
    read_frame,
    read_pickle,
    write_pickle,
    write_table,
)
from daskflow.io_managers._fs_base import (
    MARKER,
    PARQUET,
    PICKLE,
    FilesystemStore,
    Writer,
    discard,
    discard_file,
    open_new_in,
    publish_via_temporary,
    stored_format,
)
from daskflow.metadata import EventMetadataEntry

__all__ = ["SingleFileOutputs"]


class SingleFileOutputs(FilesystemStore):
    """Writes an output as one file (``handle_output``) and reads such files back."""

    def handle_output(self, context: OutputContext, obj: Any) -> list[EventMetadataEntry]:
        if is_dask_collection(obj):
            raise DaskflowIOError(
                f"output {context.output_name!r} of solid {context.solid_name!r} is a lazy "
                f"dask collection ({type(obj).__name__}); fs_io_manager stores computed values "
                "only (the engine writes dask DataFrames partition by partition). Return its "
                "computed value (.compute()), type the output DaskDataFrame/DaskSeries if it is "
                "one, or hand lazy collections on in memory with mem_io_manager",
                *context.identifier,
            )
        table = frame_to_table(obj) if isinstance(obj, pd.DataFrame) else None
        shape = obj.shape if isinstance(obj, pd.DataFrame) else (None, None)
        write: Writer
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
        return self._entries(context, fmt, nbytes, shape)

    def _write_single(self, context: OutputContext, write: Writer) -> int:
        """Publish the output as one file at its path; the publication is the commit."""
        path = self.output_dir(context)
        self._check_process(context, path)
        try:
            if self._local:
                return self._write_single_local(path, write)
            return self._put_single(path, write)
        except Exception as exc:
            raise self._write_error(context, path, exc) from exc

    def _write_single_local(self, path: str, write: Writer) -> int:
        parent, name = path.rsplit("/", 1)

        def open_tmp(tmp_path: str) -> IO[bytes]:
            file, made_directory = open_new_in(tmp_path)
            if not made_directory:  # the usual first write made it: nothing to forget
                try:
                    self._forget_local(path)
                except BaseException:
                    file.close()
                    raise
            return file

        return publish_via_temporary(self.fs, parent, name, open_tmp, write)

    def _forget_local(self, path: str) -> None:
        """Remove an earlier value before writing: a failed or killed rewrite leaves none."""
        try:
            os.unlink(path)
        except FileNotFoundError:  # another output of the solid made the directory
            pass
        except OSError:  # a directory: an earlier partitioned write of this output
            if not os.path.isdir(path):
                raise
            self._remove_parts(path)

    def _put_single(self, path: str, write: Writer) -> int:
        fs, buffer = self.fs, io.BytesIO()
        if self.is_process_local:  # cheap here; PUT on a directory fails on memory://
            discard_file(fs, path)
            if fs.isdir(path):
                self._remove_parts(path)
        try:
            write(buffer)
            fs.pipe_file(path, buffer.getvalue())
        except BaseException:  # a failed rewrite must not leave the old value readable
            with contextlib.suppress(Exception):  # keep the original error
                discard_file(fs, path)
                discard(fs, f"{path}/{MARKER}")
            raise
        return buffer.tell()

    def _open_single(self, path: str) -> IO[bytes] | None:
        """The single-file output at ``path`` opened for reading, None if it isn't one."""
        try:
            if self._local:
                return open(path, "rb")  # noqa: SIM115 - the caller closes it
            return io.BytesIO(self.fs.cat_file(path))  # one GET on object stores
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    @staticmethod
    def _read_single(file: IO[bytes]) -> Any:
        return read_frame(file) if stored_format(file) == PARQUET else read_pickle(file)

    def _single_manifest(self, context: OutputContext, file: IO[bytes]) -> dict[str, Any]:
        """The manifest of a single-file output, derived from the file itself."""
        fmt = stored_format(file)
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
