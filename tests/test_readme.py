"""The README's examples stay true: every ```python block runs, in order, in one namespace.

The blocks run against processed data built into a temporary folder (``CCRESEARCH_PROCESSED``), in a temporary
working directory, with a non-interactive matplotlib backend. A block preceded by the HTML comment
``<!-- no-test -->`` (on the last non-blank line before its fence) is skipped. Blocks written as a console
session (``>>>`` prompts) run their prompt lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ccresearch import paths

README = paths.ROOT / "README.md"
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")
NO_TEST = re.compile(r"^\s*<!--\s*no-test\s*-->\s*$")
PYTHON = {"python", "py", "python3", "pycon"}


@dataclass(frozen=True)
class Block:
    """One fenced code block: the line of its opening fence, its info word, its code, and whether to skip it."""

    line: int
    info: str
    code: str
    skip: bool


def fenced_blocks(text: str) -> list[Block]:
    """Every fenced code block of a Markdown text, in order (unclosed fences run to the end, as in CommonMark)."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info, start = match["fence"], match["info"].lower(), i
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = FENCE.match(lines[i])
            same = closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence)
            if same and not closing["info"]:
                break
            body.append(
                lines[i][len(match["indent"]) :] if lines[i].startswith(match["indent"]) else lines[i]
            )
            i += 1
        blocks.append(Block(start + 1, info, "\n".join(body) + "\n", bool(NO_TEST.match(before))))
        i += 1
    return blocks


def python_source(block: Block) -> str:
    """The code to run: the block itself, or the prompt lines of a console session (``>>>`` / ``...``)."""
    lines = block.code.splitlines()
    if not any(line.lstrip().startswith(">>>") for line in lines):
        return block.code
    source = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith((">>> ", "... ")) or stripped in {">>>", "..."}:
            source.append(stripped[4:])
    return "\n".join(source) + "\n"


def python_blocks(text: str) -> list[Block]:
    """The Python blocks of a Markdown text."""
    return [b for b in fenced_blocks(text) if b.info in PYTHON]


def run_blocks(blocks: list[Block], name: str = "README.md") -> dict[str, object]:
    """Run the blocks in order in one namespace; a failure names the block's line."""
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for block in blocks:
        if block.skip:
            continue
        code = compile(python_source(block), f"{name}, block at line {block.line}", "exec")
        try:
            exec(code, namespace)
        except Exception as exc:
            raise AssertionError(
                f"{name}: the python block at line {block.line} fails: {type(exc).__name__}: {exc}\n"
                "(mend the example, or mark the block with <!-- no-test --> on the line before its fence)"
            ) from exc
    return namespace


def test_readme_python_blocks_run(
    processed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCRESEARCH_PROCESSED", str(processed_dir))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    if not [b for b in blocks if not b.skip]:
        pytest.skip("README.md has no python block to run")
    import matplotlib

    matplotlib.use("Agg")
    try:
        run_blocks(blocks)
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


# --- the block reader --------------------------------------------------------------------------------------------

SAMPLE = """# Title

```bash
make reports
```

Some text.

```python
x = 1
```

<!-- no-test -->

```python
raise SystemExit("never run")
```

````markdown
```python
not a block of its own
```
````

```pycon
>>> y = x + 1
>>> y
2
```

  ```py
  z = y * 10
  ```
"""


def test_blocks_are_read_in_order_with_their_lines_and_no_test_marks() -> None:
    blocks = python_blocks(SAMPLE)
    assert [(b.line, b.info, b.skip) for b in blocks] == [
        (9, "python", False),
        (15, "python", True),
        (25, "pycon", False),
        (31, "py", False),
    ]
    assert blocks[0].code == "x = 1\n"
    assert blocks[3].code == "z = y * 10\n"
    assert python_source(blocks[2]) == "y = x + 1\ny\n"


def test_blocks_share_one_namespace_and_skipped_blocks_do_not_run() -> None:
    namespace = run_blocks(python_blocks(SAMPLE))
    assert namespace["z"] == 20


def test_a_failing_block_is_named_by_its_line() -> None:
    text = "```python\nx = 1\n```\n\n```python\nundefined_name\n```\n"
    with pytest.raises(AssertionError, match=r"block at line 5 fails: NameError"):
        run_blocks(python_blocks(text))
