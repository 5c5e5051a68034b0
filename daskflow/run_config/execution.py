"""The ``execution:`` and ``loggers:`` blocks of every run config.

``execution`` picks the Dask scheduler: ``in_process`` (synchronous, for debugging),
``threads`` (the default) or ``dask`` (a distributed cluster: a new local one, an existing
scheduler by address, or any cluster manager class by dotted name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from daskflow.config import Enum, EnumValue, Field, Noneable, Permissive, Selector, StringSource
from daskflow.errors import ConfigError

__all__ = ["DEFAULT_EXECUTION", "EXECUTION_SCHEMA", "LOGGERS_SCHEMA", "execution_problems"]

DEFAULT_EXECUTION: dict[str, Any] = {"threads": {}}

_LOCAL_CLUSTER = {
    "n_workers": Field(int, default_value=2, description="Worker processes to start."),
    "threads_per_worker": Field(int, default_value=1, description="Threads in each worker."),
    "memory_limit": Field(
        StringSource,
        default_value="auto",
        description='Memory limit per worker, e.g. "4GiB" or "auto".',
    ),
    "dashboard_address": Field(
        str,
        default_value="127.0.0.1:0",
        description="Where the Dask dashboard listens (port 0: any).",
    ),
    "processes": Field(
        bool,
        default_value=True,
        description="Workers as processes (True) or threads of this process.",
    ),
}

_CLUSTER_FIELDS = {
    "local": Field(
        _LOCAL_CLUSTER,
        is_required=False,
        description="Start a distributed.LocalCluster for the run.",
    ),
    "address": Field(
        StringSource,
        is_required=False,
        description='Connect to a running scheduler, e.g. "tcp://127.0.0.1:8786".',
    ),
    "class": Field(
        str,
        is_required=False,
        description='Dotted name of a cluster manager class, e.g. "dask_jobqueue.SLURMCluster".',
    ),
    "kwargs": Field(
        Permissive(), is_required=False, description="Keyword arguments for the cluster class."
    ),
}

EXECUTION_SCHEMA = Selector(
    {
        "in_process": Field(
            {}, is_required=False, description="Dask's synchronous scheduler in this process."
        ),
        "threads": Field(
            {
                "max_workers": Field(
                    Noneable(int),
                    default_value=None,
                    description="Thread pool size (default: one per core).",
                )
            },
            is_required=False,
            description="Dask's threaded scheduler in this process.",
        ),
        "dask": Field(
            {
                "cluster": Field(
                    Permissive(_CLUSTER_FIELDS),
                    default_value={"local": {}},
                    description="One of local, address, or class (+ kwargs).",
                ),
                "performance_report": Field(
                    bool, default_value=False, description="Save Dask's HTML performance report."
                ),
            },
            is_required=False,
            description="A dask.distributed cluster.",
        ),
    },
    description="Which Dask scheduler runs the pipeline's graph.",
)

LOGGERS_SCHEMA = {
    "console": Field(
        {
            "log_level": Field(
                Enum(
                    "LogLevel",
                    [EnumValue(v) for v in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")],
                ),
                default_value="INFO",
                description="Lowest level printed.",
            )
        },
        is_required=False,
        description="Print log events to the terminal.",
    ),
}


_CLUSTER_PATH = ("execution", "dask", "cluster")


def execution_problems(raw_execution: Any, execution: dict[str, Any]) -> list[ConfigError]:
    """Rules the schema cannot say: a cluster is exactly one of local/address/class.

    Checked on what the user wrote (``raw_execution``), since defaults fill in ``local``;
    ``execution`` (the validated value) is trimmed to the chosen kind of cluster.
    """
    raw_dask = raw_execution.get("dask") if isinstance(raw_execution, Mapping) else None
    cluster = raw_dask.get("cluster") if isinstance(raw_dask, Mapping) else None
    if not isinstance(cluster, Mapping):
        return []
    chosen = [k for k in ("local", "address", "class") if k in cluster]
    problems = _cluster_problems(cluster, chosen)
    if not problems:
        validated = execution["dask"]["cluster"]
        keep = {chosen[0], "kwargs"}
        execution["dask"]["cluster"] = {k: v for k, v in validated.items() if k in keep}
    return problems


def _cluster_problems(cluster: Mapping[str, Any], chosen: list[str]) -> list[ConfigError]:
    problems = [
        ConfigError(
            (*_CLUSTER_PATH, key),
            f'unknown key "{key}". Allowed keys here: local, address, class, kwargs.',
            expected="local, address or class",
            received=key,
        )
        for key in sorted(set(cluster) - set(_CLUSTER_FIELDS))
    ]
    if len(chosen) != 1:
        got = ", ".join(chosen) or "none"
        problems.append(
            ConfigError(
                _CLUSTER_PATH,
                f"choose exactly one of: local, address, class; got: {got}.",
                expected="one of local, address, class",
                received=got,
                hint="For example:\ncluster:\n  local:\n    n_workers: 2",
            )
        )
    if "kwargs" in cluster and "class" not in cluster:
        problems.append(
            ConfigError(
                (*_CLUSTER_PATH, "kwargs"),
                "kwargs only go with class.",
                expected="class",
                received="kwargs without class",
            )
        )
    return problems
