"""The exceptions of instance storage."""

from __future__ import annotations

__all__ = ["DaskflowAmbiguousRunIdError", "DaskflowStorageError"]


class DaskflowStorageError(Exception):
    """Storage could not be opened or a storage operation failed (URLs are never shown)."""


class DaskflowAmbiguousRunIdError(DaskflowStorageError, LookupError):
    """A run id prefix matches more than one run; ``matches`` lists (some of) them."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        self.prefix = prefix
        self.matches = list(matches)
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        super().__init__(
            f'run id prefix "{prefix}" is ambiguous: it matches several runs ({shown}). '
            "Give more characters of the run id."
        )

    def __reduce__(self):
        return (type(self), (self.prefix, self.matches))
