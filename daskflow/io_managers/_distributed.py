"""``check_usable_on_distributed``: can this IO manager serve a multi-process cluster?

The engine calls it before submitting a run to a distributed cluster, to reject a
configuration whose outputs workers could not share (``memory://`` directories;
research pitfall 10) with a clear message instead of failing mid-run. ``mem_io_manager``
is fine: the engine hands its values from task to task through Dask's own memory.

>>> from daskflow.io_managers._mem import mem_io_manager
>>> print(check_usable_on_distributed(mem_io_manager))
None
>>> from daskflow.io_managers._fs import fs_io_manager
>>> check_usable_on_distributed(fs_io_manager, {"base_dir": "s3://bucket/runs"}) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from daskflow.io_managers._base import IOManager
from daskflow.io_managers._fs import fs_io_manager
from daskflow.io_managers._fs_base import is_process_local_url, memory_url_problem
from daskflow.io_managers._mem import mem_io_manager
from daskflow.resources import ResourceDefinition

__all__ = ["check_usable_on_distributed"]


def check_usable_on_distributed(
    io_manager: IOManager | ResourceDefinition,
    resource_config: Mapping[str, Any] | None = None,
    storage_dir: str | None = None,
) -> str | None:
    """An explanation if ``io_manager`` can't serve a multi-process cluster, else None.

    ``io_manager`` is a built ``IOManager`` or an ``IOManagerDefinition``; for definitions
    pass the resource's config (its ``config`` value or the whole run-config block
    ``{"config": {...}}``) and the instance ``storage_dir`` the base directory defaults to.
    A built manager answers with its ``distributed_problem()``, unless it keeps its values
    in the graph; other definitions are assumed usable.
    """
    if io_manager is mem_io_manager:
        return None
    if io_manager is fs_io_manager:
        config = resource_config or {}
        if "base_dir" not in config and isinstance(config.get("config"), Mapping):
            config = config["config"]
        base_dir = config.get("base_dir") or storage_dir
        if base_dir and is_process_local_url(base_dir):
            return memory_url_problem(base_dir)
        return None
    if isinstance(io_manager, IOManager) and not io_manager.keeps_values_in_graph:
        return io_manager.distributed_problem()
    return None
