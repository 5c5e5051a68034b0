"""``overhead.py``'s results as rows (medians and ratios per shape and variant) and as
the markdown table written to benchmarks/README.md."""

from __future__ import annotations

import statistics
from typing import Any

from overhead_shapes import Shape

TARGETS = {"threads": 2.0, "cluster": 1.5}  # max daskflow / raw dask, per step
VARIANTS = ("raw", "raw-files", "daskflow-mem", "daskflow-fs")


def _median(values: list[float]) -> float:
    return statistics.median(values)


def summarise(
    scheduler: str, shapes: list[Shape], runs: dict[tuple[str, str], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    rows = []
    for shape in shapes:
        raw_walls = [r["wall"] for r in runs[(shape.name, "raw")]]
        raw_computes = [r["phases"]["compute"] for r in runs[(shape.name, "raw")]]
        for variant in VARIANTS:
            reps = runs[(shape.name, variant)]
            walls = [r["wall"] for r in reps]
            ratios = [w / r for w, r in zip(walls, raw_walls, strict=True)]
            compute_ratios = [w / r for w, r in zip(walls, raw_computes, strict=True)]
            extra = [(w - r) / shape.steps * 1000 for w, r in zip(walls, raw_walls, strict=True)]
            row: dict[str, Any] = {
                "shape": shape.name,
                "steps": shape.steps,
                "scheduler": scheduler,
                "variant": variant,
                "walls_s": walls,
                "wall_median_s": _median(walls),
                "wall_min_s": min(walls),
                "ms_per_step_median": _median(walls) / shape.steps * 1000,
                "ms_per_step_min": min(walls) / shape.steps * 1000,
                "ratios_vs_raw": ratios,
                "ratio_median": _median(ratios),
                "ratio_min": min(ratios),
                "ratios_vs_raw_compute_only": compute_ratios,
                "ratio_compute_only_median": _median(compute_ratios),
                "extra_ms_per_step_median": _median(extra),
                "target_ratio": None if variant.startswith("raw") else TARGETS[scheduler],
            }
            if variant == "daskflow-fs":  # against the same files written by raw dask
                files = [r["wall"] for r in runs[(shape.name, "raw-files")]]
                row["ratio_vs_raw_files_median"] = _median(
                    [w / f for w, f in zip(walls, files, strict=True)]
                )
            if variant == "raw":
                row["phases_median_s"] = {
                    k: _median([r["phases"][k] for r in reps]) for k in ("build", "compute")
                }
            elif variant != "raw-files":
                row["meets_target"] = row["ratio_median"] <= TARGETS[scheduler]
                row["meets_target_vs_compute_only"] = (
                    row["ratio_compute_only_median"] <= TARGETS[scheduler]
                )
                row["events_per_step"] = reps[0]["step_events"] / shape.steps
                row["store_ms_per_step_median"] = (
                    _median([r["store_seconds"] for r in reps]) / shape.steps * 1000
                )
                row["step_body_ms_per_step_median"] = (
                    _median([r["step_body_seconds"] for r in reps]) / shape.steps * 1000
                )
                if all("phases" in r for r in reps):
                    row["phases_median_s"] = {
                        k: _median([r["phases"][k] for r in reps]) for k in reps[0]["phases"]
                    }
            rows.append(row)
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| shape | steps | scheduler | variant | wall median (s) | wall min (s) | "
        "ms/step | x raw (median, min) | x raw compute only | target | extra ms/step | "
        "phases (ms) | events/step | SQLite ms/step | in-step ms/step | x raw-files |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in rows:
        files = f"{r['ratio_vs_raw_files_median']:.2f}" if "ratio_vs_raw_files_median" in r else ""
        if r["variant"] == "raw":
            ratio, target, extra, events, store, body = "1", "", "", "", "", ""
            compute_only = f"{r['phases_median_s']['compute'] / r['wall_median_s']:.2f}"
            p = r["phases_median_s"]
            phases = f"build {p['build'] * 1000:.0f} / compute {p['compute'] * 1000:.0f}"
        elif r["variant"] == "raw-files":
            ratio = f"{r['ratio_median']:.2f}, {r['ratio_min']:.2f}"
            compute_only = f"{r['ratio_compute_only_median']:.2f}"
            target, extra, phases, events, store, body = "", "", "", "", "", ""
        else:
            ratio = f"{r['ratio_median']:.2f}, {r['ratio_min']:.2f}"
            compute_only = f"{r['ratio_compute_only_median']:.2f}"
            verdict = "met" if r["meets_target"] else "**missed**"
            strict = "met" if r["meets_target_vs_compute_only"] else "**missed**"
            target = f"<= {r['target_ratio']:g}: {verdict} ({strict} vs compute only)"
            extra = f"{r['extra_ms_per_step_median']:.2f}"
            p = r.get("phases_median_s")
            phases = (
                "prepare {:.0f} / compile {:.0f} / connect {:.0f} / run {:.0f}".format(
                    *(p[k] * 1000 for k in ("prepare", "compile", "connect", "run"))
                )
                if p
                else ""
            )
            events = f"{r['events_per_step']:.1f}"
            store = f"{r['store_ms_per_step_median']:.3f}"
            body = f"{r['step_body_ms_per_step_median']:.3f}"
        lines.append(
            f"| {r['shape']} | {r['steps']} | {r['scheduler']} | {r['variant']} | "
            f"{r['wall_median_s']:.3f} | {r['wall_min_s']:.3f} | "
            f"{r['ms_per_step_median']:.3f} | {ratio} | {compute_only} | {target} | "
            f"{extra} | {phases} | {events} | {store} | {body} | {files} |"
        )
    return "\n".join(lines)


# -- components: what one event costs, outside a run -------------------------------------
