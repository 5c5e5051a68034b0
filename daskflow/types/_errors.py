"""Errors raised by daskflow types: a failing check function or a failing loader.

Both survive pickling (Dask ships exceptions from workers back to the client),
so they rebuild themselves from their constructor arguments.

>>> err = DaskflowTypeCheckError("Int", ZeroDivisionError("division by zero"))
>>> str(err)
'Type check function of type "Int" raised ZeroDivisionError: division by zero'
>>> err.type_name, type(err.original).__name__
('Int', 'ZeroDivisionError')
"""

from __future__ import annotations

__all__ = ["DaskflowTypeCheckError", "DaskflowTypeLoadError"]


class DaskflowTypeCheckError(Exception):
    """A type check function raised, or broke its contract (not returning bool/TypeCheck).

    A raising check is a bug in user code, never a silent success or failure: the
    engine reports it as an error of the step. ``original`` is the exception the
    check raised (also chained as ``__cause__`` by ``DaskflowType.type_check``).
    """

    def __init__(self, type_name: str, original: BaseException) -> None:
        self.type_name = type_name
        self.original = original
        super().__init__(
            f'Type check function of type "{type_name}" raised '
            f"{type(original).__name__}: {original}"
        )

    def __reduce__(self):
        return (type(self), (self.type_name, self.original))


class DaskflowTypeLoadError(Exception):
    """A type's loader could not produce a value from run config (e.g. a missing file).

    >>> str(DaskflowTypeLoadError("no such file", config_key="csv.path", path="a.csv"))
    'no such file'
    """

    def __init__(
        self, message: str, config_key: str | None = None, path: str | None = None
    ) -> None:
        self.message = message
        self.config_key = config_key
        self.path = path
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.message, self.config_key, self.path))
