"""End-to-end fixtures: one headless Chromium (Debian's, driven by Playwright through
``executable_path``; ``playwright install`` is never used) and two UI servers on
127.0.0.1 over one instance, a normal and a ``--read-only`` one, serving the cereal
example, the test pipelines and the daemon tests' repository (schedules, sensors,
partition sets). Launched runs are real processes.

Without a browser these tests skip, unless ``DASKFLOW_REQUIRE_BROWSER=1`` (set by
``.ci/run``, after ``scripts/ci-chromium.sh`` installed it): then they fail.
Every request the browser makes is recorded; the session ends by checking that none
left the UI's own origins.
"""

import os
import shutil
import threading
import time

import pytest
import uvicorn

from daskflow.dashboards import UISettings, create_app, pick_port
from daskflow.instance import DaskflowInstance
from daskflow.launcher import Workspace, file_location
from daskflow.launcher.operate_workspace import OperateWorkspace

from ..conftest import CEREAL_FILE

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_PIPELINES = os.path.join(os.path.dirname(HERE), "ui_pipelines.py")
# Schedules, sensors and partition sets (and their pipeline "etl") for the operate pages.
OPERATE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "daemon", "operate_repo.py")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("DASKFLOW_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("DASKFLOW_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DASKFLOW_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class Server:
    """A UI server in a thread of this process (launched runs get their own processes)."""

    def __init__(self, workspace, instance, read_only=False, operate=None):
        self.settings = UISettings(port=pick_port("127.0.0.1", 0), read_only=read_only)
        app = create_app(workspace, instance, self.settings, operate=operate)
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.settings.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the UI server did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.settings.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def ui_instance(tmp_path_factory):
    home = tmp_path_factory.mktemp("ui-home")
    with DaskflowInstance.from_home(home) as instance:
        yield instance


@pytest.fixture(scope="session")
def servers(ui_instance):
    locations = [file_location(CEREAL_FILE), file_location(TEST_PIPELINES), file_location(OPERATE)]
    workspace = Workspace(locations)
    assert all(location.error is None for location in workspace.locations)
    operate = OperateWorkspace.load(locations)
    normal = Server(workspace, ui_instance, operate=operate)
    read_only = Server(workspace, ui_instance, True, operate=operate)
    yield normal, read_only
    normal.stop()
    read_only.stop()


@pytest.fixture(scope="session")
def browser_context(servers):
    executable = _chromium()
    if executable is None:
        _unavailable("no Chromium found (scripts/ci-chromium.sh installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(20_000)
        context.on("request", lambda request: requests.append(request.url))
        yield context
        context.close()
        browser.close()
    origins = tuple(server.url + "/" for server in servers)
    outside = [url for url in requests if not url.startswith(origins)]
    assert requests, "the browser made no request at all"
    assert not outside, f"requests outside the UI's origin: {outside[:5]}"


@pytest.fixture
def page(browser_context, servers):
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def ui(servers):
    return servers[0].url


@pytest.fixture
def read_only_ui(servers):
    return servers[1].url
