"""Finds the fenced code blocks of a Markdown file and the ``<!-- docs: ... -->`` marker
written right before each (only blank lines may stand between the marker and the fence).

Markers, one per comment, several comments allowed:

- ``<!-- docs: not run: REASON -->``: the block is not run; the test run lists it as skipped
  with the reason.
- ``<!-- docs: file: PATH -->``: the block's text is also written to PATH (relative to the
  file's working directory) before the blocks after it run, e.g. a run config that a later
  command or snippet reads.
- ``<!-- docs: run from the repository root -->``: a shell block runs in the repository
  itself instead of the temporary working directory (for `make` targets, which install into
  the repository's ``.venv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = frozenset({"python", "py"})
SHELL = frozenset({"sh", "bash", "shell", "console"})
DATA = frozenset({"yaml", "yml", "json"})
SKIPPED = frozenset({"text", "txt", "plain", "diff"})  # diagrams, sample output

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARKER = re.compile(r"^\s*<!--\s*docs:\s*(?P<body>.*?)\s*-->\s*$")
ROOT_MARKER = "run from the repository root"


@dataclass
class Block:
    """One fenced block: where it starts (1-based line of its first code line), its
    language (the info string's first word, lowercase) and its markers."""

    path: Path
    line: int
    lang: str
    code: str
    not_run: str | None = None
    write_to: str | None = None
    in_repo_root: bool = False
    markers: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def _apply_marker(block: Block, body: str) -> None:
    if body.startswith("not run:"):
        block.not_run = body.removeprefix("not run:").strip()
        if not block.not_run:
            raise ValueError(f"{block.where}: a 'not run' marker needs a reason")
    elif body.startswith("file:"):
        block.write_to = body.removeprefix("file:").strip()
    elif body == ROOT_MARKER:
        block.in_repo_root = True
    else:
        raise ValueError(f"{block.where}: unknown docs marker {body!r}")


def parse_blocks(path: Path) -> list[Block]:
    """Every fenced block of ``path`` in order, with the markers written before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        marker, fence = MARKER.match(line), FENCE.match(line)
        if marker:
            pending.append(marker["body"])
        elif fence:
            end = _closing_fence(lines, i, fence["fence"])
            code = "\n".join(_unindent(text, len(fence["indent"])) for text in lines[i + 1 : end])
            info = fence["info"].strip().split()
            block = Block(path, i + 2, info[0].lower() if info else "", code + "\n")
            for body in pending:
                _apply_marker(block, body)
            block.markers = pending
            blocks.append(block)
            pending = []
            i = end
        elif line.strip():
            pending = []  # a marker applies only to the block right after it
        i += 1
    return blocks


def _closing_fence(lines: list[str], start: int, opening: str) -> int:
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped.startswith(opening[0] * len(opening)) and not stripped.strip(opening[0]):
            return j
    raise ValueError(f"line {start + 1}: code block opened here is never closed")


def _unindent(text: str, indent: int) -> str:
    return text[min(indent, len(text) - len(text.lstrip(" "))) :]


def shell_script(block: Block) -> str:
    """The commands of a shell block: ``console`` blocks keep only their ``$ `` lines (and
    the continuation lines of a command ending in a backslash); the others are scripts."""
    if block.lang != "console":
        return block.code
    commands: list[str] = []
    continued = False
    for line in block.code.splitlines():
        if continued or line.startswith("$ "):
            commands.append(line if continued else line[2:])
            continued = line.rstrip().endswith("\\")
    return "\n".join(commands) + "\n"
