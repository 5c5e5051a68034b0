"""Where a pipeline's code lives: a Python file or an importable module, the working
directory to run it from, and the pipeline's name. A launched run stores its origin, so
the process that executes it (``daskflow run launch RUN_ID``) loads the same code.

>>> origin = PipelineOrigin("python_file", "/src/cereal.py", "/src", "cereal")
>>> PipelineOrigin.from_dict(origin.to_dict()) == origin
True
>>> origin.describe()
'cereal from /src/cereal.py'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CodeLocation", "OriginKind", "PipelineOrigin"]

OriginKind = Literal["python_file", "python_module"]
_KINDS: tuple[OriginKind, ...] = ("python_file", "python_module")


@dataclass(frozen=True)
class CodeLocation:
    """A file (absolute path) or module name, loaded with ``working_directory`` as the
    current directory (and first on ``sys.path``), as ``python`` would."""

    kind: OriginKind
    target: str
    working_directory: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"code location kind must be one of {_KINDS}, got {self.kind!r}")

    @property
    def label(self) -> str:
        return self.target


@dataclass(frozen=True)
class PipelineOrigin:
    """One pipeline of a code location."""

    kind: OriginKind
    target: str
    working_directory: str
    pipeline_name: str

    @property
    def location(self) -> CodeLocation:
        return CodeLocation(self.kind, self.target, self.working_directory)

    def describe(self) -> str:
        return f"{self.pipeline_name} from {self.target}"

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "target": self.target,
            "working_directory": self.working_directory,
            "pipeline_name": self.pipeline_name,
        }

    @staticmethod
    def from_dict(values: Mapping[str, Any]) -> PipelineOrigin:
        kind = values.get("kind")
        if kind not in _KINDS:
            raise ValueError(f"stored origin has an unknown kind {kind!r}")
        return PipelineOrigin(
            kind,
            str(values["target"]),
            str(values["working_directory"]),
            str(values["pipeline_name"]),
        )
