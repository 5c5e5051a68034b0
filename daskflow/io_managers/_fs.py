"""``fs_io_manager``: step outputs as files on any fsspec filesystem (local, memory://, s3://).

This module defines the resource and ``FilesystemIOManager``, which reads every form back;
writing is split by form: ``_fs_base`` (paths, atomic publication), ``_fs_single`` (single
files) and ``_fs_parts`` (directories of parts and their manifest).

Every output lives at ``<base>/<run_id>/<solid_name>/<output_name>``; ``solid_name`` is
kept whole, dots included (``comp.inner`` is one directory), so no two outputs can ever
share or nest paths. An output takes one of three forms, and readers accept all of them:

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

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from daskflow.config import Field, Noneable, Permissive, StringSource
from daskflow.io_managers._base import DaskflowIOError, InputContext, OutputContext, io_manager
from daskflow.io_managers._capabilities import (
    CheckedPart,
    LazyReadIOManager,
    ReferenceIOManager,
    StoredPart,
)
from daskflow.io_managers._formats import read_pickle
from daskflow.io_managers._fs_base import (
    MARKER,
    PARQUET,
    PICKLE,
    is_process_local_url,
    memory_url_problem,
)
from daskflow.io_managers._fs_parts import PartOutputs
from daskflow.io_managers._reference import (
    SourceReference,
    read_reference,
    reference_manifest,
)
from daskflow.metadata import EventMetadataEntry
from daskflow.resources import InitResourceContext

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = [
    "DEFAULT_STORAGE_DIR",
    "MARKER",
    "FilesystemIOManager",
    "StoredPart",
    "fs_io_manager",
    "is_process_local_url",
    "memory_url_problem",
]

DEFAULT_STORAGE_DIR = "./.daskflow/storage"


class FilesystemIOManager(PartOutputs, LazyReadIOManager, ReferenceIOManager):
    """Stores outputs under ``base_dir`` (a local path or any fsspec URL).

    Writes single files (``handle_output``, ``_fs_single``) and directories of parts
    (``write_part``, ``_fs_parts``), records parquet reads by reference
    (``commit_reference``), and reads any of the three back.
    """

    def has_output(self, context: OutputContext) -> bool:
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        self.fs.invalidate_cache(out_dir)
        return bool(self.fs.isfile(out_dir) or self.fs.exists(f"{out_dir}/{MARKER}"))

    def load_input(self, context: InputContext) -> Any:
        upstream = context.upstream_output
        path = self.output_dir(upstream)
        self._check_process(upstream, path)
        single = self._open_single(path)
        if single is not None:
            with single:
                try:
                    return self._read_single(single)
                except Exception as exc:  # a truncated or foreign file: name it
                    detail = f"{type(exc).__name__}: {exc}"
                    raise self._error(upstream, "could not be read", detail) from exc
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
        except DaskflowIOError as exc:  # a corrupt part: name the output and the file
            raise self._error(upstream, "could not be read", str(exc)) from exc
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames)

    def read_lazy(self, context: OutputContext) -> dd.DataFrame | None:
        """A Dask frame reading an output recorded by reference; None for other outputs."""
        out_dir = self.output_dir(context)
        self._check_process(context, out_dir)
        if self.fs.isfile(out_dir):
            return None
        manifest = self._marker_manifest(context, out_dir)
        if manifest.get("layout") != "reference":
            return None
        return read_reference(context, manifest, self.fs, self.storage_options)

    def commit_reference(
        self,
        context: OutputContext,
        reference: SourceReference,
        parts: Sequence[CheckedPart] = (),
    ) -> list[EventMetadataEntry]:
        """Commit an output recorded by reference (``parts``: its checks' results, if any)."""
        manifest = {
            **reference_manifest(context, reference, parts),
            "format": PARQUET,
            "written_at": datetime.now(UTC).isoformat(),
        }
        self._write_marker(context, manifest, indent=None)
        shape = (manifest["rows"], manifest["columns"])
        return [
            *self._entries(context, "parquet (by reference)", 0, shape),
            EventMetadataEntry.text(reference.source, "source"),
            EventMetadataEntry.int(len(reference.files), "files"),
        ]


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
def fs_io_manager(init_context: InitResourceContext) -> FilesystemIOManager:
    """Persist outputs as parquet (pandas frames) or pickle files on any fsspec filesystem."""
    config = init_context.resource_config or {}
    base_dir = config.get("base_dir") or init_context.storage_dir or DEFAULT_STORAGE_DIR
    return FilesystemIOManager(
        base_dir,
        config.get("storage_options"),
        on_distributed_worker=init_context.on_distributed_worker,
    )
