"""The cereal tutorial from the talk daskflow grew from: the top quartile of cereals by sugar.

Run it with ``make run`` (from the repo root: the ``local`` preset on a local Dask cluster),
or ``daskflow pipeline execute -f cereal.py
-c cereal.yaml --mode local``. The ``test`` mode keeps frames in memory (``fake_datalake``);
``local`` writes parquet under ``resources.datalake.config.root_dir``.
"""

import os

from daskflow import (
    AssetMaterialization,
    EventMetadataEntry,
    Field,
    ModeDefinition,
    Output,
    PresetDefinition,
    pipeline,
    repository,
    resource,
    solid,
)
from daskflow.types import DataFrame

HERE = os.path.dirname(os.path.abspath(__file__))


class FakePandasDatalake:
    def __init__(self):
        self.dfs = {}

    def save(self, key, df):
        self.dfs[key] = df


class TempDirPandasDatalake:
    def __init__(self, root_dir):
        self.root_dir = root_dir

    def save(self, key, df):
        os.makedirs(self.root_dir, exist_ok=True)
        df.to_parquet(os.path.join(self.root_dir, key))


@resource
def fake_datalake(_):
    return FakePandasDatalake()


@resource(config_schema={"root_dir": str})
def tempdir_datalake(init_context):
    return TempDirPandasDatalake(init_context.resource_config["root_dir"])


@solid(
    description="Augments dataframe with a `sugar_per_cup` column.",
    config_schema={
        "delay": Field(
            float,
            default_value=1.0,
            is_required=False,
            description="Number of seconds of computation to simulate",
        )
    },
)
def add_sugar_per_cup(context, cereals: DataFrame) -> DataFrame:
    context.log.info("Simulating computation for {} seconds!".format(context.solid_config["delay"]))
    df = cereals[["name"]].copy()
    df["sugar_per_cup"] = cereals["sugars"] / cereals["cups"]
    return df


@solid
def compute_cutoff(_, cereals: DataFrame) -> float:
    return cereals["sugar_per_cup"].quantile(0.75)


@solid
def filter_below_cutoff(_, cereals: DataFrame, cutoff: float) -> DataFrame:
    return cereals[cereals["sugar_per_cup"] > cutoff]


@solid(required_resource_keys={"datalake"})
def save_to_datalake(context, cereals: DataFrame):
    context.resources.datalake.save("cereals", cereals)
    yield AssetMaterialization(
        asset_key="local_datalake.cereals",
        metadata_entries=[EventMetadataEntry.text("saved", label="status")],
    )
    yield Output(None)


@pipeline(
    mode_defs=[
        ModeDefinition("test", resource_defs={"datalake": fake_datalake}),
        ModeDefinition("local", resource_defs={"datalake": tempdir_datalake}),
    ],
    preset_defs=[
        PresetDefinition.from_files(
            "local",
            [os.path.join(HERE, "cereal.yaml"), os.path.join(HERE, "local_cluster.yaml")],
            mode="local",
        ),
        PresetDefinition.from_files(
            "test",
            [os.path.join(HERE, "cereal.yaml"), os.path.join(HERE, "in_process.yaml")],
            mode="test",
        ),
    ],
)
def compute_top_quartile_pipeline():
    with_per_cup = add_sugar_per_cup()
    save_to_datalake(filter_below_cutoff(cereals=with_per_cup, cutoff=compute_cutoff(with_per_cup)))


@repository
def cereal_repository():
    return [compute_top_quartile_pipeline]
