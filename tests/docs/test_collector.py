"""The docs collector itself: it parses markers and languages, and a broken block fails."""

from __future__ import annotations

import textwrap
import traceback
from pathlib import Path

import pytest

from .blocks import parse_blocks, shell_script
from .runner import BlockFailed, DocsFile


def _doc(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.md"
    path.write_text(textwrap.dedent(text))
    return path


def _run_all(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> DocsFile:
    blocks = parse_blocks(_doc(tmp_path, text))
    docs = DocsFile(blocks, tmp_path / "work")
    docs.run_through(blocks[-1], monkeypatch)
    return docs


def test_blocks_languages_lines_and_markers(tmp_path):
    path = _doc(
        tmp_path,
        """\
        # Title

        <!-- docs: not run: starts a server -->
        ```sh
        daskflow serve
        ```

        ```Python title="x"
        x = 1
        ```

        <!-- docs: file: conf/run.yaml -->

        ~~~yaml
        a: 1
        ~~~
        ```
        untagged
        ```
        """,
    )
    blocks = parse_blocks(path)
    assert [(b.line, b.lang) for b in blocks] == [(5, "sh"), (9, "python"), (15, "yaml"), (18, "")]
    assert blocks[0].not_run == "starts a server" and blocks[1].not_run is None
    assert blocks[2].write_to == "conf/run.yaml" and blocks[2].code == "a: 1\n"


def test_a_marker_applies_only_to_the_next_block(tmp_path):
    path = _doc(tmp_path, "<!-- docs: not run: why -->\ntext\n```sh\ntrue\n```\n")
    assert parse_blocks(path)[0].not_run is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("<!-- docs: not run: -->\n```sh\ntrue\n```\n", "needs a reason"),
        ("<!-- docs: skip -->\n```sh\ntrue\n```\n", "unknown docs marker 'skip'"),
        ("```python\nx = 1\n", "never closed"),
    ],
)
def test_bad_markers_and_fences_are_refused(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        parse_blocks(_doc(tmp_path, text))


def test_console_blocks_run_their_prompt_lines_only(tmp_path):
    path = _doc(tmp_path, "```console\n$ echo a \\\n  b\na b\n$ true\n```\n")
    assert shell_script(parse_blocks(path)[0]) == "echo a \\\n  b\ntrue\n"


def test_python_blocks_share_a_namespace_and_files_are_written(tmp_path, monkeypatch):
    docs = _run_all(
        tmp_path,
        """\
        <!-- docs: file: numbers.yaml -->
        ```yaml
        [1, 2]
        ```
        ```python
        import yaml
        with open("numbers.yaml") as f:
            numbers = yaml.safe_load(f)
        ```
        ```python
        total = sum(numbers)
        ```
        ```sh
        test -f numbers.yaml && test -d examples/cereal && test -n "$DASKFLOW_HOME"
        ```
        """,
        monkeypatch,
    )
    assert docs.namespace["total"] == 3


def test_a_failing_python_block_names_its_markdown_line(tmp_path, monkeypatch):
    with pytest.raises(ZeroDivisionError) as info:
        _run_all(tmp_path, "text\n\n```python\nx = 1\ny = x / 0\n```\n", monkeypatch)
    frame = traceback.extract_tb(info.tb)[-1]
    assert (Path(frame.filename).name, frame.lineno) == ("doc.md", 5)


@pytest.mark.parametrize(
    "text, message",
    [
        ("```sh\ntrue\nfalse\ntrue\n```\n", "the sh block exited 1"),
        ("```bash\nfalse | true\n```\n", "the bash block exited 1"),
        ("```yaml\na: [1\n```\n", "the yaml block does not parse"),
        ("```json\n{'a': 1}\n```\n", "the json block does not parse"),
    ],
)
def test_failing_shell_and_unparsable_data_blocks_fail(tmp_path, monkeypatch, text, message):
    with pytest.raises(BlockFailed, match=message):
        _run_all(tmp_path, text, monkeypatch)


def test_blocks_after_a_failure_fail_naming_it(tmp_path, monkeypatch):
    blocks = parse_blocks(_doc(tmp_path, "```sh\nexit 3\n```\n```python\nx = 1\n```\n"))
    docs = DocsFile(blocks, tmp_path / "work")
    with pytest.raises(BlockFailed, match="exited 3"):
        docs.run_through(blocks[0], monkeypatch)
    with pytest.raises(BlockFailed, match="doc.md:2 failed, so doc.md:5 cannot run"):
        docs.run_through(blocks[1], monkeypatch)
    assert "x" not in docs.namespace


def test_not_run_blocks_are_not_run(tmp_path, monkeypatch):
    text = "<!-- docs: not run: fails -->\n```python\nraise SystemExit(1)\n```\n"
    docs = _run_all(tmp_path, text, monkeypatch)
    assert docs.done == 1 and docs.failed is None
