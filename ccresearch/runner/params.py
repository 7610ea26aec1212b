"""The parameter schema of a notebook, read from its ``parameters`` cell with ``ast`` (never executed).

A parameters cell declares each parameter once, as an annotated assignment with a help comment::

    from typing import Literal

    region: str = "CR39"  # COROP code or name
    outcome: Literal["jobs", "index"] = "jobs"  # what to model
    donors: list[str] | None = None  # donor pool; None = all other regions

Supported types: ``str``, ``int``, ``float``, ``bool``, ``list[str]``, ``Literal[...]`` and ``X | None``.
This module imports nothing heavy: validation must finish well before any kernel could start.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import math
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccresearch.errors import ParameterError

SCALARS = ("str", "int", "float", "bool")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NONE = {"none", "null", ""}
_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class ParamType:
    """A declared parameter type: ``kind`` is one of str, int, float, bool, list[str], literal."""

    kind: str
    optional: bool = False
    choices: tuple[Any, ...] = ()

    def __str__(self) -> str:
        if self.kind == "literal":
            text = "Literal[" + ", ".join(json.dumps(c) for c in self.choices) + "]"
        else:
            text = self.kind
        return f"{text} | None" if self.optional else text

    def describe(self) -> str:
        """What values are allowed, in words, for error messages."""
        if self.kind == "literal":
            text = "one of " + ", ".join(json.dumps(c) for c in self.choices)
        elif self.kind == "bool":
            text = "true or false"
        elif self.kind == "list[str]":
            text = "a comma-separated list, e.g. A,B"
        elif self.kind == "int":
            text = "a whole number"
        elif self.kind == "float":
            text = "a number"
        else:
            text = "text"
        return f"{text} (or none)" if self.optional else text


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: name, type, default value and help text (from the trailing comment)."""

    name: str
    type: ParamType
    default: Any
    help: str = ""
    line: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (for ``ccresearch params --json``)."""
        out: dict[str, Any] = {"name": self.name, "type": str(self.type), "default": self.default}
        if self.type.kind == "literal":
            out["choices"] = list(self.type.choices)
        out["help"] = self.help
        return out


@dataclass
class Schema:
    """All parameters of one notebook, in declaration order."""

    notebook: Path
    parameters: list[Parameter] = field(default_factory=list)
    cell_index: int | None = None

    def names(self) -> list[str]:
        """Parameter names in declaration order."""
        return [p.name for p in self.parameters]

    def get(self, name: str) -> Parameter:
        """The parameter called ``name``; ParameterError with a close match suggested if unknown."""
        for p in self.parameters:
            if p.name == name:
                return p
        names = self.names()
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        allowed = ", ".join(names) if names else "none (the notebook has no parameters cell)"
        raise ParameterError(
            f"unknown parameter{hint}",
            file=self.notebook.name,
            field=name,
            expected=f"one of the notebook's parameters: {allowed}",
        )

    def defaults(self) -> dict[str, Any]:
        """Every parameter with its default value."""
        return {p.name: p.default for p in self.parameters}


def load_notebook_json(path: str | Path) -> dict[str, Any]:
    """The notebook as plain JSON (no nbformat import: that costs seconds)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise ParameterError("notebook not found", file=path, expected="an existing .ipynb file") from None
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"not a notebook (invalid JSON: {exc.msg})", file=path, row=exc.lineno, expected="an .ipynb file"
        ) from None


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def parameters_cell(nb: Mapping[str, Any]) -> tuple[int, str] | None:
    """Index and source of the cell tagged ``parameters`` (papermill convention), or None."""
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return i, _source(cell)
    return None


def read_schema(notebook: str | Path) -> Schema:
    """Parse the parameters cell of ``notebook`` into a :class:`Schema` (empty if it has none)."""
    notebook = Path(notebook)
    found = parameters_cell(load_notebook_json(notebook))
    if found is None:
        return Schema(notebook)
    index, source = found
    return Schema(notebook, parse_parameters(source, notebook=notebook), index)


def _comments(source: str) -> dict[int, str]:
    """Comment text by line number (tokenize, so a '#' inside a string is not taken for a comment)."""
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def parse_parameters(source: str, *, notebook: str | Path = "<parameters cell>") -> list[Parameter]:
    """Parameters declared in the source of a parameters cell."""
    where = Path(notebook).name
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"parameters cell is not valid Python ({exc.msg})", file=where, row=exc.lineno
        ) from None
    comments = _comments(source)
    params: list[Parameter] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring or stray literal
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, node.annotation, node.value
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            raise ParameterError(
                "unsupported statement in the parameters cell",
                file=where,
                row=node.lineno,
                value=ast.get_source_segment(source, node),
                expected="annotated assignments `name: type = value  # help` and imports only",
            )
        if value is None:
            raise ParameterError(
                "parameter without a default",
                file=where,
                row=node.lineno,
                field=name,
                expected="`name: type = default  # help`",
            )
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(
                "default is not a literal",
                file=where,
                row=node.lineno,
                field=name,
                value=ast.get_source_segment(source, value),
                expected="a literal value (number, text, True/False, None, list of text)",
            ) from None
        ptype = _parse_type(annotation, where, node.lineno, name) if annotation else _infer_type(default)
        if ptype is None:
            raise ParameterError(
                "cannot tell the type of this parameter",
                file=where,
                row=node.lineno,
                field=name,
                value=default,
                expected="an annotation: str, int, float, bool, list[str], Literal[...] or X | None",
            )
        if isinstance(default, tuple):
            default = list(default)
        if not _matches(ptype, default):
            raise ParameterError(
                "default does not match the declared type",
                file=where,
                row=node.lineno,
                field=name,
                value=default,
                expected=str(ptype),
            )
        if ptype.kind == "float" and isinstance(default, int):
            default = float(default)
        help_text = comments.get(node.end_lineno or node.lineno, "")
        params.append(Parameter(name, ptype, default, help_text, node.lineno))
    return params


def _infer_type(default: Any) -> ParamType | None:
    if isinstance(default, bool):
        return ParamType("bool")
    for kind, typ in (("int", int), ("float", float), ("str", str)):
        if isinstance(default, typ):
            return ParamType(kind)
    if isinstance(default, list | tuple) and all(isinstance(v, str) for v in default):
        return ParamType("list[str]")
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _attr_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Literal, t.Optional
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "str" in quotes
        return node.value
    return None


def _parse_type(node: ast.expr, where: str, line: int, name: str) -> ParamType:
    def bad() -> ParameterError:
        return ParameterError(
            "unsupported parameter type",
            file=where,
            row=line,
            field=name,
            value=ast.unparse(node),
            expected="str, int, float, bool, list[str], Literal[...] or X | None",
        )

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        if _is_none(node.right):
            inner = _parse_type(node.left, where, line, name)
        elif _is_none(node.left):
            inner = _parse_type(node.right, where, line, name)
        else:
            raise bad()
        return ParamType(inner.kind, True, inner.choices)
    if isinstance(node, ast.Subscript):
        base = _attr_name(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional" and len(args) == 1:
            inner = _parse_type(args[0], where, line, name)
            return ParamType(inner.kind, True, inner.choices)
        if base in ("list", "List") and len(args) == 1 and _attr_name(args[0]) == "str":
            return ParamType("list[str]")
        if base == "Literal":
            try:
                choices = tuple(ast.literal_eval(a) for a in args)
            except ValueError:
                raise bad() from None
            if not choices or not all(isinstance(c, str | int) and not isinstance(c, bool) for c in choices):
                raise bad()
            return ParamType("literal", False, choices)
        raise bad()
    base = _attr_name(node)
    if base in SCALARS:
        return ParamType(base)
    raise bad()


def _matches(ptype: ParamType, value: Any) -> bool:
    """Whether an already typed value fits ``ptype``."""
    if value is None:
        return ptype.optional
    kind = ptype.kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "str":
        return isinstance(value, str)
    if kind == "list[str]":
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if kind == "literal":
        return value in ptype.choices and not isinstance(value, bool)
    return False


def coerce(param: Parameter, raw: Any, *, file: str | Path | None = None) -> Any:
    """``raw`` (text from the command line, or a value from YAML) converted to the parameter's type.

    Raises :class:`ParameterError` naming the parameter, the value and what is allowed.
    """
    ptype = param.type
    where = Path(file).name if file is not None else None

    def wrong(problem: str = "wrong type") -> ParameterError:
        extra = ""
        if ptype.kind == "literal" and isinstance(raw, str):
            close = difflib.get_close_matches(raw, [str(c) for c in ptype.choices], n=1, cutoff=0.5)
            if close:
                extra = f" (did you mean '{close[0]}'?)"
        return ParameterError(
            problem + extra, file=where, field=param.name, value=raw, expected=ptype.describe()
        )

    if raw is None:
        if ptype.optional:
            return None
        raise wrong("a value is required")
    if not isinstance(raw, str):
        if isinstance(raw, tuple):
            raw = list(raw)
        if ptype.kind == "float" and isinstance(raw, int) and not isinstance(raw, bool):
            raw = float(raw)
        if _matches(ptype, raw):
            return raw
        raise wrong("value not allowed" if ptype.kind == "literal" else "wrong type")
    text = raw.strip()
    if ptype.optional and text.lower() in _NONE:
        return None
    kind = ptype.kind
    if kind == "str":
        return raw
    if kind == "int":
        if not _INT.fullmatch(text):
            raise wrong()
        return int(text)
    if kind == "float":
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            raise wrong() from None
        if not math.isfinite(value):
            raise wrong("not a finite number")
        return value
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise wrong()
    if kind == "list[str]":
        if text.startswith("["):  # a JSON list is accepted too
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise wrong() from None
            if _matches(ptype, value):
                return value
            raise wrong()
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "literal":
        for choice in ptype.choices:
            if str(choice) == text:
                return choice
        raise wrong("value not allowed")
    raise wrong()  # pragma: no cover - every kind is handled above


def resolve_values(schema: Schema, given: Mapping[str, Any], *, check_domains: bool = True) -> dict[str, Any]:
    """Defaults overlaid with ``given`` (coerced), every value checked against its domain and normalised.

    Unknown names, wrong types and values outside their domain raise :class:`ParameterError`.
    """
    from ccresearch.runner.domains import check_all

    values = schema.defaults()
    for name, raw in given.items():
        param = schema.get(name)
        values[name] = coerce(param, raw, file=schema.notebook)
    if check_domains:
        values = check_all(values, notebook=schema.notebook, given=set(given))
    return values


def overrides(schema: Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the defaults, in declaration order."""
    return {
        p.name: values[p.name] for p in schema.parameters if p.name in values and values[p.name] != p.default
    }


def format_table(schema: Schema) -> str:
    """A plain-text table of the parameters: name, type, default, help."""
    if not schema.parameters:
        return f"{schema.notebook.name}: no parameters cell (tag a code cell 'parameters')"
    rows = [("name", "type", "default", "help")]
    rows += [
        (p.name, str(p.type), json.dumps(p.default, ensure_ascii=False), p.help) for p in schema.parameters
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])
        if j == 0:
            lines.append(
                "  ".join("-" * w for w in widths) + "  " + "-" * max(4, max(len(x[3]) for x in rows))
            )
    return "\n".join(line.rstrip() for line in lines)
