"""Order analytics: a repository written for Dagster 0.9, ported by renaming its imports.

``original/repository.py.txt`` is the Dagster code; ``tests/examples/test_from_dagster.py``
checks that this file is that code with its imports (and its type class) renamed,
nothing else. It uses what real Dagster repositories use: solids whose context
is ``_context``, lambda solids, several outputs, a composite with config mapping,
configured solids and resources, a ``Nothing`` dependency, modes with resources and a
custom logger, presets and a repository.
"""

import csv
import json
import logging
import os
from collections import Counter

from daskflow import (
    DaskflowType,
    EventMetadataEntry,
    Field,
    Float,
    InputDefinition,
    Int,
    List,
    Materialization,
    ModeDefinition,
    Nothing,
    Output,
    OutputDefinition,
    PresetDefinition,
    ResourceDefinition,
    String,
    TypeCheck,
    composite_solid,
    configured,
    lambda_solid,
    logger,
    pipeline,
    repository,
    resource,
    solid,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ORDERS_CSV = os.path.join(HERE, "data", "orders.csv")


def _is_order(_context, value):
    if not isinstance(value, dict):
        return TypeCheck(False, "an order is a dict")
    missing = {"id", "region", "amount", "status"} - set(value)
    if missing:
        return TypeCheck(
            False,
            "order lacks " + ", ".join(sorted(missing)),
            [EventMetadataEntry.text(repr(value), "order")],
        )
    return True


Order = DaskflowType(name="Order", type_check_fn=_is_order, description="One order row.")


@resource(config_schema={"path": Field(String, default_value=ORDERS_CSV)})
def orders_csv(init_context):
    return init_context.resource_config["path"]


@resource(config_schema={"dir": String})
def report_dir(init_context):
    directory = init_context.resource_config["dir"]
    os.makedirs(directory, exist_ok=True)
    return directory


@configured(report_dir, {"root": String})
def reports_under_root(config):
    return {"dir": os.path.join(config["root"], "reports")}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps({"level": record.levelname, "message": record.getMessage()})


@logger(
    config_schema={
        "log_level": Field(String, default_value="INFO"),
        "name": Field(String, default_value="orders"),
    },
    description="One JSON object per line on stderr.",
)
def json_console(init_context):
    config = init_context.logger_config
    json_logger = logging.getLogger(config["name"])
    json_logger.setLevel(config["log_level"])
    json_logger.propagate = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    json_logger.handlers = [handler]
    return json_logger


@solid(
    required_resource_keys={"orders_csv"},
    output_defs=[OutputDefinition(List[Order])],
)
def read_orders(context):
    with open(context.resources.orders_csv) as handle:
        rows = list(csv.DictReader(handle))
    orders = [
        {
            "id": int(row["id"]),
            "region": row["region"],
            "amount": float(row["amount"]),
            "status": row["status"],
        }
        for row in rows
    ]
    context.log.info(f"read {len(orders)} orders")
    return orders


@solid(
    input_defs=[InputDefinition("orders", List[Order])],
    output_defs=[
        OutputDefinition(List[Order], name="completed"),
        OutputDefinition(List[Order], name="cancelled"),
    ],
)
def split_by_status(_context, orders):
    yield Output([o for o in orders if o["status"] == "completed"], "completed")
    yield Output([o for o in orders if o["status"] == "cancelled"], "cancelled")


@lambda_solid(
    input_defs=[InputDefinition("orders", List[Order])],
    output_def=OutputDefinition(Int),
)
def count_orders(orders):
    return len(orders)


@solid(
    config_schema={"min_amount": Field(Float, default_value=0.0)},
    input_defs=[InputDefinition("orders", List[Order])],
    output_defs=[OutputDefinition(List[Order])],
)
def keep_large(context, orders):
    return [o for o in orders if o["amount"] >= context.solid_config["min_amount"]]


@lambda_solid(input_defs=[InputDefinition("orders", List[Order])])
def revenue_by_region(orders):
    revenue = Counter()
    for order in orders:
        revenue[order["region"]] += order["amount"]
    return dict(sorted(revenue.items()))


@composite_solid(
    input_defs=[InputDefinition("orders", List[Order])],
    config_schema={"min_amount": Float},
    config_fn=lambda cfg: {"keep_large": {"config": {"min_amount": cfg["min_amount"]}}},
)
def large_order_revenue(orders):
    return revenue_by_region(keep_large(orders))


@solid(
    required_resource_keys={"report_dir"},
    input_defs=[
        InputDefinition("revenue", dict),
        InputDefinition("completed", Int),
        InputDefinition("cancelled", Int),
    ],
    output_defs=[OutputDefinition(Nothing)],
)
def write_report(context, revenue, completed, cancelled):
    path = os.path.join(context.resources.report_dir, "orders.json")
    report = {"revenue": revenue, "completed": completed, "cancelled": cancelled}
    with open(path, "w") as handle:
        json.dump(report, handle, sort_keys=True)
    yield Materialization(
        label="orders_report",
        description="Revenue of large orders by region, and order counts.",
        metadata_entries=[EventMetadataEntry.path(path, "path")],
    )
    yield Output(None)


@solid(
    config_schema={"channel": String, "prefix": Field(String, default_value="[orders]")},
    input_defs=[InputDefinition("after", Nothing)],
    required_resource_keys={"report_dir"},
)
def announce(context):
    message = "{} report ready in {}".format(
        context.solid_config["prefix"], context.resources.report_dir
    )
    context.log.info("to {}: {}".format(context.solid_config["channel"], message))
    return message


announce_to_team = announce.configured({"channel": "#data"}, name="announce_to_team")


@pipeline(
    mode_defs=[
        ModeDefinition(
            name="local",
            resource_defs={"orders_csv": orders_csv, "report_dir": reports_under_root},
            logger_defs={"json": json_console},
        ),
        ModeDefinition(
            name="test",
            resource_defs={
                "orders_csv": ResourceDefinition.hardcoded_resource(ORDERS_CSV),
                "report_dir": report_dir,
            },
        ),
    ],
    preset_defs=[
        PresetDefinition(
            "local",
            run_config={
                "solids": {"large_order_revenue": {"config": {"min_amount": 100.0}}},
                "resources": {"report_dir": {"config": {"root": "."}}},
                "loggers": {"json": {"config": {"log_level": "INFO"}}},
            },
            mode="local",
        ),
    ],
)
def orders_pipeline():
    completed, cancelled = split_by_status(read_orders())
    report = write_report(
        large_order_revenue(completed),
        count_orders.alias("count_completed")(completed),
        count_orders.alias("count_cancelled")(cancelled),
    )
    announce_to_team(report)


@repository
def orders_repository():
    return [orders_pipeline]
