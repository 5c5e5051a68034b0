"""Per-step facts from a run's events: rows, bytes, and time in type checks, writes and reads.

- Dask DataFrame solids: their ``STEP_SUCCESS`` carries ``partitions``, ``check_seconds`` and
  ``write_seconds`` summed over the partition tasks; their input checks run on the
  coordinator while the graph is built, so they are not task time and are left out.
- Eager solids: ``STEP_INPUT``/``STEP_OUTPUT`` carry ``check_seconds``, ``HANDLED_OUTPUT``
  ``write_seconds`` and ``LOADED_INPUT`` ``load_seconds`` (absent from older runs: then 0).
- ``STEP_SUCCESS`` also names the in-memory upstream steps fused into the step's tasks
  (``fused_from``), so their time can be attributed to the step that ran it.
- Rows are the type checks' ``row_count`` metadata of each output; bytes written are the IO
  managers' ``bytes`` metadata; bytes read are the written sizes of the stored upstream
  outputs a step consumes (an upper bound: column projection may read less).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from daskflow.bench._model import StepStats
from daskflow.events import EventRecord

__all__ = ["step_stats"]


def _metadata(data: Mapping[str, Any], label: str) -> Any:
    for entry in data.get("metadata_entries") or ():
        if entry.get("label") == label:
            return entry.get("value")
    return None


def _row_count(data: Mapping[str, Any]) -> int | None:
    value = _metadata(data.get("type_check") or {}, "row_count")
    return int(value) if isinstance(value, int | float) else None


def step_stats(
    events: Iterable[EventRecord],
    inputs: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, StepStats]:
    """Stats per step key; ``inputs`` maps a step to the ``"solid.output"`` refs it reads."""
    stats: dict[str, StepStats] = {}
    input_checks: dict[str, float] = {}
    written: dict[str, int] = {}
    for event in events:
        if event.step_key is None:
            continue
        stat = stats.setdefault(event.step_key, StepStats())
        kind, data = event.event_type, event.data or {}
        if kind == "STEP_INPUT":
            input_checks[event.step_key] = input_checks.get(event.step_key, 0.0) + float(
                data.get("check_seconds") or 0.0
            )
        elif kind == "STEP_OUTPUT":
            _add_output(stat, data)
        elif kind == "HANDLED_OUTPUT":
            nbytes = int(_metadata(data, "bytes") or 0)
            stat.bytes_written += nbytes
            stat.write_seconds += float(data.get("write_seconds") or 0.0)
            ref = f"{event.step_key}.{data.get('output_name', 'result')}"
            written[ref] = written.get(ref, 0) + nbytes
        elif kind == "LOADED_INPUT":
            stat.load_seconds += float(data.get("load_seconds") or 0.0)
        elif kind == "STEP_SUCCESS":
            _add_success(stat, data)
    for step_key, seconds in input_checks.items():
        if not stats[step_key].lazy:  # a Dask solid checks its inputs on the coordinator
            stats[step_key].check_seconds += seconds
    for step_key, refs in (inputs or {}).items():
        if step_key in stats:
            stats[step_key].bytes_read = sum(written.get(ref, 0) for ref in refs)
    return stats


def _add_success(stat: StepStats, data: Mapping[str, Any]) -> None:
    stat.fused_from = [str(name) for name in data.get("fused_from") or ()]
    if "partitions" in data:  # a Dask DataFrame solid's commit
        stat.lazy = True
        stat.partitions += int(data.get("partitions") or 0)
        if not data.get("built_in_task"):  # a deferred step's build is its own task's time
            stat.build_seconds += float(data.get("build_seconds") or 0.0)
        stat.check_seconds += float(data.get("check_seconds") or 0.0)
        stat.write_seconds += float(data.get("write_seconds") or 0.0)


def _add_output(stat: StepStats, data: Mapping[str, Any]) -> None:
    stat.check_seconds += float(data.get("check_seconds") or 0.0)
    rows = _row_count(data)
    if rows is not None:
        stat.rows = (stat.rows or 0) + rows
