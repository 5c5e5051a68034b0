"""``@repository``: a named collection of pipelines that tools (CLI, UI) load by name.

>>> from daskflow.definitions.pipeline import PipelineDefinition
>>> repo = RepositoryDefinition("demo", [])
>>> repo.pipeline_names
[]
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from daskflow.definitions.names import check_valid_name
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["RepositoryDefinition", "repository"]


class RepositoryDefinition:
    """Pipelines by name (schedules join them in a later version)."""

    def __init__(
        self, name: str, pipelines: Sequence[PipelineDefinition], description: str | None = None
    ):
        self.name = check_valid_name(name, "repository")
        self.description = description
        self._pipelines: dict[str, PipelineDefinition] = {}
        for p in pipelines:
            if not isinstance(p, PipelineDefinition):
                raise DaskflowInvalidDefinitionError(
                    f'repository "{name}" holds pipelines only, got {p!r:.60}'
                )
            if p.name in self._pipelines:
                raise DaskflowInvalidDefinitionError(
                    f'repository "{name}" has two pipelines named "{p.name}"'
                )
            self._pipelines[p.name] = p

    @property
    def pipeline_names(self) -> list[str]:
        return sorted(self._pipelines)

    def get_all_pipelines(self) -> list[PipelineDefinition]:
        return [self._pipelines[n] for n in self.pipeline_names]

    def get_pipeline(self, name: str) -> PipelineDefinition:
        if name not in self._pipelines:
            raise DaskflowInvalidDefinitionError(
                f'repository "{self.name}" has no pipeline "{name}"; pipelines: '
                f"{', '.join(self.pipeline_names) or 'none'}"
            )
        return self._pipelines[name]

    def has_pipeline(self, name: str) -> bool:
        return name in self._pipelines


def repository(
    fn: Callable[[], Any] | None = None, *, name: str | None = None, description: str | None = None
) -> Any:
    """``@repository`` over a function returning a list (or ``{"pipelines": {...}}``)."""

    def decorate(body: Callable[[], Any]) -> RepositoryDefinition:
        returned = body()
        if isinstance(returned, Mapping):
            pipelines = list((returned.get("pipelines") or {}).values())
        else:
            pipelines = list(returned or [])
        return RepositoryDefinition(
            name or body.__name__, pipelines, description or inspect.getdoc(body)
        )

    return decorate(fn) if fn is not None else decorate
