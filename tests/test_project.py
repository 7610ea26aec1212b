"""House rules that a test can hold: the README's commands, clean notebooks, no machine paths, no generated files."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from ccresearch.paths import ROOT


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return out.stdout.split()


def test_readme_opens_with_the_two_commands_and_make_knows_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make reports", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("reports", "test", "lab", "help", "data"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_make_help_lists_every_documented_target() -> None:
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("reports", "test", "lab", "data", "bench"):
        assert f"make {target}" in out


def test_notebooks_are_committed_without_outputs() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, path.name
        first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        assert "parameters" in first_code.get("metadata", {}).get("tags", []), path.name


def test_no_machine_paths_and_no_generated_files_are_tracked() -> None:
    tracked = _tracked()
    generated = [
        p for p in tracked if p.startswith(("data/processed/", "reports/")) and not p.endswith(".gitkeep")
    ]
    assert generated == []
    pattern = re.compile(r"(/work/|/root/|/home/\w+|/tmp/pytest)")
    offenders = []
    for rel in tracked:
        path = ROOT / rel
        if path.suffix in {".parquet"} or not path.is_file() or rel == "tests/test_project.py":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if pattern.search(text):
            offenders.append(rel)
    assert offenders == []
