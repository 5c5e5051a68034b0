"""The public API: what ``daskflow`` exports resolves, and every public error is a DaskflowError."""

from __future__ import annotations

import importlib
import pickle

import pytest

import daskflow
from daskflow.errors import DaskflowError

# Packages with a public surface of their own besides the facade.
PUBLIC_MODULES = [
    "daskflow",
    "daskflow.errors",
    "daskflow.config",
    "daskflow.types",
    "daskflow.io_managers",
    "daskflow.instance",
    "daskflow.run_config",
    "daskflow.bench",
]
# Raised by a solid to tell the engine to fail or retry its step: control flow, not errors
# of daskflow, so a user's ``except DaskflowError`` never swallows them.
CONTROL_FLOW = {daskflow.Failure, daskflow.RetryRequested}


def _exported(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    return [(name, getattr(module, name)) for name in module.__all__]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_name_in_all_resolves(module_name):
    module = importlib.import_module(module_name)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
    assert len(set(module.__all__)) == len(module.__all__)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_exported_exception_is_a_daskflow_error(module_name):
    exceptions = [
        (name, value)
        for name, value in _exported(module_name)
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert exceptions or module_name in {"daskflow.run_config"}
    wrong = [
        name
        for name, value in exceptions
        if value not in CONTROL_FLOW and not issubclass(value, DaskflowError)
    ]
    assert wrong == []


def test_control_flow_exceptions_are_not_daskflow_errors():
    for exc in CONTROL_FLOW:
        assert not issubclass(exc, DaskflowError)


def test_every_error_of_daskflow_errors_is_exported_from_the_top():
    errors = [name for name, value in _exported("daskflow.errors") if isinstance(value, type)]
    errors = [name for name in errors if issubclass(getattr(daskflow.errors, name), Exception)]
    assert set(errors) <= set(daskflow.__all__)
    assert "DaskflowIOError" in daskflow.__all__


def test_what_users_import_from_the_top():
    expected = {
        "IOManager",
        "io_manager",
        "IOManagerDefinition",
        "InputContext",
        "OutputContext",
        "fs_io_manager",
        "mem_io_manager",
        "DaskflowInstance",
        "EventRecord",
        "DaskflowEventType",
        "RunStatus",
        "StepStatus",
        "SolidExecutionContext",
        "PipelineExecutionResult",
        "SolidExecutionResult",
        "DataFrame",
        "DaskDataFrame",
        "Nothing",
        "Int",
        "String",
    }
    assert expected <= set(daskflow.__all__)


def test_engine_helpers_are_not_in_the_public_lists():
    helpers = {
        "check_frame_structure",
        "check_dataframe_partition",
        "failures_type_check",
        "merge_column_failures",
        "ColumnFailure",
    }
    assert not helpers & set(daskflow.types.__all__)
    assert not helpers & set(daskflow.__all__)
    assert not {"build_run_config_schema", "resolve_run_config"} & set(daskflow.config.__all__)


ERRORS = [
    daskflow.DaskflowConfigError(
        [daskflow.config.ConfigError(("solids", "a"), "expected a mapping.", "a mapping")], "Bad"
    ),
    daskflow.DaskflowInvalidDefinitionError('solid "a": bad'),
    daskflow.DaskflowExecutionError('solid "a" failed', solid_name="a", run_id="r1"),
    daskflow.DaskflowResourceError('resource "db" failed', resource_key="db"),
    daskflow.DaskflowTypeCheckError("Int", ZeroDivisionError("division by zero")),
    daskflow.DaskflowTypeLoadError("no such file", config_key="csv.path", path="a.csv"),
    daskflow.DaskflowIOError("cannot write", run_id="r1", solid_name="a", path="/x"),
    daskflow.DaskflowStorageError("cannot open the database"),
    daskflow.DaskflowRunNotFoundError("0123456789ab"),
    daskflow.DaskflowAmbiguousRunIdError("0123ab", ["0123ab1", "0123ab2"]),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_survive_pickling_with_their_fields(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert {k: str(v) for k, v in vars(copy).items()} == {k: str(v) for k, v in vars(error).items()}


def test_an_unknown_run_is_a_lookup_error_naming_the_run():
    error = daskflow.DaskflowRunNotFoundError("0123456789ab")
    assert isinstance(error, LookupError) and isinstance(error, DaskflowError)
    assert error.run_id == "0123456789ab"
    assert '"0123456789ab"' in str(error)


def test_reexecuting_an_unknown_run_raises_run_not_found():
    @daskflow.solid
    def one(_) -> int:
        return 1

    @daskflow.pipeline
    def single():
        one()

    with (
        daskflow.DaskflowInstance.ephemeral() as instance,
        pytest.raises(daskflow.DaskflowRunNotFoundError) as info,
    ):
        daskflow.reexecute_pipeline(single, "0123456789abcdef", instance)
    assert info.value.run_id == "0123456789abcdef"


def test_the_package_ships_its_type_information():
    """``py.typed`` is in the package and declared as package data, so it is installed."""
    import tomllib
    from pathlib import Path

    import daskflow

    root = Path(daskflow.__file__).parent
    assert (root / "py.typed").is_file()
    pyproject = tomllib.loads((root.parent / "pyproject.toml").read_text())
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["daskflow"]
