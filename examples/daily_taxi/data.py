"""Synthetic taxi trips, one parquet file per day: ``<out>/YYYY-MM-DD.parquet``.

    python -m examples.daily_taxi.data --out data/taxi --from 2026-01-01 --to 2026-01-31

Each day's rows come from a generator seeded by the date, so a day is the same file
whenever it is generated.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_day", "write_days"]


def write_day(out: str | Path, day: date, rows: int = 2000) -> Path:
    """Write the trips of ``day``; returns the file."""
    rng = np.random.default_rng(int(day.strftime("%Y%m%d")))
    start = pd.Timestamp(day)
    seconds = np.sort(rng.integers(0, 86_400, rows))
    distance = np.round(rng.gamma(2.0, 1.6, rows), 2)
    trips = pd.DataFrame(
        {
            "pickup_time": start + pd.to_timedelta(seconds, unit="s"),
            "distance_km": distance,
            "fare": np.round(3.0 + distance * 1.9 + rng.normal(0, 0.8, rows).clip(-2, 2), 2),
            "passengers": rng.integers(1, 5, rows),
        }
    )
    path = Path(out) / f"{day:%Y-%m-%d}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    trips.to_parquet(path, index=False)
    return path


def write_days(out: str | Path, first: date, last: date, rows: int = 2000) -> list[Path]:
    """Write every day from ``first`` to ``last`` included."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [write_day(out, day, rows) for day in days]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/taxi")
    parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", help="YYYY-MM-DD (default: --from)")
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    first = datetime.strptime(args.first, "%Y-%m-%d").date()
    last = datetime.strptime(args.last, "%Y-%m-%d").date() if args.last else first
    written = write_days(args.out, first, last, args.rows)
    print(f"wrote {len(written)} days to {args.out}")


if __name__ == "__main__":
    main()
