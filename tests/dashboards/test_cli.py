"""``daskflow ui`` and ``daskflow run launch`` as commands."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner

from daskflow.cli import cli

from .conftest import CEREAL_FILE

DASKFLOW = str(Path(sys.executable).parent / "daskflow")


def test_ui_serves_on_a_free_port_and_prints_it(tmp_path):
    env = {**os.environ, "DASKFLOW_HOME": str(tmp_path / "home")}
    command = [DASKFLOW, "ui", "-f", CEREAL_FILE, "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    ) as process:
        try:
            url = _printed_url(process)
            response = _get(url + "pipelines")
            assert response.status_code == 200
            assert "compute_top_quartile_pipeline" in response.text
            evil = httpx2.get(url + "pipelines", headers={"Host": "attacker.example"})
            assert evil.status_code == 400
        finally:
            process.terminate()
            process.wait(15)


def _printed_url(process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"Serving on (http://127\.0\.0\.1:\d+/)", process.stdout.readline())
        if found:
            return found.group(1)
    raise AssertionError("no URL printed")


def _get(url):
    for _ in range(50):
        try:
            return httpx2.get(url)
        except httpx2.ConnectError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers at {url}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--token"),
        ([], "exactly one of"),
    ],
)
def test_ui_refuses_bad_usage(tmp_path, monkeypatch, args, message):
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path / "home"))
    target = ["-f", CEREAL_FILE] if "--host" in args else []
    result = CliRunner().invoke(cli, ["ui", *target, *args])
    assert result.exit_code == 2 and message in result.output


def test_run_launch_of_an_unknown_or_unlaunched_run(tmp_path, monkeypatch, instance):
    monkeypatch.setenv("DASKFLOW_HOME", str(instance.home))
    result = CliRunner().invoke(cli, ["run", "launch", "0123456789abcdef"])
    assert result.exit_code == 2 and "no run" in result.output
    run = instance.run_storage.create_run("p", {}, "default")
    result = CliRunner().invoke(cli, ["run", "launch", run.run_id])
    assert result.exit_code == 2 and "no stored origin" in result.output
