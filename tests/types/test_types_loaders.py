"""Loaders of builtin types through run config, and the loader/materializer decorators."""

import pytest

from daskflow.config import DaskflowInvalidDefinitionError, validate_config
from daskflow.metadata import EventMetadataEntry
from daskflow.types import (
    Any,
    Bool,
    DaskflowType,
    Dict,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    String,
    TypeLoader,
    TypeMaterializer,
    type_loader,
    type_materializer,
)


def load(daskflow_type, config_value):
    """Validate against the loader's schema like the engine does, then load."""
    result = validate_config(daskflow_type.loader.config_schema, config_value)
    assert result.success, result.errors
    return daskflow_type.loader.load(None, result.value)


def rejects(daskflow_type, config_value):
    return not validate_config(daskflow_type.loader.config_schema, config_value).success


@pytest.mark.parametrize(
    ("daskflow_type", "config_value", "expected"),
    [
        (Int, 3, 3),
        (Int, {"value": 4}, 4),
        (Float, 1.5, 1.5),
        (Float, {"value": 2}, 2.0),
        (String, "x", "x"),
        (String, {"value": "y"}, "y"),
        (Bool, False, False),
        (Bool, {"value": True}, True),
        (Any, {"anything": [1, 2]}, {"anything": [1, 2]}),
        (Any, 7, 7),
    ],
)
def test_scalar_loaders(daskflow_type, config_value, expected):
    loaded = load(daskflow_type, config_value)
    assert loaded == expected and type(loaded) is type(expected)
    assert daskflow_type.type_check(None, loaded).success


def test_scalar_loaders_reject_wrong_config():
    assert rejects(Int, "three")
    assert rejects(Int, {"value": "three"})
    assert rejects(Int, {"other": 3})
    assert rejects(String, 3)
    assert rejects(Bool, "yes")


def test_optional_and_list_loaders():
    assert load(Optional[Int], None) is None
    assert load(Optional[Int], 5) == 5
    assert load(Optional[String], {"value": "s"}) == "s"
    assert load(List[Int], [1, 2, 3]) == [1, 2, 3]
    assert load(List[Float], [1, 2.5]) == [1.0, 2.5]
    assert rejects(List[Int], [1, "x"])
    assert load(Optional[List[String]], ["a"]) == ["a"]


def test_types_without_loaders():
    assert Nothing.loader is None and Dict.loader is None
    assert List[Dict].loader is None and Optional[Dict].loader is None
    assert List[Optional[Int]].loader is None  # only scalar element loaders make arrays


def test_type_loader_decorator():
    @type_loader({"path": str, "repeat": int})
    def read_words(_context, config):
        return [config["path"]] * config["repeat"]

    assert isinstance(read_words, TypeLoader)
    words = DaskflowType("Words", lambda _ctx, value: isinstance(value, list), loader=read_words)
    assert load(words, {"path": "a", "repeat": 2}) == ["a", "a"]
    assert rejects(words, {"path": "a"})


def test_type_loader_rejects_bad_schema():
    with pytest.raises(DaskflowInvalidDefinitionError):
        type_loader(object())(lambda _ctx, value: value)


def test_type_materializer():
    written = []

    @type_materializer({"label": str})
    def remember(_context, config, value):
        written.append(value)
        return [EventMetadataEntry.text(str(value), label=config["label"])]

    assert isinstance(remember, TypeMaterializer)
    result = validate_config(remember.config_schema, {"label": "saved"})
    entries = remember.materialize(None, result.value, 42)
    assert written == [42] and [(e.label, e.value) for e in entries] == [("saved", "42")]

    silent = type_materializer(str)(lambda _ctx, _config, _value: None)
    assert silent.materialize(None, "x", 1) == ()
    wrong = type_materializer(str)(lambda _ctx, _config, _value: 3)
    with pytest.raises(DaskflowInvalidDefinitionError, match="must return None"):
        wrong.materialize(None, "x", 1)


@type_loader(int)
def module_level_loader(_context, value):
    return value * 2


def test_decorated_loaders_pickle_by_reference():
    import pickle

    from daskflow.types import DataFrame

    assert pickle.loads(pickle.dumps(module_level_loader)) is module_level_loader
    assert pickle.loads(pickle.dumps(DataFrame.loader)) is DataFrame.loader
