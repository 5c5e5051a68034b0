"""Helpers of the CLI tests: running `daskflow`, the cereal example's paths, a flaky pipeline."""

import os

from click.testing import CliRunner

from daskflow.cli import cli

from ..conftest import CEREAL_DIR

CEREAL_FILE = os.path.join(CEREAL_DIR, "cereal.py")
CEREAL_YAML = os.path.join(CEREAL_DIR, "cereal.yaml")

FLAKY_PIPELINE = '''
import os
import signal
import time

from daskflow import Field, pipeline, solid


@solid
def first(context) -> int:
    context.log.info("first says hello")
    return 1


@solid(config_schema={"fail": Field(bool, default_value=False, is_required=False)})
def second(context, x: int) -> int:
    if context.solid_config["fail"]:
        raise ValueError("second was told to fail")
    if os.environ.get("FLAKY_INTERRUPT"):
        # Press Ctrl-C, as a user would; only if the CLI handles SIGINT (else pytest stops).
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            raise RuntimeError("the CLI installed no SIGINT handler")
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.5)  # the coordinator polls for cancel requests every second
    return x + 1


@solid
def third(_, y: int) -> int:
    return y * 2


@pipeline
def flaky():
    third(second(first()))
'''


def invoke(*args, input=None):
    """Run ``daskflow ARGS``; exceptions other than SystemExit propagate."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def run_ids(*extra):
    """The short run ids `run list` prints, newest first."""
    listing = invoke("run", "list", *extra).output.splitlines()[1:]
    return [line.split()[0] for line in listing if line.strip()]
