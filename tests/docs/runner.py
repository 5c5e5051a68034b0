"""Runs the code blocks of one Markdown file in order, in a working directory of its own.

Python blocks share one namespace; shell blocks run in ``bash -e -o pipefail`` with the
interpreter's ``bin`` directory first on PATH; YAML and JSON blocks are parsed. The working
directory holds a copy of ``examples/`` and a ``.venv`` link to the running environment, so
commands read as they do from the repository root; DASKFLOW_HOME is a directory of its own.
A block runs after every block before it in its file (running one block alone runs those
first); once a block fails, the blocks after it fail naming it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .blocks import DATA, PYTHON, SHELL, Block, shell_script

ROOT = Path(__file__).resolve().parents[2]
SHELL_TIMEOUT = 240  # seconds; pytest-timeout's 300 s covers the whole test


class BlockFailed(AssertionError):
    """A block did not run as its file shows it."""


class DocsFile:
    """The blocks of one Markdown file and what running them has left: a namespace, a
    working directory and how far the file has run."""

    def __init__(self, blocks: list[Block], workdir: Path) -> None:
        self.blocks = blocks
        self.workdir = workdir
        self.home = workdir / ".daskflow-home"
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.done = 0
        self.failed: Block | None = None
        shutil.copytree(
            ROOT / "examples", workdir / "examples", ignore=shutil.ignore_patterns("__pycache__")
        )
        (workdir / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)

    def run_through(self, block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
        """Run every block up to ``block``, then ``block``."""
        monkeypatch.chdir(self.workdir)
        monkeypatch.setenv("DASKFLOW_HOME", str(self.home))
        target = self.blocks.index(block)
        while self.done <= target:
            current = self.blocks[self.done]
            if self.failed is not None:
                raise BlockFailed(f"{self.failed.where} failed, so {block.where} cannot run")
            self.done += 1
            try:
                self._run(current)
            except BaseException:
                self.failed = current
                raise

    def _run(self, block: Block) -> None:
        if block.write_to:
            target = self.workdir / block.write_to
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code, encoding="utf-8")
        if block.not_run is not None:
            return
        if block.lang in PYTHON:
            source = "\n" * (block.line - 1) + block.code  # tracebacks name the .md line
            exec(compile(source, str(block.path), "exec"), self.namespace)
        elif block.lang in SHELL:
            self._run_shell(block)
        elif block.lang in DATA:
            _parse_data(block)

    def _run_shell(self, block: Block) -> None:
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
            "DASKFLOW_HOME": str(self.home),
        }
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", shell_script(block)],
            cwd=ROOT if block.in_repo_root else self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SHELL_TIMEOUT,
        )
        if done.returncode != 0:
            raise BlockFailed(
                f"{block.where}: the {block.lang} block exited {done.returncode}\n"
                f"--- script\n{shell_script(block)}--- stdout (end)\n{done.stdout[-4000:]}\n"
                f"--- stderr (end)\n{done.stderr[-4000:]}"
            )


def _parse_data(block: Block) -> None:
    try:
        if block.lang == "json":
            json.loads(block.code)
        else:
            list(yaml.safe_load_all(block.code))
    except (ValueError, yaml.YAMLError) as exc:
        raise BlockFailed(f"{block.where}: the {block.lang} block does not parse: {exc}") from exc
