"""The README's architecture section names every module of the library, and only modules that exist."""

from __future__ import annotations

import re

from ccresearch.paths import PACKAGE_DIR, ROOT


def _architecture() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Architecture\n(.*?)(?=^## )", readme, re.S | re.M)
    assert match, "README.md has no '## Architecture' section"
    return match.group(1)


def _modules() -> set[str]:
    out = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        rel = path.relative_to(PACKAGE_DIR).with_suffix("")
        if rel.name in ("__init__", "__main__") or rel.name.startswith("_"):
            continue
        out.add(rel.as_posix())
    return out


def test_every_module_is_named_in_the_architecture_section() -> None:
    text = _architecture()
    named = set(re.findall(r"`([a-z_]+(?:/[a-z_]+)*)`", text))
    # a module is named as `package/module` or, in its package's row, as `module`
    missing = []
    for module in sorted(_modules()):
        package, _, name = module.rpartition("/")
        marker = f"`{package}/`" if package else "`ccresearch/`"
        row = next((line for line in text.splitlines() if marker in line), "")
        if module not in named and f"`{name}`" not in row:
            missing.append(module)
    assert missing == []


def test_every_package_named_exists() -> None:
    text = _architecture()
    packages = re.findall(r"`([a-z_]+(?:/[a-z_]+)*)/`", text)
    assert packages, "the section names no package"
    assert [p for p in packages if p != "ccresearch" and not (PACKAGE_DIR / p).is_dir()] == []
