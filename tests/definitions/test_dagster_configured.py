"""``configured`` on solids, composites, resources and loggers, as a method and a decorator."""

from __future__ import annotations

import logging

import pytest

from daskflow import (
    Field,
    InputDefinition,
    Int,
    ModeDefinition,
    ResourceDefinition,
    composite_solid,
    configured,
    execute_pipeline,
    logger,
    pipeline,
    resource,
    solid,
)
from daskflow.errors import DaskflowConfigError, DaskflowInvalidDefinitionError

IN_PROCESS = {"execution": {"in_process": {}}}


@solid(config_schema={"greeting": str, "times": Field(int, default_value=1)})
def greet(context):
    return context.solid_config["greeting"] * context.solid_config["times"]


def _run_one(solid_def, config=None, mode_defs=None):
    @pipeline(mode_defs=mode_defs)
    def p():
        solid_def()

    return execute_pipeline(p, {**IN_PROCESS, **(config or {})}).output_for_solid(solid_def.name)


def test_configured_solid_with_a_fixed_config_needs_no_run_config():
    hello = greet.configured({"greeting": "hello"}, name="hello")
    assert hello.name == "hello" and hello.config_field is None
    assert _run_one(hello) == "hello"  # the default of "times" is filled in


def test_configured_solid_with_a_config_function_and_schema():
    @configured(greet, {"name": str})
    def greet_name(config):
        return {"greeting": f"hi {config['name']}", "times": 2}

    assert greet_name.name == "greet_name"
    config = {"solids": {"greet_name": {"config": {"name": "ann"}}}}
    assert _run_one(greet_name, config) == "hi annhi ann"
    with pytest.raises(DaskflowConfigError, match="name"):
        _run_one(greet_name)


def test_configured_function_form_and_keeps_original():
    hi = configured(greet, name="hi")({"greeting": "hi", "times": 3})
    assert _run_one(hi) == "hihihi"
    assert greet.config_field is not None and greet.name == "greet"


def test_bad_fixed_config_is_a_config_error_naming_the_solid():
    wrong = greet.configured({"greeting": 3}, name="wrong")
    with pytest.raises(DaskflowConfigError, match="greeting"):
        _run_one(wrong)


def test_configured_twice_chains_the_mappings():
    loud = greet.configured(lambda cfg: {"greeting": cfg["word"].upper()}, {"word": str}, "loud")
    loud_hey = loud.configured({"word": "hey"}, name="loud_hey")
    assert _run_one(loud_hey) == "HEY"


def test_fixed_config_with_a_schema_is_rejected():
    with pytest.raises(DaskflowInvalidDefinitionError, match="config function"):
        greet.configured({"greeting": "x"}, {"greeting": str})


def test_configured_composite():
    @solid(input_defs=[InputDefinition("x", Int)], config_schema={"by": int})
    def add(context, x):
        return x + context.solid_config["by"]

    @composite_solid(
        input_defs=[InputDefinition("x", Int, default_value=1)],
        config_schema={"by": int},
        config_fn=lambda cfg: {"add": {"config": {"by": cfg["by"]}}},
    )
    def plus(x):
        return add(x)

    plus_ten = plus.configured({"by": 10}, name="plus_ten")
    assert _run_one(plus_ten) == 11


def test_configured_resource_and_static_helpers():
    @resource(config_schema={"bucket": str, "region": Field(str, default_value="eu")})
    def store(init_context):
        return dict(init_context.resource_config)

    dev_store = configured(store)({"bucket": "dev"})

    @configured(store, {"env": str})
    def env_store(config):
        return {"bucket": f"{config['env']}-bucket"}

    @solid(required_resource_keys={"store"})
    def where(context):
        return context.resources.store

    dev = ModeDefinition(resource_defs={"store": dev_store})
    assert _run_one(where, mode_defs=[dev]) == {"bucket": "dev", "region": "eu"}
    env = ModeDefinition(resource_defs={"store": env_store})
    config = {"resources": {"store": {"config": {"env": "prod"}}}}
    assert _run_one(where, config, mode_defs=[env]) == {"bucket": "prod-bucket", "region": "eu"}


def test_configured_rejects_an_aliased_solid():
    with pytest.raises(DaskflowInvalidDefinitionError, match="alias"):
        configured(greet.alias("other"))


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[tuple[int, str]] = []

    def emit(self, record):
        self.messages.append((record.levelno, record.getMessage()))


def test_mode_loggers_turned_on_by_run_config_receive_the_events():
    collected = _Collect()

    @logger(config_schema={"name": str, "level": str})
    def collecting(init_context):
        log = logging.getLogger(init_context.logger_config["name"])
        log.setLevel(init_context.logger_config["level"])
        log.handlers = [collected]
        log.propagate = False
        return log

    quiet = collecting.configured({"name": "daskflow.test.quiet", "level": "WARNING"})

    @solid
    def talk(context):
        context.log.info("just info")
        context.log.warning("careful")

    mode = ModeDefinition(logger_defs={"quiet": quiet})
    assert _run_one(talk, mode_defs=[mode]) is None
    assert collected.messages == []  # not named in run config: not turned on
    _run_one(talk, {"loggers": {"quiet": {}}}, mode_defs=[mode])
    texts = [m for _, m in collected.messages]
    assert any(m.endswith("LOG - careful") for m in texts)
    assert not any("just info" in m for m in texts)


def test_resource_helpers():
    @solid(required_resource_keys={"value", "nothing", "text", "fake"})
    def read(context):
        context.resources.fake.call(1)
        return (context.resources.value, context.resources.nothing, context.resources.text)

    mode = ModeDefinition(
        resource_defs={
            "value": ResourceDefinition.hardcoded_resource(42),
            "nothing": ResourceDefinition.none_resource(),
            "text": ResourceDefinition.string_resource(),
            "fake": ResourceDefinition.mock_resource(),
        }
    )
    config = {"resources": {"text": {"config": "hello"}}}
    assert _run_one(read, config, [mode]) == (42, None, "hello")


def test_mode_from_resources_hardcodes_values():
    @solid(required_resource_keys={"answer"})
    def answer(context):
        return context.resources.answer

    assert _run_one(answer, mode_defs=[ModeDefinition.from_resources({"answer": 42})]) == 42


def test_a_resource_function_must_take_the_init_context():
    with pytest.raises(DaskflowInvalidDefinitionError, match="init context"):

        @resource
        def no_context():
            return 1
