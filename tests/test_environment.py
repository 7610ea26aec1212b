"""environment.yml (conda) and pyproject.toml (pip) must name the same packages with the same bounds."""

from __future__ import annotations

import re
import tomllib

import yaml

from ccresearch.paths import ROOT

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    match = _REQ.match(requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return name, match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item.split("=")[0].strip() in {"python", "pip"}:
                continue
            name, spec = _split(item)
            found[name] = spec
    return found


def test_environment_yml_and_pyproject_name_the_same_packages() -> None:
    pip, conda = _pyproject(), _environment()
    assert sorted(set(pip) - set(conda)) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "in environment.yml but not in pyproject.toml"


def test_environment_yml_and_pyproject_use_the_same_version_bounds() -> None:
    pip, conda = _pyproject(), _environment()
    differing = {name: (pip[name], conda[name]) for name in pip if name in conda and pip[name] != conda[name]}
    assert differing == {}


def test_environment_yml_pins_the_python_of_pyproject() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert data["project"]["requires-python"] == ">=" + python.split("=", 1)[1]
