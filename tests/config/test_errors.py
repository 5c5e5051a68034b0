"""``ConfigError`` and ``DaskflowConfigError``: what a user reads when config is wrong."""

import pickle

from daskflow.config import (
    ConfigError,
    DaskflowConfigError,
    DaskflowInvalidDefinitionError,
    Field,
    Selector,
    Shape,
    validate_config,
)


def test_path_str_and_str():
    error = ConfigError(
        ("solids", "load", "config", "files", "2"),
        "expected a string.",
        expected="string",
        received="the integer 3",
        hint="Quote it.",
    )
    assert error.path_str == "solids.load.config.files.2"
    assert str(error) == "solids.load.config.files.2: expected a string.\n  Quote it."
    assert ConfigError((), "bad.", expected="int").path_str == "<root>"
    assert str(ConfigError((), "bad.", expected="int")) == "<root>: bad."


def test_multiline_hints_are_indented():
    error = ConfigError(("a",), "missing.", expected="dict", hint="For example:\n  a: 1")
    assert str(error) == "a: missing.\n  For example:\n    a: 1"


def _sugar_pipeline_schema():
    cereals = Selector({"csv": {"path": str}, "parquet": {"path": str}})
    solid = Shape(
        {
            "config": {"delay": float},
            "inputs": Field(
                {"cereals": cereals},
                description="the solid's unconnected inputs to load from config",
            ),
        }
    )
    return Shape({"solids": {"add_sugar_per_cup": solid}})


def test_lead_example_renders_readably():
    result = validate_config(
        _sugar_pipeline_schema(),
        {"solids": {"add_sugar_per_cup": {"config": {"delay": "abc", "dely": 1}}}},
    )
    title = 'Invalid run config for pipeline "compute_top_quartile_pipeline" (mode "test")'
    assert str(DaskflowConfigError(result.errors, title=title)) == "\n".join(
        [
            f"{title}: 3 errors",
            '  1. solids.add_sugar_per_cup.config.delay: expected a float, got the string "abc".',
            '  2. solids.add_sugar_per_cup.config.dely: unknown key "dely". Did you mean "delay"?',
            "     Allowed keys here: delay.",
            '  3. solids.add_sugar_per_cup.inputs: missing required key "inputs" '
            "(the solid's unconnected inputs to load from config).",
            "     For example:",
            "       inputs:",
            "         cereals:",
            "           csv:",
            "             path: <string>",
        ]
    )


def test_error_fields_carry_expected_and_received():
    result = validate_config({"delay": float}, {"delay": "abc"})
    (error,) = result.errors
    assert error.expected == "float"
    assert error.received == 'the string "abc"'
    assert error.hint is None


def test_exception_keeps_errors_and_counts_them():
    errors = [ConfigError(("a",), "one.", "int"), ConfigError(("b",), "two.", "int")]
    exc = DaskflowConfigError(errors)
    assert exc.errors == errors
    assert str(exc).splitlines() == ["Invalid config: 2 errors", "  1. a: one.", "  2. b: two."]
    assert str(DaskflowConfigError(errors[:1])).startswith("Invalid config: 1 error\n")


def test_numbering_past_nine_keeps_hints_aligned():
    errors = [ConfigError((str(i),), "bad.", "int", hint="fix") for i in range(10)]
    lines = str(DaskflowConfigError(errors)).splitlines()
    assert lines[-2] == "  10. 9: bad."
    assert lines[-1] == "      fix"


def test_exception_pickles():
    exc = DaskflowConfigError(
        [ConfigError(("a",), "bad.", "int", 'the string "x"', "hint")], title="Invalid run config"
    )
    clone = pickle.loads(pickle.dumps(exc))
    assert clone.errors == exc.errors
    assert clone.title == "Invalid run config"
    assert str(clone) == str(exc)


def test_raise_on_error_helper():
    result = validate_config({"a": int}, {})
    try:
        result.raise_on_error(title="Invalid resource config")
    except DaskflowConfigError as exc:
        assert str(exc).startswith("Invalid resource config: 1 error")
    else:
        raise AssertionError("expected DaskflowConfigError")
    assert validate_config({"a": int}, {"a": 1}).raise_on_error() == {"a": 1}


def test_definition_error_is_a_plain_exception():
    assert issubclass(DaskflowInvalidDefinitionError, Exception)
    assert not issubclass(DaskflowInvalidDefinitionError, DaskflowConfigError)
