"""TPC-H Q1, Q3, Q5, Q6, Q10 and Q18 as daskflow pipelines of Dask DataFrame solids.

One module per query (``q1.py`` ...), each with its pipeline, its solids and
``run_config(data_dir, execution=None, store=None)``; ``common.py`` holds the column rules,
the run-config builder and the two modes (``default``: parquet intermediates,
``in_memory``: nothing written). :data:`PIPELINES` indexes them by query number.

>>> sorted(PIPELINES)
[1, 3, 5, 6, 10, 18]
>>> PIPELINES[1].answer_solid, PIPELINES[1].persisted_solids()
('pricing_summary_report', ['filter_shipped', 'price_lineitems'])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from daskflow import PipelineDefinition

from . import q1, q3, q5, q6, q10, q18

__all__ = ["PIPELINES", "QueryPipeline"]


@dataclass(frozen=True)
class QueryPipeline:
    """A query's pipeline, its run-config builder and the solid whose output is the answer."""

    query: int
    pipeline: PipelineDefinition
    run_config: Callable[..., dict[str, Any]]
    answer_solid: str

    def config(
        self,
        data_dir: str | os.PathLike,
        execution: Mapping[str, Any] | None = None,
        store: str | os.PathLike | None = None,
    ) -> dict[str, Any]:
        """The run config reading ``data_dir`` (``store``: the fs_io_manager's base_dir)."""
        return self.run_config(data_dir, execution, store)

    def persisted_solids(self) -> list[str]:
        """Solids with a Dask DataFrame output: written as parquet parts by fs_io_manager."""
        return [
            node.name
            for node in self.pipeline.solids
            if any(getattr(o.daskflow_type, "is_dask", False) for o in node.definition.output_defs)
        ]


def _entry(query: int, module: Any, pipeline: PipelineDefinition, answer: str) -> QueryPipeline:
    return QueryPipeline(query, pipeline, module.run_config, answer)


PIPELINES: dict[int, QueryPipeline] = {
    1: _entry(1, q1, q1.tpch_q1_pricing_summary, "pricing_summary_report"),
    3: _entry(3, q3, q3.tpch_q3_shipping_priority, "shipping_priority_report"),
    5: _entry(5, q5, q5.tpch_q5_local_supplier_volume, "local_supplier_volume_report"),
    6: _entry(6, q6, q6.tpch_q6_forecast_revenue, "revenue_change_report"),
    10: _entry(10, q10, q10.tpch_q10_returned_items, "returned_item_report"),
    18: _entry(18, q18, q18.tpch_q18_large_volume_customer, "large_volume_customer_report"),
}
