"""The Dagster 0.9-style repository of ``examples/from_dagster``: a port by renames only,
run in both of its modes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from daskflow import execute_pipeline, execute_solid
from examples.from_dagster import repository as repo

HERE = Path(repo.__file__).parent
IN_PROCESS = {"execution": {"in_process": {}}}


def _renamed(dagster_code: str) -> str:
    """What porting does: dagster -> daskflow, DagsterType -> DaskflowType, dagster_type=."""
    code = dagster_code.replace("DagsterType", "DaskflowType")
    code = code.replace("dagster_type", "daskflow_type")
    return re.sub(r"\bdagster\b", "daskflow", code)


def test_the_port_is_the_dagster_code_with_renamed_imports():
    original = (HERE / "original" / "repository.py.txt").read_text()
    assert "from dagster import" in original
    assert _renamed(original) == (HERE / "repository.py").read_text()


def _test_config(tmp_path, min_amount=100.0):
    return {
        **IN_PROCESS,
        "solids": {"large_order_revenue": {"config": {"min_amount": min_amount}}},
        "resources": {"report_dir": {"config": {"dir": str(tmp_path)}}},
    }


def test_test_mode_writes_the_report(tmp_path):
    result = execute_pipeline(repo.orders_pipeline, _test_config(tmp_path), mode="test")
    report = json.loads((tmp_path / "orders.json").read_text())
    assert report == {"cancelled": 2, "completed": 5, "revenue": {"east": 300.0, "north": 380.0}}
    assert result.output_for_solid("count_completed") == 5
    split = result.result_for_solid("split_by_status")
    assert [len(v) for v in split.output_values.values()] == [5, 2]
    [mat] = result.result_for_solid("write_report").materializations_during_compute
    assert mat.asset_key.to_string() == "orders_report"
    composite = result.result_for_solid("large_order_revenue")
    assert composite.output_value() == {"east": 300.0, "north": 380.0}
    assert result.output_for_solid("announce_to_team").startswith("[orders] report ready")


def test_local_preset_with_the_json_logger(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    result = execute_pipeline(repo.orders_pipeline, preset="local")
    assert result.success
    assert (tmp_path / "reports" / "orders.json").exists()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    messages = [line["message"] for line in lines]
    assert any(m.endswith("LOG - read 7 orders") for m in messages)
    assert any("to #data: [orders] report ready" in m for m in messages)


def test_solids_unit_tested_with_execute_solid():
    orders = [
        {"id": 1, "region": "n", "amount": 5.0, "status": "completed"},
        {"id": 2, "region": "s", "amount": 7.0, "status": "cancelled"},
    ]
    split = execute_solid(repo.split_by_status, input_values={"orders": orders})
    assert split.output_value("cancelled") == [orders[1]]
    assert repo.revenue_by_region(orders) == {"n": 5.0, "s": 7.0}


def test_the_order_type_rejects_rows_missing_fields(tmp_path):
    result = execute_solid(
        repo.count_orders, input_values={"orders": [{"id": 1}]}, raise_on_error=False
    )
    assert not result.success
    [failed] = [
        e for e in result.input_events_during_compute if not e.data["type_check"]["success"]
    ]
    assert "order lacks amount, region, status" in failed.data["type_check"]["description"]


def test_the_repository_lists_the_pipeline():
    assert repo.orders_repository.pipeline_names == ["orders_pipeline"]


@pytest.mark.parametrize("min_amount", [0.0, 250.0])
def test_the_composite_config_maps_onto_the_inner_solid(tmp_path, min_amount):
    result = execute_pipeline(repo.orders_pipeline, _test_config(tmp_path, min_amount), mode="test")
    revenue = result.output_for_solid("large_order_revenue")
    assert all(v >= min_amount for v in revenue.values())
    assert ("south" in revenue) is (min_amount == 0.0)
