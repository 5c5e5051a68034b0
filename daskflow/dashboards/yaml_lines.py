"""Where in a YAML document a config path is: the launchpad marks each of daskflow's
path-named errors at its line.

A path that exists points at its key's line; a path whose last part is missing (a
required key left out) points at the deepest part that exists, i.e. the parent mapping's
key line (the document's first line for the root).

>>> text = "solids:\\n  add_sugar_per_cup:\\n    config:\\n      dely: 1\\n"
>>> line_of_path(text, ("solids", "add_sugar_per_cup", "config", "dely"))
4
>>> line_of_path(text, ("solids", "add_sugar_per_cup", "inputs", "cereals"))
2
>>> line_of_path("{}", ("solids",)), line_of_path(": bad", ("x",))
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["line_of_path"]


def _child(node: Node, part: str) -> tuple[Node, int] | None:
    """The value node under ``part`` and the line (1-based) its key or item starts on."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == part:
                return value, key.start_mark.line + 1
        return None
    if isinstance(node, SequenceNode) and part.isdigit() and int(part) < len(node.value):
        item = node.value[int(part)]
        return item, item.start_mark.line + 1
    return None


def line_of_path(text: str, path: Sequence[str]) -> int:
    """The 1-based line of ``path`` in ``text`` (see the module docstring)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return 1
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in path:
        found = _child(node, str(part))
        if found is None:
            break
        node, line = found
    return line
