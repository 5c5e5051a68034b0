"""How an explicitly built composite's inputs and outputs meet its inner solids (Dagster 0.9).

``InputDefinition(...).mapping_to(solid, input)`` makes an ``InputMapping``,
``OutputDefinition(...).mapping_from(solid, output)`` an ``OutputMapping``; both are given
to ``CompositeSolidDefinition(name, solid_defs, input_mappings, output_mappings, ...)``.
``OutputDefinition(...).mapping_from_input(input)`` (daskflow's) passes a composite input
straight through to an output.

>>> from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
>>> InputDefinition("num").mapping_to("adder_1", "num")
InputMapping(input 'num' -> adder_1.num)
>>> OutputDefinition(name="total").mapping_from("adder_2")
OutputMapping(output 'total' <- adder_2.result)
>>> OutputDefinition(name="same").mapping_from_input("num")
OutputMapping(output 'same' <- input 'num')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daskflow.definitions.io_defs import InputDefinition, OutputDefinition

__all__ = ["InputMapping", "OutputMapping"]


@dataclass(frozen=True)
class InputMapping:
    """The composite input ``definition`` feeds input ``input_name`` of the inner solid
    ``solid_name`` (its name in the composite: the alias, if it has one)."""

    definition: InputDefinition
    solid_name: str
    input_name: str

    def __repr__(self) -> str:
        target = f"{self.solid_name}.{self.input_name}"
        return f"InputMapping(input {self.definition.name!r} -> {target})"


@dataclass(frozen=True)
class OutputMapping:
    """The composite output ``definition`` is output ``output_name`` of the inner solid
    ``solid_name``, or, when ``input_name`` is set, the composite's input of that name."""

    definition: OutputDefinition
    solid_name: str | None = None
    output_name: str = "result"
    input_name: str | None = None

    @property
    def source(self) -> str:
        if self.input_name is not None:
            return f"input {self.input_name!r}"
        return f"{self.solid_name}.{self.output_name}"

    def __repr__(self) -> str:
        return f"OutputMapping(output {self.definition.name!r} <- {self.source})"
