"""Fixtures of the web UI tests: the cereal workspace, an instance in a temporary home,
and an app with a recording launcher (route tests launch nothing for real)."""

import os

import pytest
from starlette.testclient import TestClient

from daskflow.dashboards import UISettings, create_app
from daskflow.instance import DaskflowInstance
from daskflow.launcher import RunLauncher, Workspace, file_location

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CEREAL_FILE = os.path.join(ROOT, "examples", "cereal", "cereal.py")
CEREAL = "compute_top_quartile_pipeline"


class RecordingLauncher(RunLauncher):
    """Stores what it was asked to launch; runs nothing."""

    def __init__(self):
        self.launched = []

    def launch(self, instance, run, origin):
        self.launched.append((run.run_id, origin))


@pytest.fixture(scope="session")
def cereal_workspace():
    workspace = Workspace([file_location(CEREAL_FILE)])
    assert workspace.locations[0].error is None
    return workspace


@pytest.fixture
def instance(tmp_path):
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        yield instance


@pytest.fixture
def launcher():
    return RecordingLauncher()


def make_client(workspace, instance, launcher, **settings):
    ui_settings = UISettings(**settings)
    app = create_app(workspace, instance, ui_settings, launcher)
    host = settings.get("host", "127.0.0.1")
    client = TestClient(app, base_url=f"http://{host}:3000", follow_redirects=False)
    client.headers["X-CSRF-Token"] = ui_settings.csrf_token
    return client


@pytest.fixture
def client(cereal_workspace, instance, launcher):
    return make_client(cereal_workspace, instance, launcher)
