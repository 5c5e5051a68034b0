"""TypeCheck, TypeCheckContext and DaskflowType.type_check normalisation."""

import logging
import pickle

import numpy as np
import pytest

from daskflow.config import DaskflowInvalidDefinitionError
from daskflow.metadata import EventMetadataEntry
from daskflow.types import (
    DaskflowType,
    DaskflowTypeCheckError,
    DaskflowTypeLoadError,
    Int,
    TypeCheck,
    TypeCheckContext,
    type_loader,
)

CTX = TypeCheckContext.empty()


def test_typecheck_to_dict_and_back():
    check = TypeCheck(False, "bad", [EventMetadataEntry.int(3, label="rows")])
    data = check.to_dict()
    assert data == {
        "success": False,
        "description": "bad",
        "metadata_entries": [{"label": "rows", "kind": "int", "value": 3, "description": None}],
    }
    assert TypeCheck.from_dict(data) == check
    assert isinstance(check.metadata_entries, tuple)


def test_typecheck_rejects_non_bool_and_non_entries():
    with pytest.raises(DaskflowInvalidDefinitionError):
        TypeCheck("yes")
    with pytest.raises(DaskflowInvalidDefinitionError):
        TypeCheck(True, metadata_entries=[{"label": "x"}])
    assert TypeCheck(np.bool_(True)).success is True


def test_empty_context_defaults():
    ctx = TypeCheckContext.empty()
    assert ctx.solid_name is None and ctx.input_or_output is None
    assert isinstance(ctx.log, logging.Logger)
    assert vars(ctx.resources) == {}
    ctx.log.info("a logger that works")


def test_bool_results_are_normalised():
    positive = DaskflowType("Positive", lambda _ctx, value: value > 0)
    assert positive.type_check(CTX, 1) == TypeCheck(True)
    failed = positive.type_check(CTX, -1)
    assert failed.success is False
    assert failed.description == 'Value of type "int" failed type check for type "Positive"'
    assert positive.type_check(None, 2).success  # context may be omitted


def test_numpy_bool_result_is_accepted():
    all_positive = DaskflowType("AllPositive", lambda _ctx, value: (np.asarray(value) > 0).all())
    assert all_positive.type_check(CTX, [1, 2]).success
    assert not all_positive.type_check(CTX, [1, -2]).success


def test_typecheck_result_is_passed_through():
    result = TypeCheck(False, "custom", [EventMetadataEntry.text("x", label="why")])
    assert DaskflowType("T", lambda _ctx, _value: result).type_check(CTX, 1) is result


def test_check_receives_the_context():
    seen = []
    named = DaskflowType("Named", lambda ctx, _value: seen.append(ctx.solid_name) or True)
    named.type_check(TypeCheckContext(solid_name="clean", input_or_output="df"), 1)
    assert seen == ["clean"]


def test_raising_check_is_wrapped_and_chained():
    def explode(_ctx, value):
        return 1 / value

    with pytest.raises(DaskflowTypeCheckError) as info:
        DaskflowType("Exploding", explode).type_check(CTX, 0)
    err = info.value
    assert err.type_name == "Exploding"
    assert isinstance(err.original, ZeroDivisionError)
    assert err.__cause__ is err.original
    assert "ZeroDivisionError" in str(err) and '"Exploding"' in str(err)


def test_contract_violation_is_an_error():
    with pytest.raises(DaskflowTypeCheckError, match="must return a bool or a TypeCheck"):
        DaskflowType("Sloppy", lambda _ctx, _value: "yes").type_check(CTX, 1)
    with pytest.raises(DaskflowTypeCheckError, match="got NoneType"):
        DaskflowType("Forgetful", lambda _ctx, _value: None).type_check(CTX, 1)


def test_errors_survive_pickling():
    err = pickle.loads(pickle.dumps(DaskflowTypeCheckError("Int", ValueError("boom"))))
    assert err.type_name == "Int" and str(err.original) == "boom"
    load_err = pickle.loads(pickle.dumps(DaskflowTypeLoadError("gone", "csv.path", "a.csv")))
    assert (str(load_err), load_err.config_key, load_err.path) == ("gone", "csv.path", "a.csv")


def test_invalid_definitions():
    with pytest.raises(DaskflowInvalidDefinitionError):
        DaskflowType("", lambda _ctx, _value: True)
    with pytest.raises(DaskflowInvalidDefinitionError, match="not callable"):
        DaskflowType("T", 3)
    with pytest.raises(DaskflowInvalidDefinitionError, match="two arguments"):
        DaskflowType("T", lambda value: True)
    with pytest.raises(DaskflowInvalidDefinitionError, match="TypeLoader"):
        DaskflowType("T", lambda _ctx, _value: True, loader=lambda ctx, cfg: cfg)


def test_attributes():
    @type_loader(int)
    def load(_ctx, value):
        return value

    t = DaskflowType("T", lambda _ctx, _v: True, loader=load, description="d", python_type=int)
    assert (t.name, t.display_name, t.description, t.python_type) == ("T", "T", "d", int)
    assert t.loader is load and t.materializer is None
    assert t.is_nothing is False and t.inner_types == ()
    assert repr(Int) == "<DaskflowType Int>"
