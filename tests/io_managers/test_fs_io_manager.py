"""fs_io_manager on plain paths, file://, memory:// and S3 (moto): round trips, metadata,
atomic commits (single files and directories of parts), rewrites and composite solid names."""

import contextlib
import datetime
import decimal
import os
import pickle
import threading
import uuid

import fsspec
import pandas as pd
import pandas.testing as tm
import pyarrow as pa
import pytest

from daskflow.io_managers import (
    MARKER,
    DaskflowIOError,
    FilesystemIOManager,
    InputContext,
    _fs_base,
    _fs_single,
    fs_io_manager,
)
from daskflow.resources import InitResourceContext, build_resources

from .conftest import out_ctx


def in_ctx(upstream, solid="consumer"):
    return InputContext("value", solid, upstream)


@pytest.fixture(params=["path", "file_url", "memory", "s3"])
def manager(request, tmp_path):
    """A FilesystemIOManager on each kind of storage."""
    if request.param == "path":
        yield FilesystemIOManager(str(tmp_path / "storage"))
    elif request.param == "file_url":
        yield FilesystemIOManager(f"file://{tmp_path}/storage")
    elif request.param == "memory":
        root = f"memory://daskflow-tests-{uuid.uuid4().hex}"
        yield FilesystemIOManager(root)
        with contextlib.suppress(FileNotFoundError):
            fsspec.filesystem("memory").rm(root.removeprefix("memory://"), recursive=True)
    else:
        bucket, options = request.getfixturevalue("s3_bucket")
        yield FilesystemIOManager(f"s3://{bucket}/prefix", options)


@pytest.fixture
def local(tmp_path):
    return FilesystemIOManager(str(tmp_path / "storage"))


def typed_frame():
    return pd.DataFrame(
        {
            "name": pd.Series(["a", None, "c"], dtype=pd.ArrowDtype(pa.string())),
            "label": pd.Series(["x", "y", None], dtype="string[pyarrow]"),
            "plain": ["p", "q", "r"],
            "price": pd.Series(
                [decimal.Decimal("1.10"), None, decimal.Decimal("3.25")],
                dtype=pd.ArrowDtype(pa.decimal128(10, 2)),
            ),
            "day": pd.Series(
                [datetime.date(2024, 1, 1), None, datetime.date(2024, 3, 4)],
                dtype=pd.ArrowDtype(pa.date32()),
            ),
            "count": [1, 2, 3],
            "maybe": pd.Series([1, None, 3], dtype="Int64"),
            "kind": pd.Categorical(["a", "b", "a"]),
        },
        index=pd.Index([10, 20, 30], name="id"),
    )


def files_in(manager, context):
    """Every file stored for the context's solid, relative to the solid's directory."""
    fs = manager.fs
    fs.invalidate_cache()
    solid_dir = manager.output_dir(context).rsplit("/", 1)[0]
    with contextlib.suppress(FileNotFoundError):
        return sorted(p[len(solid_dir) + 1 :] for p in fs.find(solid_dir))
    return []


def write_parts(manager, context, frames):
    """A directory-form output, as the engine writes a partitioned dask DataFrame."""
    manager.begin_output(context)
    parts = [manager.write_part(context, i, frame) for i, frame in enumerate(frames)]
    return manager.commit_output(context, parts)


def test_frame_round_trip_keeps_dtypes(manager):
    frame = typed_frame()
    manager.handle_output(out_ctx(), frame)
    loaded = manager.load_input(in_ctx(out_ctx()))
    tm.assert_frame_equal(loaded, frame)
    assert loaded.dtypes.to_dict() == frame.dtypes.to_dict()
    assert str(loaded["price"].dtype) == "decimal128(10, 2)[pyarrow]"
    assert str(loaded["day"].dtype) == "date32[day][pyarrow]"
    assert files_in(manager, out_ctx()) == ["result"]  # one file, no marker, no directory
    with manager.fs.open(manager.output_dir(out_ctx()), "rb") as file:
        assert file.read(4) == b"PAR1"  # plain parquet: readable by any tool


@pytest.mark.parametrize(
    "value", [{"a": [1, 2], "b": (3, None)}, None, 42, "text", pd.Series([1.5, 2.5], name="s")]
)
def test_python_objects_round_trip(manager, value):
    context = out_ctx(output=f"o{uuid.uuid4().hex[:6]}")
    manager.handle_output(context, value)
    loaded = manager.load_input(in_ctx(context))
    if isinstance(value, pd.Series):
        tm.assert_series_equal(loaded, value)
    else:
        assert loaded == value
    assert files_in(manager, context) == [context.output_name]
    assert manager.read_manifest(context)["format"] == "pickle"


def test_lambdas_pickle_with_cloudpickle(local):
    local.handle_output(out_ctx(), lambda x: x + 1)
    assert local.load_input(in_ctx(out_ctx()))(1) == 2


def test_frames_pyarrow_cannot_store_are_pickled(local):
    frame = pd.DataFrame([[1, "x"], [2, 3]], columns=["a", "a"])
    entries = {e.label: e.value for e in local.handle_output(out_ctx(), frame)}
    assert entries["format"] == "pickle" and entries["rows"] == 2
    tm.assert_frame_equal(local.load_input(in_ctx(out_ctx())), frame)


def test_metadata_entries(manager):
    entries = manager.handle_output(out_ctx(), typed_frame())
    by_label = {e.label: e for e in entries}
    location = manager.describe_location(out_ctx())
    assert by_label["path"].kind == "path" and by_label["path"].value == location
    assert location.endswith("/run-1/producer/result")
    assert location.startswith(("file://", "memory://", "s3://"))
    assert by_label["rows"].value == 3 and by_label["columns"].value == 8
    assert by_label["format"].value == "parquet"
    size = manager.fs.size(manager.output_dir(out_ctx()))
    assert by_label["bytes"].value == size > 0

    pickled = {e.label: e.value for e in manager.handle_output(out_ctx(output="o"), [1, 2])}
    assert set(pickled) == {"path", "format", "bytes"} and pickled["format"] == "pickle"


def test_has_output_and_parent_run_outputs(manager):
    parent = out_ctx(run_id="parent-run")
    assert not manager.has_output(parent)
    manager.handle_output(parent, {"v": 1})
    assert manager.has_output(parent)
    assert not manager.has_output(out_ctx(run_id="child-run"))
    # a step of the child run reads the parent's persisted output by its identifier
    assert manager.load_input(InputContext("value", "consumer", parent)) == {"v": 1}


def test_missing_output_error_names_everything(manager):
    with pytest.raises(DaskflowIOError) as info:
        manager.load_input(in_ctx(out_ctx(solid="maker", output="table", run_id="r-9")))
    message = str(info.value)
    assert "output 'table' of solid 'maker' in run 'r-9' was never committed" in message
    location = manager.describe_location(out_ctx("maker", "table", "r-9"))
    assert f"(no file at {location}, no _SUCCESS marker in it)" in message
    assert (info.value.run_id, info.value.solid_name, info.value.output_name) == (
        "r-9",
        "maker",
        "table",
    )


def test_composite_solid_names_are_one_directory(manager):
    inner, outer = out_ctx(solid="comp.inner"), out_ctx(solid="comp", output="inner")
    manager.handle_output(inner, "inner value")
    manager.handle_output(outer, "outer value")
    assert manager.describe_location(inner).endswith("/run-1/comp.inner/result")
    assert manager.load_input(in_ctx(inner)) == "inner value"
    assert manager.load_input(in_ctx(outer)) == "outer value"


def test_rewriting_an_output_replaces_it(manager):
    manager.handle_output(out_ctx(), typed_frame())
    manager.handle_output(out_ctx(), {"second": True})  # a retried step, other type
    assert manager.load_input(in_ctx(out_ctx())) == {"second": True}
    assert files_in(manager, out_ctx()) == ["result"]


def test_failed_rewrite_hides_the_old_value(manager, monkeypatch):
    manager.handle_output(out_ctx(), {"first": True})

    def broken(obj, file):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_fs_single, "write_pickle", broken)
    with pytest.raises(DaskflowIOError, match="could not write output 'result'.*disk full"):
        manager.handle_output(out_ctx(), {"second": True})
    assert not manager.has_output(out_ctx())
    with pytest.raises(DaskflowIOError, match="never committed"):
        manager.load_input(in_ctx(out_ctx()))


def crash_before_rename(monkeypatch):
    """The writer dies between writing its temporary file and renaming it: no clean-up."""

    def crash(fs, tmp_path_, final_path):
        assert fs.exists(tmp_path_) and not tmp_path_.endswith((".parquet", ".pickle"))
        raise OSError("simulated crash after writing the temporary file")

    monkeypatch.setattr(_fs_base, "_publish", crash)
    monkeypatch.setattr(_fs_base, "discard", lambda fs, path: None)


def test_crash_before_rename_leaves_nothing_readable(local, monkeypatch):
    crash_before_rename(monkeypatch)
    with pytest.raises(DaskflowIOError, match="simulated crash"):
        local.handle_output(out_ctx(), typed_frame())
    leftovers = files_in(local, out_ctx())
    assert len(leftovers) == 1 and leftovers[0].endswith("-result.inprogress")
    assert leftovers[0].startswith(".tmp-")  # beside the output, never at its path
    assert not local.has_output(out_ctx())
    with pytest.raises(DaskflowIOError, match=r"was never committed \(no file at"):
        local.load_input(in_ctx(out_ctx()))

    monkeypatch.undo()  # the retried step commits; the dead writer's file stays inert
    local.handle_output(out_ctx(), typed_frame())
    assert files_in(local, out_ctx()) == [leftovers[0], "result"]
    tm.assert_frame_equal(local.load_input(in_ctx(out_ctx())), typed_frame())


def test_killed_rewrite_leaves_nothing_readable(local, monkeypatch):
    local.handle_output(out_ctx(), {"first": True})
    crash_before_rename(monkeypatch)
    with pytest.raises(DaskflowIOError, match="simulated crash"):
        local.handle_output(out_ctx(), {"second": True})
    assert not local.has_output(out_ctx())  # neither the old value nor the new one


@pytest.mark.parametrize("kind", ["path", "memory"])
def test_crash_before_renaming_a_part_leaves_nothing_readable(kind, tmp_path, monkeypatch):
    base = str(tmp_path / "st") if kind == "path" else f"memory://crash-{uuid.uuid4().hex}"
    manager = FilesystemIOManager(base)
    manager.begin_output(out_ctx())
    crash_before_rename(monkeypatch)
    with pytest.raises(DaskflowIOError, match="simulated crash"):
        manager.write_part(out_ctx(), 0, typed_frame())
    leftovers = files_in(manager, out_ctx())
    assert len(leftovers) == 1 and leftovers[0].startswith("result/.tmp-")
    assert leftovers[0].endswith(".inprogress")
    assert not manager.has_output(out_ctx())

    monkeypatch.undo()  # the retried step starts over and commits
    write_parts(manager, out_ctx(), [typed_frame()])
    assert files_in(manager, out_ctx()) == ["result/_SUCCESS", "result/part.0.parquet"]
    tm.assert_frame_equal(manager.load_input(in_ctx(out_ctx())), typed_frame())
    if kind == "memory":
        fsspec.filesystem("memory").rm(manager.base_url.removeprefix("memory://"), recursive=True)


def test_failed_write_removes_its_temporary_file(local, monkeypatch):
    def crash(fs, tmp_path_, final_path):
        raise OSError("simulated crash")

    monkeypatch.setattr(_fs_base, "_publish", crash)
    with pytest.raises(DaskflowIOError):
        local.handle_output(out_ctx(), [1, 2, 3])
    assert files_in(local, out_ctx()) == []


def test_rewrites_are_atomic_for_concurrent_readers(local):
    """A reader racing 40 rewrites sees the old frame or the new one, never a mix."""
    frames = [pd.DataFrame({"a": range(i * 1000, i * 1000 + 2000)}) for i in range(2)]
    local.handle_output(out_ctx(), frames[0])
    seen, done = [], threading.Event()

    def read():
        while not done.is_set():
            try:
                seen.append(local.load_input(in_ctx(out_ctx()))["a"].iloc[0])
            except DaskflowIOError as exc:  # between unlinking the old value and the rename
                assert "never committed" in str(exc)
                seen.append(None)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(40):
            local.handle_output(out_ctx(), frames[i % 2])
    finally:
        done.set()
        reader.join()
    assert seen and set(seen) <= {0, 1000, None}
    assert local.load_input(in_ctx(out_ctx()))["a"].iloc[0] == 1000


def test_directories_are_made_only_when_missing(local, monkeypatch):
    made = []
    real = os.makedirs
    monkeypatch.setattr(
        os, "makedirs", lambda path, *a, **k: (made.append(path), real(path, *a, **k))
    )
    local.handle_output(out_ctx(), 1)  # a new run: makes .../run-1/producer (and parents)
    assert made[0] == local.output_dir(out_ctx()).rsplit("/", 1)[0]
    first = list(made)
    local.handle_output(out_ctx(output="other"), 2)  # same solid: its directory exists
    local.handle_output(out_ctx(), 3)  # a rewrite
    assert made == first
    assert local.load_input(in_ctx(out_ctx())) == 3


def test_single_file_facts_come_from_the_file(manager):
    manager.handle_output(out_ctx(), typed_frame())
    manifest = manager.read_manifest(out_ctx())
    size = manager.fs.size(manager.output_dir(out_ctx()))
    assert (manifest["format"], manifest["layout"]) == ("parquet", "file")
    assert (manifest["rows"], manifest["columns"], manifest["bytes"]) == (3, 8, size)
    assert manager.part_urls(out_ctx()) == [manager.describe_location(out_ctx())]
    pickled = out_ctx(output="obj")
    manager.handle_output(pickled, {"a": 1})
    manifest = manager.read_manifest(pickled)
    assert (manifest["format"], manifest["rows"], manifest["columns"]) == ("pickle", None, None)


def test_single_file_and_directory_forms_replace_each_other(manager):
    frames = [pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [3]}, index=[2])]
    write_parts(manager, out_ctx(), frames)
    manager.handle_output(out_ctx(), {"single": True})  # e.g. a retry taking the other path
    assert manager.has_output(out_ctx())
    assert manager.load_input(in_ctx(out_ctx())) == {"single": True}
    assert manager.read_manifest(out_ctx())["layout"] == "file"
    files = files_in(manager, out_ctx())
    if manager.base_url.startswith("s3://"):  # one PUT, no listing: the old parts stay, shadowed
        assert files[0] == "result" and "result/_SUCCESS" in files
    else:
        assert files == ["result"]

    write_parts(manager, out_ctx(), frames)  # and back: the single file goes first
    tm.assert_frame_equal(manager.load_input(in_ctx(out_ctx())), pd.concat(frames))
    assert files_in(manager, out_ctx()) == [
        "result/_SUCCESS",
        "result/part.0.parquet",
        "result/part.1.parquet",
    ]


def test_parts_written_without_begin_output_replace_a_single_file(manager):
    manager.handle_output(out_ctx(), {"single": True})
    part = manager.write_part(out_ctx(), 0, pd.DataFrame({"a": [7]}))  # no begin_output
    manager.commit_output(out_ctx(), [part])
    assert manager.load_input(in_ctx(out_ctx()))["a"].tolist() == [7]
    assert files_in(manager, out_ctx()) == ["result/_SUCCESS", "result/part.0.parquet"]


def test_dask_reads_single_files_and_directories_despite_stray_temp_files(local):
    dd = pytest.importorskip("dask.dataframe")
    local.handle_output(out_ctx(), pd.DataFrame({"a": [1, 2, 3]}))
    assert dd.read_parquet(local.part_urls(out_ctx())).compute()["a"].tolist() == [1, 2, 3]
    write_parts(local, out_ctx(output="parts"), [pd.DataFrame({"a": [4, 5]})])
    out_dir = local.output_dir(out_ctx(output="parts"))
    with open(f"{out_dir}/.tmp-dead-part.1.parquet.inprogress", "wb") as file:
        file.write(b"partial")  # what a killed writer leaves behind
    assert dd.read_parquet(out_dir).compute()["a"].tolist() == [4, 5]


def test_s3_single_file_is_one_put(s3_bucket):
    bucket, options = s3_bucket
    manager = FilesystemIOManager(f"s3://{bucket}/runs", options)
    manager.handle_output(out_ctx(), typed_frame())
    assert files_in(manager, out_ctx()) == ["result"]  # one object, no marker
    # a reader with a fresh filesystem object (another process) sees the commit
    other = pickle.loads(pickle.dumps(manager))
    assert other.has_output(out_ctx())
    tm.assert_frame_equal(other.load_input(in_ctx(out_ctx())), typed_frame())


def test_s3_marker_written_last(s3_bucket):
    bucket, options = s3_bucket
    manager = FilesystemIOManager(f"s3://{bucket}/runs", options)
    manager.begin_output(out_ctx())
    part = manager.write_part(out_ctx(), 0, typed_frame())
    # object stores get the final name directly: the data is there, but not committed
    assert files_in(manager, out_ctx()) == ["result/part.0.parquet"]
    assert not manager.has_output(out_ctx())
    with pytest.raises(DaskflowIOError, match="never committed"):
        manager.load_input(in_ctx(out_ctx()))

    manager.commit_output(out_ctx(), [part])
    assert manager.has_output(out_ctx())
    marker = manager.fs.cat_file(f"{manager.output_dir(out_ctx())}/{MARKER}")
    assert b'"format": "parquet"' in marker
    other = pickle.loads(pickle.dumps(manager))
    tm.assert_frame_equal(other.load_input(in_ctx(out_ctx())), typed_frame())


def test_partitioned_writes_commit_together(manager):
    context = out_ctx()
    manager.begin_output(context)
    frames = [pd.DataFrame({"a": [i, i + 10]}, index=[2 * i, 2 * i + 1]) for i in range(3)]
    parts = [manager.write_part(context, i, frames[i]) for i in (2, 0, 1)]  # any order
    assert not manager.has_output(context)
    entries = {e.label: e.value for e in manager.commit_output(context, parts)}
    assert entries["rows"] == 6 and entries["columns"] == 1
    urls = manager.part_urls(context)
    assert [u.rsplit("/", 1)[-1] for u in urls] == [f"part.{i}.parquet" for i in range(3)]
    tm.assert_frame_equal(manager.read_part(urls[1]), frames[1])
    tm.assert_frame_equal(manager.load_input(in_ctx(context)), pd.concat(frames))


def test_an_empty_marker_from_other_tools_is_accepted(local):
    write_parts(local, out_ctx(), [pd.DataFrame({"a": [1]})])
    with open(f"{local.output_dir(out_ctx())}/{MARKER}", "wb"):
        pass  # e.g. a Spark/dask job's empty _SUCCESS file
    assert local.load_input(in_ctx(out_ctx()))["a"].tolist() == [1]


def test_unsafe_path_segments_are_rejected(local):
    with pytest.raises(DaskflowIOError, match="run id '../x'"):
        local.handle_output(out_ctx(run_id="../x"), 1)


def test_lazy_dask_collections_are_refused(local):
    dd = pytest.importorskip("dask.dataframe")
    lazy = dd.from_pandas(pd.DataFrame({"a": [1, 2]}), npartitions=1)
    with pytest.raises(DaskflowIOError, match="lazy dask collection"):
        local.handle_output(out_ctx(), lazy)


def test_a_dask_array_output_says_what_to_do_instead(local):
    array = pytest.importorskip("dask.array").arange(10, chunks=5)
    with pytest.raises(DaskflowIOError, match=r"\(Array\).*\.compute\(\).*mem_io_manager"):
        local.handle_output(out_ctx(), array)
    assert not os.path.exists(local.output_dir(out_ctx()))  # nothing half-written


def test_manager_pickles_without_its_filesystem(manager):
    manager.handle_output(out_ctx(), {"x": 1})
    clone = pickle.loads(pickle.dumps(manager))
    assert clone._fs is None and clone.base_url == manager.base_url
    assert clone.load_input(in_ctx(out_ctx())) == {"x": 1}


def test_definition_config(tmp_path, monkeypatch, s3_bucket):
    config = {"io_manager": {"config": {"base_dir": f"file://{tmp_path}/cfg"}}}
    with build_resources({"io_manager": fs_io_manager}, config) as resources:
        assert resources.io_manager.base_url == f"file://{tmp_path}/cfg"

    bucket, options = s3_bucket
    config = {
        "io_manager": {"config": {"base_dir": f"s3://{bucket}/x", "storage_options": options}}
    }
    with build_resources({"io_manager": fs_io_manager}, config) as resources:
        resources.io_manager.handle_output(out_ctx(), 5)
        assert resources.io_manager.load_input(in_ctx(out_ctx())) == 5

    monkeypatch.chdir(tmp_path)  # no base_dir, no storage_dir: ./.daskflow/storage
    with build_resources({"io_manager": fs_io_manager}) as resources:
        assert resources.io_manager.base_url == f"file://{tmp_path}/.daskflow/storage"


def test_storage_dir_of_the_instance_is_the_default(tmp_path):
    context = InitResourceContext(
        {"base_dir": None}, fs_io_manager, storage_dir=str(tmp_path / "instance-storage")
    )
    assert fs_io_manager.resource_fn(context).base_url == f"file://{tmp_path}/instance-storage"


def test_a_corrupt_part_names_the_file_and_partition(local):
    context = out_ctx()
    write_parts(local, context, [pd.DataFrame({"a": [i]}) for i in range(3)])
    broken = f"{local.output_dir(context)}/part.1.parquet"
    with open(broken, "r+b") as file:
        file.truncate(20)  # cut short, as a full disk or a killed copy leaves it
    with pytest.raises(DaskflowIOError) as raised:
        local.read_part(broken)
    assert "partition 1" in str(raised.value) and broken in str(raised.value)
    assert raised.value.path is not None and raised.value.path.endswith(broken)
    with pytest.raises(DaskflowIOError) as raised:
        local.load_input(in_ctx(context))
    message = str(raised.value)
    assert f"of solid {context.solid_name!r}" in message
    assert "partition 1" in message and broken in message


def test_a_corrupt_single_file_is_named(local):
    context = out_ctx()
    local.handle_output(context, pd.DataFrame({"a": [1, 2]}))
    path = local.output_dir(context)
    with open(path, "r+b") as file:
        file.truncate(10)
    with pytest.raises(DaskflowIOError) as raised:
        local.load_input(in_ctx(context))
    assert "could not be read" in str(raised.value) and path in str(raised.value)
