"""Dask expressions built in several threads at once, without Python 3.11's deadlock.

On Python < 3.12, ``functools.cached_property`` guards every property with one lock per
*class attribute*, shared by all instances. Dask's expression classes (``dask._expr.Expr``
and the DataFrame expressions) compute cached properties from other cached properties, so
two threads building or optimizing Dask DataFrame graphs at the same time can take those
locks in opposite orders and wait for each other for ever (reproduced: eight threads each
optimizing merges and group-bys hang within seconds). daskflow builds graphs in several
threads of one process: deferred Dask steps on the threaded scheduler, deferred steps that
secede on a worker, concurrent runs in one process (the daemon, the web UI).

Python 3.12 removed that lock (gh-87634: a property may then be computed twice by racing
threads, harmless for Dask's pure expression properties). ``release_expression_locks``
does the same for Dask's expression classes on older Pythons; it is called when a process
first runs a step of a run and before each Dask step is built (new classes can appear as
Dask imports modules lazily). On Python 3.12+ it does nothing.

>>> release_expression_locks() >= 0
True
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading

__all__ = ["release_expression_locks"]

_NO_LOCK = contextlib.nullcontext()
_DONE: set[type] = set()
_GUARD = threading.Lock()


def release_expression_locks() -> int:
    """Replace the class-wide locks of Dask expression classes' cached properties by no
    lock (once per class); returns how many were replaced by this call."""
    if sys.version_info >= (3, 12):
        return 0
    from dask._expr import Expr

    released = 0
    with _GUARD:
        todo: list[type] = [Expr]
        while todo:
            cls = todo.pop()
            todo.extend(cls.__subclasses__())
            if cls in _DONE:
                continue
            _DONE.add(cls)
            for attribute in vars(cls).values():
                if isinstance(attribute, functools.cached_property):
                    vars(attribute)["lock"] = _NO_LOCK
                    released += 1
    return released
