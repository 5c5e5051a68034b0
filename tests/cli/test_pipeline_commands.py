"""The `daskflow pipeline ...` commands on the cereal example, through click's runner."""

import json
import os

import jsonschema
import yaml
from click.testing import CliRunner

from daskflow.cli import cli

from ..conftest import CEREAL_DIR

CEREAL_FILE = os.path.join(CEREAL_DIR, "cereal.py")
CEREAL_YAML = os.path.join(CEREAL_DIR, "cereal.yaml")


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_shows_the_pipeline_with_its_modes():
    result = run("pipeline", "list", "-f", CEREAL_FILE)
    assert result.exit_code == 0
    assert "compute_top_quartile_pipeline  (4 solids; modes: test, local)" in result.output


def test_print_lists_solids_inputs_types_config_and_resources():
    result = run("pipeline", "print", "-f", CEREAL_FILE)
    assert result.exit_code == 0
    out = result.output
    assert "add_sugar_per_cup - Augments dataframe with a `sugar_per_cup` column." in out
    assert "input cereals: PandasDataFrame <- run config solids.add_sugar_per_cup" in out
    assert "input cutoff: Float <- compute_cutoff.result" in out
    assert "delay: float = 1.0 (optional) - Number of seconds of computation to simulate" in out
    assert "resources: datalake" in out
    assert "root_dir: string (required)" in out


def test_validate_accepts_the_yaml_and_rejects_bad_config(tmp_path):
    ok = run("pipeline", "validate", "-f", CEREAL_FILE, "-c", CEREAL_YAML, "--mode", "local")
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("solids:\n  add_sugar_per_cup:\n    config: {delay: abc, dely: 1}\n")
    result = run(
        "pipeline",
        "validate",
        "-f",
        CEREAL_FILE,
        "-c",
        CEREAL_YAML,
        "-c",
        str(bad),
        "--mode",
        "local",
    )
    assert result.exit_code == 2
    assert "solids.add_sugar_per_cup.config.delay" in result.output
    assert "solids.add_sugar_per_cup.config.dely" in result.output


def test_preset_supplies_mode_and_config():
    result = run("pipeline", "validate", "-f", CEREAL_FILE, "--preset", "local")
    assert result.exit_code == 0, result.output
    assert 'mode "local"' in result.output
    clash = run("pipeline", "validate", "-f", CEREAL_FILE, "--preset", "local", "--mode", "test")
    assert clash.exit_code == 2


def test_unknown_mode_or_pipeline_is_a_usage_error():
    assert run("pipeline", "validate", "-f", CEREAL_FILE, "--mode", "nope").exit_code == 2
    assert run("pipeline", "print", "-f", CEREAL_FILE, "-p", "nope").exit_code == 2
    assert run("pipeline", "print", "-f", "/nonexistent/x.py").exit_code == 2


def test_config_schema_is_json_schema_that_accepts_the_yaml():
    result = run("pipeline", "config-schema", "-f", CEREAL_FILE, "--mode", "local")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    with open(CEREAL_YAML) as f:
        jsonschema.validate(yaml.safe_load(f), schema)


def test_scaffold_config_gives_the_required_entries():
    result = run("pipeline", "scaffold-config", "-f", CEREAL_FILE, "--mode", "local")
    assert result.exit_code == 0
    scaffold = yaml.safe_load(result.output)
    assert "add_sugar_per_cup" in scaffold["solids"]
    assert scaffold["resources"]["datalake"]["config"]["root_dir"] == "<string>"


def test_module_option_loads_a_module(monkeypatch):
    monkeypatch.syspath_prepend(CEREAL_DIR)
    result = run("pipeline", "list", "-m", "cereal")
    assert result.exit_code == 0
    assert "compute_top_quartile_pipeline" in result.output


def test_module_option_finds_modules_under_the_working_directory(tmp_path, monkeypatch):
    import sys

    package = tmp_path / "cwd_pipes"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pipes.py").write_text(
        "from daskflow import pipeline, solid\n\n"
        "@solid\ndef one(_) -> int:\n    return 1\n\n"
        "@pipeline\ndef from_cwd():\n    one()\n"
    )
    (package / "broken.py").write_text("import no_such_module_for_daskflow_tests\n")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", os.getcwd())])
    monkeypatch.chdir(tmp_path)
    try:
        result = run("pipeline", "list", "-m", "cwd_pipes.pipes")
        assert result.exit_code == 0, result.output
        assert "from_cwd" in result.output
        assert sys.path[0] == str(tmp_path)  # as `python -m` does
        broken = run("pipeline", "list", "-m", "cwd_pipes.broken")
        assert broken.exit_code == 2  # a usage error, not a traceback
        assert "could not import module 'cwd_pipes.broken'" in broken.output
        assert "No module named 'no_such_module_for_daskflow_tests'" in broken.output
        missing = run("pipeline", "list", "-m", "cwd_pipes.nope")
        assert missing.exit_code == 2 and "cwd_pipes.nope" in missing.output
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "cwd_pipes"]:
            del sys.modules[name]


def test_module_option_from_the_repository_root_in_a_fresh_process():
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(CEREAL_DIR))
    daskflow = os.path.join(os.path.dirname(sys.executable), "daskflow")
    done = subprocess.run(
        [daskflow, "pipeline", "list", "-m", "examples.tpch.pipelines.q1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr
    assert "tpch_q1" in done.stdout
