"""``daskflow dev``: the UI and the daemon in one process; the daemon's heartbeat reaches
the instance and the UI serves the operate pages, on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from daskflow.instance import DaskflowInstance

REPO = str(Path(__file__).parents[1] / "daemon" / "operate_repo.py")
pytestmark = pytest.mark.slow


def _url(process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "UI on " in line:
            return line.split("UI on ", 1)[1].split()[0].rstrip(",").rstrip("/")
    raise AssertionError("daskflow dev announced no URL")


def _get(url: str) -> httpx2.Response:
    """GET once the server listens (it is announced just before it starts)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx2.get(url, timeout=20)
        except httpx2.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_dev_serves_the_ui_and_runs_the_daemon(home):
    command = [sys.executable, "-c", "from daskflow.cli import main; main()"]
    args = ["dev", "-f", REPO, "--port", "0", "--interval", "0.5"]
    env = {**os.environ, "DASKFLOW_HOME": str(home)}
    with subprocess.Popen(command + args, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            url = _url(process)
            assert url.startswith("http://127.0.0.1:")
            page = _get(f"{url}/schedules")
            assert page.status_code == 200 and 'data-schedule="nightly"' in page.text
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with DaskflowInstance.from_home(home, mark_stale=False) as instance:
                    if instance.schedule_storage.heartbeats():
                        break
                time.sleep(0.2)
            else:
                raise AssertionError("no daemon heartbeat")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
