"""Execution configs a benchmark runs on: parsing ``--cluster`` specs, starting and stopping them.

A spec is ``in_process``, ``threads`` or ``threads:N``, ``local:WxT`` (a ``LocalCluster`` of
W worker processes with T threads each) or ``address:tcp://host:port`` (a running scheduler;
a bare ``tcp://...`` works too). A ``LocalCluster`` is started once, before any timing, and
every repetition connects to it by address, so cluster start-up is never timed.

>>> parse_cluster("local:2x1")
ClusterSpec(label='local:2x1', kind='local', workers=2, threads=1, address=None)
>>> parse_cluster("threads:4").execution()
{'threads': {'max_workers': 4}}
>>> spec_from_execution({"dask": {"cluster": {"local": {"n_workers": 2,
...                                                      "threads_per_worker": 1}}}}).label
'local:2x1'
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import dask

from daskflow.errors import DaskflowError

__all__ = [
    "CLUSTER_HELP",
    "BenchClusterError",
    "ClusterSpec",
    "OpenCluster",
    "open_cluster",
    "parse_cluster",
    "spec_from_execution",
]

CLUSTER_HELP = (
    "in_process, threads, threads:N, local:WxT (a LocalCluster of W workers x T "
    "threads) or address:tcp://host:port"
)
_LOCAL = re.compile(r"^local:(\d+)x(\d+)$")


class BenchClusterError(DaskflowError, ValueError):
    """A cluster spec (or a run config's execution block) the benchmark cannot use."""


@dataclass(frozen=True)
class ClusterSpec:
    """One parsed ``--cluster`` value."""

    label: str
    kind: str  # in_process | threads | local | address
    workers: int | None = None
    threads: int | None = None  # threads: max_workers; local: threads per worker
    address: str | None = None

    @property
    def distributed(self) -> bool:
        return self.kind in ("local", "address")

    def execution(
        self, address: str | None = None, performance_report: bool = False
    ) -> dict[str, Any]:
        """The run config's ``execution:`` block (a distributed one connects to ``address``)."""
        if self.kind == "in_process":
            return {"in_process": {}}
        if self.kind == "threads":
            return {"threads": {"max_workers": self.threads} if self.threads else {}}
        dask_config: dict[str, Any] = {"cluster": {"address": address or self.address}}
        if performance_report:
            dask_config["performance_report"] = True
        return {"dask": dask_config}


def parse_cluster(spec: str) -> ClusterSpec:
    """Parse a ``--cluster`` value; ``BenchClusterError`` says what is expected."""
    text = spec.strip()
    if text == "in_process":
        return ClusterSpec(text, "in_process", threads=1)
    if text == "threads":
        return ClusterSpec(text, "threads")
    if text.startswith("threads:"):
        count = text.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise BenchClusterError(
                f'bad cluster "{spec}": N must be a positive integer; expected {CLUSTER_HELP}'
            )
        return ClusterSpec(text, "threads", threads=int(count))
    match = _LOCAL.match(text)
    if match:
        workers, threads = int(match[1]), int(match[2])
        if workers < 1 or threads < 1:
            raise BenchClusterError(
                f'bad cluster "{spec}": W and T must be >= 1; expected {CLUSTER_HELP}'
            )
        return ClusterSpec(text, "local", workers=workers, threads=threads)
    address = text.removeprefix("address:")
    if "://" in address:
        return ClusterSpec(text, "address", address=address)
    raise BenchClusterError(f'unknown cluster "{spec}": expected {CLUSTER_HELP}')


def spec_from_execution(execution: Mapping[str, Any] | None) -> ClusterSpec:
    """The spec matching a run config's ``execution:`` block (threads when there is none)."""
    if not execution:
        return parse_cluster("threads")
    kind, config = next(iter(execution.items()))
    config = config or {}
    if kind == "in_process":
        return parse_cluster("in_process")
    if kind == "threads":
        workers = config.get("max_workers")
        return parse_cluster(f"threads:{workers}" if workers else "threads")
    cluster = config.get("cluster") or {}
    if "local" in cluster:
        local = cluster["local"] or {}
        return parse_cluster(
            f"local:{local.get('n_workers', 1)}x{local.get('threads_per_worker', 1)}"
        )
    if "address" in cluster:
        return parse_cluster(f"address:{cluster['address']}")
    raise BenchClusterError(
        "the run config's execution block starts a cluster class; give "
        f"--cluster ({CLUSTER_HELP}) instead"
    )


@dataclass
class OpenCluster:
    """A started (or connected) execution config; ``client`` is None off distributed."""

    spec: ClusterSpec
    client: Any = None
    parallelism: int = 1

    @property
    def label(self) -> str:
        return self.spec.label

    def execution(self, performance_report: bool = False) -> dict[str, Any]:
        address = self.client.scheduler.address if self.client is not None else None
        return self.spec.execution(address, performance_report)

    def workers(self) -> list[str]:
        if self.client is None:
            return []
        return sorted(self.client.scheduler_info(n_workers=-1)["workers"])

    @contextlib.contextmanager
    def as_default_scheduler(self) -> Iterator[None]:
        """Make plain Dask ``compute()`` calls (a baseline's) use this config's scheduler."""
        if self.client is not None:
            with self.client.as_current(), dask.config.set(scheduler="dask.distributed"):
                yield
            return
        if self.spec.kind == "in_process":
            with dask.config.set(scheduler="sync"):
                yield
            return
        with dask.config.set(scheduler="threads", num_workers=self.parallelism):
            yield


@contextlib.contextmanager
def open_cluster(spec: ClusterSpec) -> Iterator[OpenCluster]:
    """Start a ``local:WxT`` cluster or connect to an address; close what was started."""
    if spec.kind == "in_process":
        yield OpenCluster(spec, None, 1)
        return
    if spec.kind == "threads":
        yield OpenCluster(spec, None, spec.threads or os.cpu_count() or 1)
        return
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if spec.kind == "local":
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=spec.workers,
                    threads_per_worker=spec.threads,
                    processes=True,
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster, set_as_default=False))
        else:
            client = stack.enter_context(Client(spec.address, set_as_default=False))
        nthreads = client.nthreads()
        yield OpenCluster(spec, client, sum(nthreads.values()) or 1)
