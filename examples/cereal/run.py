"""`make run`: show the cereal pipeline and validate its run config (``cereal.yaml``)."""

import os
import sys

import yaml

from daskflow import DaskflowConfigError, describe_pipeline, resolve_run_config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cereal import compute_top_quartile_pipeline  # noqa: E402


def main() -> None:
    print(describe_pipeline(compute_top_quartile_pipeline))
    os.chdir(HERE)  # the run config's paths are relative to this folder
    with open("cereal.yaml") as f:
        run_config = yaml.safe_load(f)
    try:
        resolved = resolve_run_config(compute_top_quartile_pipeline, run_config, mode="local")
    except DaskflowConfigError as exc:
        print(exc)
        sys.exit(2)
    print(f"\nRun config cereal.yaml is valid for mode {resolved.mode!r}; "
          f"execution: {resolved.execution}")


if __name__ == "__main__":
    main()
