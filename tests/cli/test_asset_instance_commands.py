"""`daskflow asset list | show | wipe` and `daskflow instance info | gc`."""

from .helpers import invoke, run_ids

KEY = "local_datalake.cereals"


def test_asset_list_show_and_wipe(cereal_args):
    assert "No assets materialized yet." in invoke("asset", "list").output
    for _ in range(2):
        assert invoke("pipeline", "execute", *cereal_args).exit_code == 0
    newest, older = run_ids()
    listing = invoke("asset", "list").output
    assert KEY in listing
    row = next(line for line in listing.splitlines() if line.startswith(KEY))
    assert row.split()[1:3] == ["2", newest]

    shown = invoke("asset", "show", KEY).output
    assert "2 materialization(s), newest first" in shown
    rows = [line for line in shown.splitlines() if "save_to_datalake" in line]
    assert [r.split()[2] for r in rows] == [newest, older]
    assert all("status: saved" in r for r in rows)

    declined = invoke("asset", "wipe", KEY, input="n\n")
    assert declined.exit_code == 1 and KEY in invoke("asset", "list").output
    wiped = invoke("asset", "wipe", KEY, input="y\n")
    assert wiped.exit_code == 0 and "2 materialization(s) removed" in wiped.output
    assert "No assets materialized yet." in invoke("asset", "list").output
    assert invoke("asset", "show", KEY).exit_code == 2
    assert invoke("asset", "wipe", KEY, "--yes").exit_code == 2
    # the runs' event logs keep their materialization events
    events = invoke("run", "show", newest, "--type", "ASSET_MATERIALIZATION").output
    assert f'Materialized asset "{KEY}"' in events


def test_instance_info_shows_where_things_are_and_run_counts(cereal_args, flaky, home):
    path, configs = flaky
    empty = invoke("instance", "info")
    assert empty.exit_code == 0
    assert str(home) in empty.output
    assert "sqlite:///" in empty.output and "storage" in empty.output
    assert "retention     all ticks kept" in empty.output
    invoke("pipeline", "execute", *cereal_args)
    invoke("pipeline", "execute", "-f", path, "-c", configs["fail"])
    out = invoke("instance", "info").output
    counts = dict(
        line.split()
        for line in out.split("Runs by status", 1)[1].splitlines()
        if line.strip() and not line.startswith("status")
    )
    assert counts == {"SUCCESS": "1", "FAILURE": "1"}


def test_bad_storage_exits_2_without_showing_the_password(home):
    home.mkdir(parents=True)
    (home / "daskflow.yaml").write_text(
        "storage:\n  postgres:\n    url: postgresql://me:s3cret@127.0.0.1:1/daskflow\n"
    )
    result = invoke("instance", "info")
    assert result.exit_code == 2
    assert "s3cret" not in result.output


def test_instance_info_shows_storage_used_and_gc_removes_old_outputs(flaky, home):
    path, configs = flaky
    assert "storage used  0 B (0 runs)" in invoke("instance", "info").output
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["ok"]).exit_code == 0
    used = invoke("instance", "info").output
    assert "storage used" in used and "(1 runs)" in used and "storage used  0 B" not in used
    assert invoke("instance", "gc", "--older-than", "30d").output.startswith(
        "Removed the outputs of 0 run(s) older than 30d (0 B)"
    )
    dry = invoke("instance", "gc", "--older-than", "0s", "--dry-run")
    assert dry.output.startswith("Would remove the outputs of 1 run(s)")
    assert len(list((home / "storage").iterdir())) == 1
    done = invoke("instance", "gc", "--older-than", "0s")
    assert done.exit_code == 0 and done.output.startswith("Removed the outputs of 1 run(s)")
    assert list((home / "storage").iterdir()) == []
    assert "(1 runs)" not in invoke("instance", "info").output
    assert len(run_ids()) == 1  # the record stays


def test_gc_needs_a_readable_age():
    result = invoke("instance", "gc", "--older-than", "a month")
    assert result.exit_code == 2 and "not an age" in result.output
