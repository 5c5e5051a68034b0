"""Helpers of the CLI tests: running `daskflow`, the cereal example's paths, a flaky pipeline,
and a record of the events the CLI displayed (for solids that wait until they are shown)."""

import os
import time

from click.testing import CliRunner

from daskflow.cli import cli
from daskflow.cli.run_display import PlainDisplay

from ..conftest import CEREAL_DIR

CEREAL_FILE = os.path.join(CEREAL_DIR, "cereal.py")
CEREAL_YAML = os.path.join(CEREAL_DIR, "cereal.yaml")

FLAKY_PIPELINE = """
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
    if os.environ.get("FLAKY_AWAIT_DISPLAY"):
        from tests.cli.helpers import wait_until_shown

        wait_until_shown("second", "STEP_START")  # the CLI shows this step while it runs
    presses = int(os.environ.get("FLAKY_INTERRUPT") or 0)
    if presses:
        # Press Ctrl-C (FLAKY_INTERRUPT times), as a user would; only if the CLI handles
        # SIGINT (else pytest stops).
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            raise RuntimeError("the CLI installed no SIGINT handler")
        for _ in range(presses):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.3)
        time.sleep(1.5)  # the coordinator polls for cancel requests every second
    return x + 1


@solid
def third(_, y: int) -> int:
    return y * 2


@pipeline
def flaky():
    third(second(first()))
"""


def invoke(*args, input=None):
    """Run ``daskflow ARGS``; exceptions other than SystemExit propagate."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def run_ids(*extra):
    """The short run ids `run list` prints, newest first."""
    listing = invoke("run", "list", *extra).output.splitlines()[1:]
    return [line.split()[0] for line in listing if line.strip()]


SHOWN: list[tuple[str | None, str]] = []  # (step key, event type) of each displayed event


def record_shown(monkeypatch):
    """Record every event the CLI's run display shows, in ``SHOWN``."""
    SHOWN.clear()
    show = PlainDisplay.show

    def recording_show(self, event):
        show(self, event)
        SHOWN.append((event.step_key, event.event_type.value))

    monkeypatch.setattr(PlainDisplay, "show", recording_show)


def wait_until_shown(step_key, event_type, timeout=10.0):
    """Called by a running solid: return once the CLI has displayed that event."""
    deadline = time.monotonic() + timeout
    while (step_key, event_type) not in SHOWN:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the CLI did not show {event_type} of {step_key} while it ran")
        time.sleep(0.02)
