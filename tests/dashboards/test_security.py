"""The UI's guard: Host check, CSRF on every mutating request, read-only, token, exposure."""

import pytest

from daskflow.dashboards import UISettings

from .conftest import CEREAL, make_client

VALIDATE = f"/pipelines/{CEREAL}/validate"


def test_a_foreign_host_header_is_refused(client):
    assert client.get("/pipelines").status_code == 200
    response = client.get("/pipelines", headers={"Host": "evil.example:3000"})
    assert response.status_code == 400
    assert "Invalid Host" in response.text


def test_mutations_need_the_csrf_token_and_this_origin(client):
    assert client.post(VALIDATE, json={}).status_code == 200
    assert client.post(VALIDATE, json={}, headers={"X-CSRF-Token": "nope"}).status_code == 403
    del client.headers["X-CSRF-Token"]
    assert client.post(VALIDATE, json={}).status_code == 403
    assert client.post("/runs/x/cancel").status_code == 403


def test_cross_origin_posts_are_refused_even_with_the_token(client):
    response = client.post(VALIDATE, json={}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert (
        client.post(VALIDATE, json={}, headers={"Origin": "http://127.0.0.1:3000"}).status_code
        == 200
    )


def test_read_only_refuses_every_action_and_hides_them(cereal_workspace, instance, launcher):
    client = make_client(cereal_workspace, instance, launcher, read_only=True)
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    for url in (
        VALIDATE,
        f"/pipelines/{CEREAL}/launch",
        f"/runs/{run.run_id}/cancel",
        f"/runs/{run.run_id}/reexecute",
        "/runs/cancel",
    ):
        assert client.post(url).status_code == 403, url
    page = client.get(f"/runs/{run.run_id}").text
    assert "cancel-run" not in page and "open-launchpad" not in page
    assert "Launchpad" not in client.get("/pipelines").text
    assert launcher.launched == []
    assert instance.run_storage.get_run(run.run_id).status.value == "NOT_STARTED"


def test_a_token_is_needed_and_becomes_a_cookie(cereal_workspace, instance, launcher):
    client = make_client(cereal_workspace, instance, launcher, token="s3cret")
    assert client.get("/pipelines").status_code == 401
    response = client.get("/runs?token=s3cret&status=SUCCESS")
    assert response.status_code == 303
    assert response.headers["location"] == "/runs?status=SUCCESS"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert client.get("/pipelines").status_code == 200  # the cookie now
    client.cookies.clear()
    assert client.get("/pipelines", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/pipelines?token=wrong").status_code == 401


def test_binding_beyond_loopback_needs_a_token_or_insecure():
    with pytest.raises(ValueError, match="--token"):
        UISettings(host="0.0.0.0").check_exposure()
    UISettings(host="0.0.0.0", token="t").check_exposure()
    UISettings(host="0.0.0.0", insecure=True).check_exposure()
    UISettings(host="::1").check_exposure()


def test_pages_forbid_other_origins_by_policy(client):
    policy = client.get("/pipelines").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "http" not in policy
