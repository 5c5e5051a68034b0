"""Environment sources (``{env: VAR}``) and the redaction of the secrets they read."""

import pickle

import pytest

from daskflow.config import (
    BoolSource,
    DaskflowConfigError,
    Field,
    IntSource,
    Noneable,
    StringSource,
    validate_config,
)

SECRET = "s3cr3t-TOKEN-do-not-print"


@pytest.fixture
def env(monkeypatch):
    def set_env(name, value):
        monkeypatch.setenv(name, value)
        return name

    return set_env


def test_plain_values_pass_through():
    assert validate_config(StringSource, "abc").value == "abc"
    assert validate_config(IntSource, 3).value == 3
    assert validate_config(BoolSource, False).value is False


def test_plain_values_of_the_wrong_type():
    error = validate_config(IntSource, "3").errors[0]
    assert error.message == 'expected an int or {env: VAR}, got the string "3".'
    assert error.expected == "int or {env: VAR}"
    assert validate_config(BoolSource, 1).errors[0].message.startswith("expected a bool or")
    assert not validate_config(StringSource, None).success


def test_string_from_env_is_a_secret(env):
    name = env("DASKFLOW_TEST_TOKEN", SECRET)
    result = validate_config({"token": StringSource}, {"token": {"env": name}})
    assert result.success
    assert result.value == {"token": SECRET}
    assert result.secrets == frozenset({SECRET})
    assert result.redact(f"token={SECRET}") == "token=***"


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (" -7 ", -7), ("0", 0)])
def test_int_from_env(env, raw, expected):
    name = env("DASKFLOW_TEST_INT", raw)
    assert validate_config(IntSource, {"env": name}).value == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("0", False), ("true", True), ("FALSE", False), ("yes", True), (" No ", False)],
)
def test_bool_from_env(env, raw, expected):
    name = env("DASKFLOW_TEST_BOOL", raw)
    assert validate_config(BoolSource, {"env": name}).value is expected


def test_unset_env_var_is_an_error_at_its_path(monkeypatch):
    monkeypatch.delenv("DASKFLOW_TEST_UNSET", raising=False)
    result = validate_config(
        {"db": {"password": StringSource}}, {"db": {"password": {"env": "DASKFLOW_TEST_UNSET"}}}
    )
    error = result.errors[0]
    assert error.path == ("db", "password")
    assert error.message == 'environment variable "DASKFLOW_TEST_UNSET" is not set.'


def test_bad_int_from_env_does_not_show_the_value(env):
    name = env("DASKFLOW_TEST_BAD_INT", SECRET)
    result = validate_config({"port": IntSource}, {"port": {"env": name}})
    error = result.errors[0]
    assert error.path == ("port",)
    assert error.received == f"the value of environment variable {name}"
    assert "not a whole number" in error.message
    assert SECRET in result.secrets


def test_bad_bool_from_env(env):
    name = env("DASKFLOW_TEST_BAD_BOOL", "maybe")
    error = validate_config(BoolSource, {"env": name}).errors[0]
    assert error.message.startswith("expected a bool, got the value of environment variable")
    assert "maybe" not in str(error)


def test_malformed_env_reference():
    result = validate_config(StringSource, {"env": "A", "default": "x"})
    assert "{env: VAR_NAME}" in result.errors[0].hint
    assert not validate_config(StringSource, {"env": 3}).success
    assert "{env: VAR_NAME}" in validate_config(StringSource, {"name": "A"}).errors[0].hint


def test_empty_env_value_is_allowed_but_not_a_secret(env):
    name = env("DASKFLOW_TEST_EMPTY", "")
    result = validate_config(StringSource, {"env": name})
    assert result.value == "" and result.secrets == frozenset()


def test_noneable_source_and_env_default(env):
    name = env("DASKFLOW_TEST_DEFAULT_PORT", "8080")
    schema = {
        "port": Field(IntSource, default_value={"env": name}),
        "host": Field(Noneable(StringSource), default_value=None),
    }
    result = validate_config(schema, {})
    assert result.value == {"port": 8080, "host": None}
    assert result.secrets == frozenset({"8080"})


def test_secret_never_appears_in_the_rendered_error(env):
    """A secret with a type error, next to other errors: the full message must not leak it."""
    int_var = env("DASKFLOW_TEST_SECRET_INT", SECRET)
    bool_var = env("DASKFLOW_TEST_SECRET_BOOL", SECRET)
    str_var = env("DASKFLOW_TEST_SECRET_STR", SECRET)
    schema = {
        "workers": IntSource,
        "debug": BoolSource,
        "token": StringSource,
        "n": int,
        "more": [IntSource],
    }
    value = {
        "workers": {"env": int_var},
        "debug": {"env": bool_var},
        "token": {"env": str_var},
        "n": "x",
        "more": [{"env": int_var}],
        "extra": 1,
    }
    result = validate_config(schema, value)
    assert len(result.errors) == 5
    exc = DaskflowConfigError(result.errors, title="Invalid run config")
    text = str(exc)
    assert SECRET not in text
    assert SECRET not in repr(exc.errors)
    for error in result.errors:
        for part in (error.message, error.expected, error.received, error.hint, str(error)):
            assert SECRET not in (part or "")
    assert f"the value of environment variable {int_var}" in text
    assert SECRET not in str(pickle.loads(pickle.dumps(exc)))
    assert result.secrets == frozenset({SECRET})
