"""Every code block of README.md, CONTRIBUTING.md and docs/*.md runs as written (see
tests/docs/runner.py).

One test per block, named ``<file>:<line>-<language>``. ``text`` blocks (diagrams, sample
output) are not collected; a block whose language is not known fails, so every block says
what it is. Blocks marked ``<!-- docs: not run: REASON -->`` are reported as skipped with
their reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .blocks import DATA, PYTHON, SHELL, SKIPPED, Block, parse_blocks
from .runner import ROOT, DocsFile

DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = {path: parse_blocks(path) for path in DOCUMENTS}
RUNNABLE = PYTHON | SHELL | DATA


def _params() -> list[pytest.param]:
    return [
        pytest.param(block, id=f"{path.relative_to(ROOT)}:{block.line}-{block.lang or 'none'}")
        for path, blocks in BLOCKS.items()
        for block in blocks
        if block.lang not in SKIPPED
    ]


@pytest.fixture(scope="session")
def docs_files(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, DocsFile]:
    """One ``DocsFile`` per document, each with its own working directory."""
    return {
        path: DocsFile(blocks, tmp_path_factory.mktemp(f"docs-{path.stem}"))
        for path, blocks in BLOCKS.items()
    }


@pytest.mark.parametrize("block", _params())
def test_block_runs_as_written(
    block: Block, docs_files: dict[Path, DocsFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert block.lang in RUNNABLE, (
        f"{block.where}: code block with language {block.lang!r}; use one of "
        f"{sorted(RUNNABLE)}, or text for diagrams and sample output"
    )
    docs_files[block.path].run_through(block, monkeypatch)
    if block.not_run is not None:
        pytest.skip(f"{block.where} ({block.lang}) not run: {block.not_run}")


def test_documents_have_blocks_that_run() -> None:
    """The collector finds the README's blocks (a parser that finds nothing would pass)."""
    readme = BLOCKS[ROOT / "README.md"]
    assert sum(block.lang in PYTHON for block in readme) >= 3
    assert sum(block.lang in SHELL for block in readme) >= 3
