"""The library's layers: lower layers never import higher ones, analysis never imports the report layer, and
the methods in ``ccresearch/analysis/methods`` do no file I/O.

The import graph is read with :mod:`ast` from every ``ccresearch/**/*.py``: imports at any depth (inside
functions and ``if TYPE_CHECKING:`` blocks too) and ``importlib.import_module("ccresearch....")`` calls with a
string literal. The facade ``ccresearch/__init__.py`` (lazy exports of every layer) is exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ccresearch import paths

BASE_MODULES = {"_version", "paths", "errors", "fingerprint", "atomic"}
LAYERS = {  # first package below ccresearch -> (rank, name)
    "core": (1, "core"),
    "parse": (2, "parse"),
    "sources": (3, "sources"),
    "evidence": (4, "evidence"),
    "build": (5, "build"),
    "analysis": (6, "analysis"),
    "report": (7, "report"),
    "runner": (8, "runner"),
    "cli": (9, "cli"),
    "__main__": (9, "cli"),
}
EXEMPT = {"ccresearch"}  # the lazy facade
METHODS = "ccresearch.analysis.methods"
IO_IMPORTS = ("ccresearch.paths", "ccresearch.sources", "ccresearch.build", "os", "pathlib", "shutil", "glob",
              "tempfile")  # fmt: skip
IO_CALLS = {"open", "write_text", "write_bytes", "mkdir", "glob", "rglob", "iterdir", "savefig", "tofile",
            "fromfile", "loadtxt", "savetxt", "genfromtxt"}  # fmt: skip  # plus read_*; to_* with a target below
TO_FILE = {"to_csv", "to_json", "to_parquet", "to_excel", "to_pickle", "to_feather", "to_hdf", "to_stata"}
TARGET_KEYWORDS = {"path", "path_or_buf", "excel_writer", "fname", "buf"}


def layer_of(module: str) -> tuple[int, str] | None:
    """(rank, name) of a ``ccresearch`` module; None for the facade and for modules outside the package."""
    parts = module.split(".")
    if parts[0] != "ccresearch" or module in EXEMPT:
        return None
    if parts[1] in BASE_MODULES:
        return (0, "base")
    return LAYERS.get(parts[1])


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, name] if name else base)


def imports_of(tree: ast.AST, module: str, *, is_package: bool = False) -> list[tuple[int, str, str]]:
    """Every import in ``tree`` as (line, imported module, the statement as written).

    ``from ccresearch import paths`` counts as an import of ``ccresearch.paths``; ``from ccresearch import
    load_facts`` (a facade name) as an import of ``ccresearch``.
    """
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            target = (
                _resolve_relative(module, is_package, node.level, node.module) if node.level else node.module
            ) or ""
            names = ", ".join(a.name for a in node.names)
            text = f"from {'.' * node.level}{node.module or ''} import {names}"
            for alias in node.names:
                # `from pkg import sub` imports pkg.sub when sub is a module; a name in pkg otherwise: the
                # finer one is checked (pkg.sub has pkg's layer when it is a name)
                found.append(
                    (node.lineno, f"{target}.{alias.name}" if target == "ccresearch" else target, text)
                )
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in {"import_module", "__import__"} and literal and not first.value.startswith("."):
                found.append((node.lineno, first.value, f"{name}({first.value!r})"))
    return found


def _facade_target(imported: str) -> str:
    """``ccresearch.load_facts`` (a facade export) -> the module that defines it; other names unchanged."""
    parts = imported.split(".")
    if len(parts) == 2 and parts[0] == "ccresearch":
        exported = facade_exports().get(parts[1])
        if exported is not None:
            return f"ccresearch.{exported}"
    return imported


def facade_exports() -> dict[str, str]:
    """The facade's ``_EXPORTS`` (public name -> module under ccresearch), read with ast."""
    tree = ast.parse((paths.PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(getattr(t, "id", None) == "_EXPORTS" for t in targets) and node.value is not None:
                return ast.literal_eval(node.value)
    return {}


def _io_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name is None:
            continue
        has_target = bool(node.args) or any(k.arg in TARGET_KEYWORDS for k in node.keywords)
        if (
            (name == "open" and isinstance(func, ast.Name | ast.Attribute))
            or name in IO_CALLS
            or (name.startswith("read_") and isinstance(func, ast.Attribute | ast.Name))
            or (name in TO_FILE and has_target)
        ):
            found.append((node.lineno, f"{ast.unparse(func)}(...)"))
    return found


def check_source(source: str, module: str, *, file: str | None = None, is_package: bool = False) -> list[str]:
    """Every layer violation of one module's source, as messages naming the file, line and the import/call."""
    where = file or module.replace(".", "/") + ".py"
    tree = ast.parse(source, filename=where)
    own = layer_of(module)
    problems: list[str] = []
    if own is None:
        return problems
    for line, imported, text in imports_of(tree, module, is_package=is_package):
        target = layer_of(_facade_target(imported))  # None: the facade itself, or outside the package
        if target is not None and target[0] > own[0]:
            if own[1] == "analysis" and target[1] == "report":
                problems.append(
                    f"{where}:{line}: {module} (analysis) imports the report layer: `{text}`; analysis returns "
                    "typed results and never words or drawing; move the wording into ccresearch/report"
                )
            else:
                problems.append(
                    f"{where}:{line}: {module} (layer {own[0]} {own[1]}) imports a higher layer "
                    f"({target[0]} {target[1]}): `{text}`; lower layers never import higher ones"
                )
        in_methods = module == METHODS or module.startswith(METHODS + ".")
        if in_methods and any(imported == m or imported.startswith(m + ".") for m in IO_IMPORTS):
            problems.append(
                f"{where}:{line}: {module} (a method) imports {imported} for file I/O: `{text}`; methods are "
                "pure functions of the tables they are given (callers load data through ccresearch.build.loaders)"
            )
    if module == METHODS or module.startswith(METHODS + "."):
        for line, call in _io_calls(tree):
            problems.append(
                f"{where}:{line}: {module} (a method) does file I/O: `{call}`; methods are pure functions "
                "of the tables they are given (callers load data through ccresearch.build.loaders)"
            )
    return problems


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """``ccresearch/sources/cbs.py`` -> (``ccresearch.sources.cbs``, False); packages end in ``__init__``."""
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def check_package(root: Path = paths.PACKAGE_DIR) -> list[str]:
    """Every violation in the package at ``root``."""
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module, is_package = module_name(path, root)
        rel = path.relative_to(root.parent).as_posix()
        problems += check_source(path.read_text(encoding="utf-8"), module, file=rel, is_package=is_package)
    return problems


# --- the package -----------------------------------------------------------------------------------------------


def test_no_module_imports_a_higher_layer_and_methods_do_no_file_io() -> None:
    problems = check_package()
    assert problems == [], "\n".join(problems)


def test_every_module_has_a_layer() -> None:
    unknown = []
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        module, _ = module_name(path, paths.PACKAGE_DIR)
        if module not in EXEMPT and layer_of(module) is None:
            unknown.append(module)
    assert unknown == [], f"modules outside the layer table (add them to the brief's table): {unknown}"


def test_the_checker_sees_every_python_file() -> None:
    seen = {module_name(p, paths.PACKAGE_DIR)[0] for p in paths.PACKAGE_DIR.rglob("*.py")}
    assert {"ccresearch.analysis.methods.synth", "ccresearch.cli.runs", "ccresearch.atomic"} <= seen


# --- the checker catches planted violations ----------------------------------------------------------------------


def test_a_lower_layer_importing_a_higher_one_is_caught_even_inside_a_function() -> None:
    source = "import json\n\n\ndef f():\n    from ccresearch.build.loaders import load_facts\n    return load_facts()\n"
    [problem] = check_source(source, "ccresearch.sources.fake")
    assert problem.startswith("ccresearch/sources/fake.py:5: ccresearch.sources.fake (layer 3 sources)")
    assert (
        "higher layer (5 build)" in problem and "`from ccresearch.build.loaders import load_facts`" in problem
    )


def test_import_module_string_literals_and_relative_imports_are_followed() -> None:
    source = (
        "import importlib\n"
        "from ..runner import execute\n"
        "x = importlib.import_module('ccresearch.cli.runs')\n"
        "y = importlib.import_module(f'.{name}', __package__)\n"  # not a literal: not followed
    )
    problems = check_source(source, "ccresearch.evidence.fake")
    assert len(problems) == 2, problems
    assert problems[0].startswith("ccresearch/evidence/fake.py:2:") and "(8 runner)" in problems[0]
    assert "`from ..runner import execute`" in problems[0]
    assert problems[1].startswith("ccresearch/evidence/fake.py:3:") and "(9 cli)" in problems[1]
    assert "import_module('ccresearch.cli.runs')" in problems[1]


def test_facade_names_count_as_imports_of_their_module() -> None:
    [problem] = check_source("from ccresearch import load_facts\n", "ccresearch.parse.fake")
    assert "(5 build)" in problem and "`from ccresearch import load_facts`" in problem
    assert check_source("from ccresearch import atomic, errors, paths\n", "ccresearch.core.fake") == []


def test_analysis_importing_report_has_its_own_message() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ccresearch.report import plots\n"
    [problem] = check_source(source, "ccresearch.analysis.fake")
    assert problem.startswith(
        "ccresearch/analysis/fake.py:3: ccresearch.analysis.fake (analysis) imports the report"
    )
    assert "`from ccresearch.report import plots`" in problem


def test_same_or_lower_layers_and_the_facade_pass() -> None:
    source = (
        "from ccresearch.core.interval import Interval\nfrom ccresearch.sources import catalog\n"
        "from . import cbs\nimport pandas as pd\n"
    )
    assert check_source(source, "ccresearch.sources.fake") == []
    assert check_source("from ccresearch.cli import main\n", "ccresearch") == []  # the facade is exempt
    assert check_source("from ccresearch.runner import sweep\n", "ccresearch.cli.fake") == []


@pytest.mark.parametrize(
    ("source", "line", "needle"),
    [
        ("def f(p):\n    with open(p) as h:\n        return h.read()\n", 2, "`open(...)`"),
        ("import pandas as pd\n\ndef f(p):\n    return pd.read_csv(p)\n", 4, "`pd.read_csv(...)`"),
        ("def f(frame, p):\n    frame.to_parquet(p)\n", 2, "`frame.to_parquet(...)`"),
        ("def f(frame):\n    frame.to_json(path_or_buf='x.json')\n", 2, "`frame.to_json(...)`"),
        ("def f(p):\n    return p.read_text()\n", 2, "`p.read_text(...)`"),
        ("def f(p):\n    p.write_bytes(b'')\n", 2, "`p.write_bytes(...)`"),
        ("def f(p):\n    p.parent.mkdir()\n", 2, "`p.parent.mkdir(...)`"),
        ("def f(p):\n    return sorted(p.rglob('*.csv'))\n", 2, "`p.rglob(...)`"),
        ("def f(p):\n    return list(p.iterdir())\n", 2, "`p.iterdir(...)`"),
        ("import os\n", 1, "imports os for file I/O"),
        ("from pathlib import Path\n", 1, "imports pathlib for file I/O"),
        ("import shutil\n", 1, "imports shutil for file I/O"),
        ("from ccresearch import paths\n", 1, "imports ccresearch.paths for file I/O"),
        (
            "def f():\n    from ccresearch.sources.reference import read_basque\n",
            2,
            "imports ccresearch.sources",
        ),
        ("def f():\n    from ccresearch.build import loaders\n", 2, "imports ccresearch.build for file I/O"),
    ],
)
def test_file_io_in_a_method_is_caught(source: str, line: int, needle: str) -> None:
    problems = check_source(source, "ccresearch.analysis.methods.fake")
    assert problems, source
    assert any(
        p.startswith(f"ccresearch/analysis/methods/fake.py:{line}: ") and needle in p for p in problems
    ), problems


def test_pure_table_code_in_a_method_passes_and_io_outside_methods_is_allowed() -> None:
    source = (
        "import numpy as np\nimport pandas as pd\n\n"
        "def f(frame: pd.DataFrame) -> str:\n    return frame.to_json(orient='records') + frame.to_csv()\n"
    )
    assert check_source(source, "ccresearch.analysis.methods.fake") == []
    assert check_source("def f(p):\n    return open(p).read()\n", "ccresearch.analysis.fake") == []
