"""Outputs recorded by reference: a Dask solid that returns a parquet read unchanged.

When a solid's output is exactly ``dd.read_parquet(...)`` (its unoptimized expression is a
``ReadParquet``: no projection, filter or any other operation on top), copying it would
only duplicate the source files. ``SourceReference.from_collection`` describes the read
instead: the path as given, the files it resolved to with their sizes (and ETag or mtime),
the columns, the filters (made JSON-able, dates and decimals tagged) and the read options
that shape the result. ``storage_options`` are never recorded (they hold credentials),
only the protocol. ``fs_io_manager.commit_reference`` stores it in the output's
``_SUCCESS`` manifest (``"layout": "reference"``); readers call ``check_unchanged`` and
then ``read_lazy``, which reads the recorded files with the recorded options.

Only fsspec parquet reads qualify (``filesystem="arrow"`` reads, datasets with a
``_metadata`` file or hive partitions are copied: a list of their files would not read the
same). A CSV read is never a reference: it is re-parsed (dtypes inferred from a sample),
so it is copied as parquet like any computed frame.

>>> import datetime, decimal
>>> filters = [("d", "<=", datetime.date(1998, 9, 2)), ("p", "in", [decimal.Decimal("0.05")])]
>>> encode_filters(filters)
[['d', '<=', {'date': '1998-09-02'}], ['p', 'in', [{'decimal': '0.05'}]]]
>>> decode_filters(encode_filters(filters)) == filters
True
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from daskflow.io_managers._base import DaskflowIOError, OutputContext

if TYPE_CHECKING:
    import dask.dataframe as dd

    from daskflow.io_managers._capabilities import CheckedPart

__all__ = [
    "SourceFile",
    "SourceReference",
    "decode_filters",
    "encode_filters",
    "read_reference",
    "reference_manifest",
]

# read_parquet options (FSSpec reader) that shape the frame and are kept when recorded
_FSSPEC_OPTIONS = (
    "index",
    "categories",
    "calculate_divisions",
    "ignore_metadata_file",
    "split_row_groups",
    "blocksize",
    "aggregate_files",
    "parquet_file_extension",
    "kwargs",
)


class NotRecordable(Exception):
    """The read cannot be described in JSON (the output is copied instead)."""


# -- filters ------------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return _encode_value(value.item())
    if isinstance(value, pd.Timestamp | np.datetime64):
        return {"timestamp": pd.Timestamp(value).isoformat()}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_encode_value(v) for v in items]
    raise NotRecordable(f"filter value {value!r} ({type(value).__name__})")


def _decode_value(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    ((tag, text),) = value.items()
    if tag == "timestamp":
        return pd.Timestamp(text)
    if tag == "datetime":
        return datetime.datetime.fromisoformat(text)
    if tag == "date":
        return datetime.date.fromisoformat(text)
    if tag == "decimal":
        return decimal.Decimal(text)
    raise ValueError(f"unknown tagged filter value {value!r}")


def encode_filters(filters: Any) -> Any:
    """Filters (``[(col, op, value)]`` or a list of such lists) as JSON-able lists."""
    if filters is None:
        return None
    if _is_predicate(filters):
        raise NotRecordable(f"filters {filters!r}")
    out = []
    for item in filters:
        if _is_predicate(item):
            column, op, value = item
            out.append([column, op, _encode_value(value)])
        else:
            out.append(encode_filters(item))
    return out


def decode_filters(filters: Any) -> Any:
    """``encode_filters`` undone: predicates as tuples, dates and decimals restored."""
    if filters is None:
        return None
    out = []
    for item in filters:
        if _is_predicate(item):
            column, op, value = item
            out.append((column, op, _decode_value(value)))
        else:
            out.append(decode_filters(item))
    return out


def _is_predicate(item: Any) -> bool:
    return (
        isinstance(item, list | tuple)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], str)
    )


def _json_option(name: str, value: Any) -> Any:
    if isinstance(value, tuple):
        value = list(value)
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        raise NotRecordable(f"read option {name}={value!r}") from None
    return value


# -- files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One file of the source: its URL, size and, where the filesystem has one, a tag
    (an object store's ETag, a local file's mtime)."""

    url: str
    size: int | None
    tag: str | None = None


def _stat(fs: Any, paths: list[str]) -> dict[str, dict[str, Any]]:
    """``fs`` details of ``paths`` (stripped), one listing per directory; missing: absent."""
    found: dict[str, dict[str, Any]] = {}
    for parent in sorted({p.rsplit("/", 1)[0] if "/" in p else "" for p in paths}):
        fs.invalidate_cache(parent)
        try:
            for info in fs.ls(parent, detail=True):
                found[fs._strip_protocol(info["name"])] = info
        except (FileNotFoundError, NotADirectoryError):
            continue
    for path in paths:  # what a listing did not show (e.g. a listing without details)
        if path not in found:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                found[path] = fs.info(path)
    return found


def _tag(info: Mapping[str, Any]) -> str | None:
    for key in ("ETag", "etag", "md5Hash", "mtime"):
        if info.get(key) is not None:
            return str(info[key])
    return None


def _protocol(fs: Any) -> str:
    protocol = fs.protocol
    return protocol[0] if isinstance(protocol, tuple | list) else protocol


# -- the reference ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceReference:
    """An unmodified parquet read, recorded instead of copied (no credentials in it)."""

    path: Any  # as given to read_parquet: a URL, a glob or a list of them
    protocol: str
    files: tuple[SourceFile, ...]
    columns: list[str] | None = None
    filters: Any = None  # as read_parquet takes them (tuples, dates, decimals)
    options: dict[str, Any] = field(default_factory=dict)  # JSON-able read options
    reader: str = "fsspec"  # read_parquet's filesystem (the only one recorded today)

    @property
    def source(self) -> str:
        return self.path if isinstance(self.path, str) else ", ".join(self.path)

    @classmethod
    def from_collection(cls, value: Any) -> SourceReference | None:
        """The reference for ``value`` if it is exactly a parquet read, else None."""
        import dask.dataframe as dd

        try:
            from dask.dataframe.dask_expr.io.parquet import ReadParquetFSSpec
        except ImportError:  # pragma: no cover - another dask layout
            return None
        if not isinstance(value, dd.DataFrame):
            return None
        expr = value.expr
        if (
            not isinstance(expr, ReadParquetFSSpec)
            or expr.operand("_series")
            or expr.operand("_partitions") is not None
        ):
            return None  # pyarrow-filesystem reads (filesystem="arrow") are copied too
        try:
            return cls._from_fsspec(expr)
        except NotRecordable:
            return None

    @classmethod
    def _from_fsspec(cls, expr: Any) -> SourceReference | None:
        if expr.operand("filesystem") != "fsspec" or expr.operand("engine") != "pyarrow":
            raise NotRecordable("a filesystem or engine object")
        info = expr._dataset_info
        if info.get("has_metadata_file") or info.get("partitions") or info.get("partition_names"):
            return None  # a _metadata file or hive partitions: a file list reads differently
        options = {name: _json_option(name, expr.operand(name)) for name in _FSSPEC_OPTIONS}
        return cls._build(expr, info["fs"], list(info["ds"].files), options, "fsspec")

    @classmethod
    def _build(
        cls, expr: Any, fs: Any, paths: list[str], options: dict[str, Any], reader: str
    ) -> SourceReference:
        if not paths:
            raise NotRecordable("no files")
        stats = _stat(fs, paths)
        files = tuple(
            SourceFile(fs.unstrip_protocol(p), stats.get(p, {}).get("size"), _tag(stats.get(p, {})))
            for p in paths
        )
        columns = expr.operand("columns")
        encode_filters(expr.operand("filters"))  # NotRecordable now, not at the commit
        path = expr.path
        return cls(
            list(path) if isinstance(path, list | tuple) else path,
            _protocol(fs),
            files,
            None if columns is None else list(columns),
            expr.operand("filters"),
            options,
            reader,
        )

    # -- manifest -------------------------------------------------------------------------

    def to_manifest(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "protocol": self.protocol,
            "reader": self.reader,
            "files": [{"url": f.url, "size": f.size, "tag": f.tag} for f in self.files],
            "columns": self.columns,
            "filters": encode_filters(self.filters),
            "options": self.options,
        }

    @classmethod
    def from_manifest(cls, data: Mapping[str, Any]) -> SourceReference:
        return cls(
            data["path"],
            data["protocol"],
            tuple(SourceFile(f["url"], f.get("size"), f.get("tag")) for f in data["files"]),
            data.get("columns"),
            decode_filters(data.get("filters")),
            dict(data.get("options") or {}),
            data.get("reader", "fsspec"),
        )

    # -- reading --------------------------------------------------------------------------

    def filesystem(self, storage_options: Mapping[str, Any] | None = None) -> Any:
        from fsspec.core import url_to_fs

        return url_to_fs(self.files[0].url, **(storage_options or {}))[0]

    def read_lazy(self, storage_options: Mapping[str, Any] | None = None) -> dd.DataFrame:
        """The recorded files read as the original read did (same columns and dtypes)."""
        import dask.dataframe as dd

        options = dict(self.options)
        kwargs = options.pop("kwargs", None) or {}
        if isinstance(options.get("parquet_file_extension"), list):
            options["parquet_file_extension"] = tuple(options["parquet_file_extension"])
        return dd.read_parquet(
            [f.url for f in self.files],
            columns=self.columns,
            filters=self.filters,
            storage_options=dict(storage_options or {}),
            **options,
            **kwargs,
        )

    def check_unchanged(self, fs: Any, output: OutputContext) -> None:
        """Raise if a recorded file is missing or differs in size (or ETag/mtime)."""
        paths = [fs._strip_protocol(f.url) for f in self.files]
        stats = _stat(fs, paths)
        for recorded, path in zip(self.files, paths, strict=True):
            info = stats.get(path)
            if info is None:
                problem = "is missing"
            elif recorded.size is not None and info.get("size") != recorded.size:
                problem = f"has {info.get('size')} bytes, not {recorded.size}"
            elif recorded.tag is not None and _tag(info) not in (None, recorded.tag):
                problem = "was rewritten"
            else:
                continue
            raise DaskflowIOError(
                f"output {output.output_name!r} of solid {output.solid_name!r} is recorded by "
                f"reference to {self.source}, but its source file {recorded.url} {problem}: "
                f"it changed since run {output.run_id!r} recorded it, so that output can no "
                "longer be read (re-run the step that produced it)",
                *output.identifier,
                recorded.url,
            )


# -- the IO manager's side ----------------------------------------------------------------


def reference_manifest(
    context: OutputContext, reference: SourceReference, parts: Sequence[CheckedPart] = ()
) -> dict[str, Any]:
    """The ``_SUCCESS`` manifest of a reference output (``parts``: the checks, if any ran)."""
    rows = [p.rows for p in parts]
    return {
        "layout": "reference",
        "parts": [],
        "bytes": 0,
        "rows": sum(rows) if rows else None,
        "columns": len(reference.columns) if reference.columns else None,
        "reference": reference.to_manifest(),
        "run_id": context.run_id,
        "solid_name": context.solid_name,
        "output_name": context.output_name,
    }


def read_reference(
    context: OutputContext,
    manifest: Mapping[str, Any],
    own_fs: Any,
    storage_options: Mapping[str, Any],
) -> dd.DataFrame:
    """A reference output as a lazy frame, once its source files are found unchanged.

    The IO manager's ``storage_options`` are used only for a source on its own protocol
    (the source's own options were never recorded).
    """
    reference = SourceReference.from_manifest(manifest["reference"])
    own = own_fs.protocol if isinstance(own_fs.protocol, tuple | list) else (own_fs.protocol,)
    options = storage_options if reference.protocol in own else None
    reference.check_unchanged(reference.filesystem(options), context)
    return reference.read_lazy(options)
