"""Pipelines used by the distributed tests (importable by worker processes)."""

import os
import time

from daskflow import pipeline, solid


@solid
def make_numbers(_) -> list:
    return list(range(10))


@solid(config_schema={"pid_file": str, "seconds": float})
def slow_square(context, numbers: list) -> list:
    with open(context.solid_config["pid_file"], "a") as f:
        f.write(f"{os.getpid()}\n")
    context.log.info(f"squaring on process {os.getpid()}")
    time.sleep(context.solid_config["seconds"])
    return [n * n for n in numbers]


@solid
def total(context, numbers: list) -> int:
    context.log.info("summing")
    return sum(numbers)


@pipeline
def squares():
    total(slow_square(make_numbers()))
