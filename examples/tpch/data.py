"""Generate TPC-H tables as parquet with ``tpchgen-cli``, once per directory.

Layout written under ``out_dir`` (one directory per table, ``tpchgen-cli --parts``)::

    lineitem/lineitem.1.parquet ... lineitem/lineitem.<parts>.parquet
    orders/ customer/ part/ partsupp/ supplier/   (same, one file per part)
    nation/nation.1.parquet  region/region.1.parquet   (always a single file)
    _tpchgen.json            (marker: written last, says what was generated)

Column types as tpchgen-cli 4.0 writes them (Arrow schema stored in the files):

- keys: ``int64``; ``l_linenumber``, ``o_shippriority``, ``p_size``, ``ps_availqty``: ``int32``
- money, quantities, discounts, taxes: ``decimal128(15, 2)``
- dates (``l_shipdate``, ``l_commitdate``, ``l_receiptdate``, ``o_orderdate``): ``date32[day]``
- every text column: ``string_view`` (``dd.read_parquet`` gives pandas ``str``)
- all columns non-null; one row group per ~7 MiB, snappy compression.

``examples/tpch/tables.py`` turns decimals into float64 and dates into datetime64 on read.

Usage from the repository root::

    python -m examples.tpch.data --scale-factor 1 --out data/tpch-sf1
    python examples/tpch/data.py --scale-factor 0.1 --out data/tpch-sf0.1 --parts 2
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

TABLES = ("lineitem", "orders", "customer", "nation", "region", "supplier", "part", "partsupp")
MARKER = "_tpchgen.json"


def default_parts(scale_factor: float) -> int:
    """Files per table: 8 per scale factor (about 28 MB of lineitem parquet per file)."""
    return max(1, math.ceil(8 * scale_factor))


def tpchgen_executable() -> str:
    """The ``tpchgen-cli`` next to this Python (a venv's bin/) or else on PATH."""
    name = "tpchgen-cli.exe" if os.name == "nt" else "tpchgen-cli"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which("tpchgen-cli")
    if found is None:
        raise FileNotFoundError(
            "tpchgen-cli not found next to the Python executable or on PATH; "
            "install it with `pip install tpchgen-cli` (it is in daskflow's dev extra)"
        )
    return found


def is_complete(
    out_dir: str | os.PathLike, scale_factor: float, parts: int, tables: tuple[str, ...] = TABLES
) -> bool:
    """Whether ``out_dir`` holds a finished generation of these tables, scale factor and parts."""
    out = Path(out_dir)
    try:
        marker = json.loads((out / MARKER).read_text())
    except (OSError, ValueError):
        return False
    if marker.get("scale_factor") != scale_factor or marker.get("parts") != parts:
        return False
    if not set(tables) <= set(marker.get("tables", TABLES)):
        return False
    return all(any((out / table).glob("*.parquet")) for table in tables)


def generate(
    scale_factor: float,
    out_dir: str | os.PathLike,
    parts: int | None = None,
    tables: tuple[str, ...] = TABLES,
) -> Path:
    """Write TPC-H tables (all 8 by default) as parquet directories under ``out_dir``.

    Does nothing if ``out_dir`` already holds these tables at this scale factor and number
    of parts (per its marker file); otherwise removes the table directories and generates
    them again. A subset (``tables=("lineitem",)``) is for large scale factors where
    only Q1/Q6 are run.
    """
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown TPC-H tables {sorted(unknown)}; choose from {list(TABLES)}")
    scale_factor = float(scale_factor)
    parts = default_parts(scale_factor) if parts is None else int(parts)
    if parts < 1:
        raise ValueError(f"parts must be >= 1, got {parts}")
    out = Path(out_dir)
    if is_complete(out, scale_factor, parts, tables):
        return out
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    for table in TABLES:  # stale files of another run (other parts count, partial write)
        shutil.rmtree(out / table, ignore_errors=True)
    cmd = [
        tpchgen_executable(),
        "parquet",
        f"--scale-factor={scale_factor}",
        f"--parts={parts}",
        f"--output-dir={out}",
        "--tables=" + ",".join(tables),
        "--overwrite",
        "--quiet",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    _write_marker(out, {"scale_factor": scale_factor, "parts": parts, "tables": list(tables)})
    return out


def _write_marker(out: Path, content: dict) -> None:
    tmp = out / (MARKER + ".tmp")
    tmp.write_text(json.dumps(content, indent=2) + "\n")
    os.replace(tmp, out / MARKER)


def main(argv: list[str] | None = None) -> int:
    """``python -m examples.tpch.data --scale-factor SF --out DIR [--parts N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-factor", "-s", type=float, default=1.0)
    parser.add_argument("--out", "-o", required=True, help="output directory")
    parser.add_argument(
        "--parts",
        "-p",
        type=int,
        default=None,
        help="files per table (default: 8 per scale factor, at least 1)",
    )
    parser.add_argument(
        "--tables",
        "-t",
        default=",".join(TABLES),
        help="comma-separated tables to generate (default: all 8)",
    )
    args = parser.parse_args(argv)
    if args.parts is not None and args.parts < 1:
        parser.error(f"--parts must be >= 1, got {args.parts}")
    tables = tuple(t.strip() for t in args.tables.split(",") if t.strip())
    try:
        out = generate(args.scale_factor, args.out, args.parts, tables)
    except ValueError as err:
        parser.error(str(err))
    print(f"TPC-H scale factor {args.scale_factor:g} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
