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
    assert ("delay: float = 1.0 (optional) - Number of seconds of computation to simulate"
            in out)
    assert "resources: datalake" in out
    assert "root_dir: string (required)" in out


def test_validate_accepts_the_yaml_and_rejects_bad_config(tmp_path):
    ok = run("pipeline", "validate", "-f", CEREAL_FILE, "-c", CEREAL_YAML, "--mode", "local")
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("solids:\n  add_sugar_per_cup:\n    config: {delay: abc, dely: 1}\n")
    result = run("pipeline", "validate", "-f", CEREAL_FILE, "-c", CEREAL_YAML, "-c", str(bad),
                 "--mode", "local")
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
