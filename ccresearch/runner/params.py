"""The parameter schema of a notebook, read from its ``parameters`` cell with ``ast`` (never executed).

A parameters cell declares each parameter once, as an annotated assignment with a help comment::

    from typing import Literal

    region: str = "CR39"  # COROP code or name
    outcome: Literal["jobs", "index"] = "jobs"  # what to model
    donors: list[str] | None = None  # donor pool; None = all other regions

Checked types: ``str``, ``int``, ``float``, ``bool``, ``list[str]``, ``Literal[...]`` and ``X | None``.

Any cell papermill can parameterise is accepted, as papermill reads it:

- an unannotated parameter takes the type of its default (``n = 3`` is an int), or of a ``# type: X``
  comment;
- a ``None`` default without annotation, another annotation (``c: "NoneType" = None``, ``d: dict = {}``)
  or a default of another kind (a dict, a list of numbers) makes a parameter of type ``any``: its value
  is read as a YAML literal (``-p x 3`` is the number 3, ``-p x '[1, 2]'`` a list, ``-r x 3`` the text);
- a default that is not a literal (``d = a * 2``) is computed by the notebook: the parameter can be set,
  but nothing is injected for it unless it is;
- other statements and lines that are not valid Python are left out, as papermill leaves them out, with a
  note (``ccresearch params`` prints the notes).

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
ANY = "any"
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NONE = {"none", "null", "", "~"}
_INT = re.compile(r"[+-]?\d+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_MAX_SYNTAX_RETRIES = 50


class RawText(str):
    """A value given as text to be taken literally (``-r NAME VALUE``, strings from ``-y`` or ``-f``).

    For a parameter of type ``any`` it stays text instead of being read as a YAML literal.
    """


@dataclass(frozen=True)
class ParamType:
    """A declared parameter type: ``kind`` is one of str, int, float, bool, list[str], literal, any.

    ``declared`` keeps an annotation the runner does not check (``NoneType``, ``dict``), for display.
    """

    kind: str
    optional: bool = False
    choices: tuple[Any, ...] = ()
    declared: str = ""

    def __str__(self) -> str:
        if self.kind == "literal":
            text = "Literal[" + ", ".join(json.dumps(c) for c in self.choices) + "]"
        elif self.kind == ANY:
            return f"any ({self.declared})" if self.declared else "any"
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
            text = "a number with a decimal point, e.g. 0.25"
        elif self.kind == ANY:
            return "any value, read as a YAML literal (-r NAME VALUE for text as written)"
        else:
            text = "text"
        return f"{text} (or none)" if self.optional else text


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: name, type, default value and help text (from the trailing comment).

    ``computed`` holds the source of a default that is not a literal (``a * 2``): the notebook computes it,
    ``default`` is then None and nothing is injected unless a value is given.
    """

    name: str
    type: ParamType
    default: Any
    help: str = ""
    line: int = 0
    computed: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (for ``ccresearch params --json``)."""
        out: dict[str, Any] = {"name": self.name, "type": str(self.type), "default": self.default}
        if self.type.kind == "literal":
            out["choices"] = list(self.type.choices)
        if self.computed is not None:
            out["computed"] = self.computed
        out["help"] = self.help
        return out

    def default_text(self) -> str:
        """The default as shown in the parameter table."""
        if self.computed is not None:
            return f"computed: {self.computed}"
        return json.dumps(self.default, ensure_ascii=False)


@dataclass
class Schema:
    """All parameters of one notebook, in declaration order, and notes on what was left out."""

    notebook: Path
    parameters: list[Parameter] = field(default_factory=list)
    cell_index: int | None = None
    notes: list[str] = field(default_factory=list)

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
        if not close:
            close = [n for n in names if n.casefold() == name.casefold()]
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        allowed = ", ".join(names) if names else "none (the notebook has no parameters cell)"
        raise ParameterError(
            f"unknown parameter{hint}",
            file=self.notebook.name,
            field=name,
            expected=f"one of the notebook's parameters: {allowed}",
        )

    def defaults(self) -> dict[str, Any]:
        """Every parameter with a literal default, with that default (computed ones are left out)."""
        return {p.name: p.default for p in self.parameters if p.computed is None}


def load_notebook_json(path: str | Path) -> dict[str, Any]:
    """The notebook as plain JSON (no nbformat import: that costs seconds)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise ParameterError("notebook not found", file=path, expected="an existing .ipynb file") from None
    except IsADirectoryError:
        raise ParameterError("a folder, not a notebook", file=path, expected="an .ipynb file") from None
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"not a notebook (invalid JSON: {exc.msg})", file=path, row=exc.lineno, expected="an .ipynb file"
        ) from None


def resolve_notebook(name: str | Path, notebooks_dir: str | Path | None = None) -> Path:
    """A notebook named by path, by stem (``03_regional_job_growth``) or by number (``03``, ``3``).

    A path that exists wins; otherwise the name is looked up in the project's notebooks folder. Raises
    :class:`ParameterError` listing the notebooks there when nothing (or more than one) fits.
    """
    path = Path(name)
    if path.is_file():
        return path
    from ccresearch import paths

    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    available = sorted(folder.glob("*.ipynb"))
    text = str(name).strip()
    stem = text[:-6] if text.endswith(".ipynb") else text
    matches = [nb for nb in available if nb.stem == stem or nb.name == text]
    if not matches and stem.isdigit():
        matches = [nb for nb in available if re.match(rf"0*{int(stem)}(?!\d)", nb.stem)]
    if not matches:
        matches = [nb for nb in available if nb.stem.startswith(stem)] if stem else []
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(nb.stem for nb in available) or "none"
    problem = "more than one notebook fits" if matches else "notebook not found"
    raise ParameterError(
        problem,
        file=name,
        expected=f"a path to an .ipynb file, or a notebook of the project by name or number: {listing}",
    )


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
    notes: list[str] = []
    params = parse_parameters(source, notebook=notebook, notes=notes)
    return Schema(notebook, params, index, notes)


def _comments(source: str) -> dict[int, str]:
    """Comment text by line number (tokenize, so a '#' inside a string is not taken for a comment)."""
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return out


def _parse_lenient(source: str, notes: list[str], where: str) -> ast.Module:
    """``ast.parse`` of the cell; lines that are not valid Python are blanked out (papermill skips them)."""
    lines = source.splitlines()
    for _ in range(_MAX_SYNTAX_RETRIES):
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError as exc:
            row = exc.lineno
            if row is None or not 1 <= row <= len(lines) or not lines[row - 1].strip():
                break
            notes.append(
                f"line {row} is not valid Python ({exc.msg}) and is not a parameter; "
                "the notebook will fail on it when run, as it does with papermill"
            )
            lines[row - 1] = ""
    raise ParameterError(
        "parameters cell is not valid Python", file=where, expected="Python assignments `name = value`"
    )


def _jsonable(value: Any) -> bool:
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively (what JSON and papermill's injected cell hold)."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


_TYPE_COMMENT = re.compile(r"^type:\s*(\S+)\s*(.*)$")


def parse_parameters(
    source: str, *, notebook: str | Path = "<parameters cell>", notes: list[str] | None = None
) -> list[Parameter]:
    """Parameters declared in the source of a parameters cell; what is left out is described in ``notes``."""
    where = Path(notebook).name
    notes = notes if notes is not None else []
    tree = _parse_lenient(source, notes, where)
    comments = _comments(source)
    params: list[Parameter] = []
    seen: dict[str, int] = {}
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
            segment = (ast.get_source_segment(source, node) or "").splitlines()[:1]
            notes.append(f"line {node.lineno} ({segment[0] if segment else '...'}) is not a parameter")
            continue
        if value is None:
            raise ParameterError(
                "parameter without a default",
                file=where,
                row=node.lineno,
                field=name,
                expected="`name: type = default  # help`",
            )
        help_text = comments.get(node.end_lineno or node.lineno, "")
        type_comment = _TYPE_COMMENT.match(help_text)
        if annotation is None and type_comment:  # papermill's `x = []  # type: List[str] help`
            help_text = type_comment.group(2).strip()
            try:
                annotation = ast.parse(type_comment.group(1), mode="eval").body
            except SyntaxError:
                annotation = ast.Constant(type_comment.group(1))
        try:
            default: Any = ast.literal_eval(value)
            computed = None if _jsonable(default) else ast.get_source_segment(source, value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            computed = ast.get_source_segment(source, value) or ast.unparse(value)
        if computed is not None:
            default = None
        ptype = _parse_type(annotation) if annotation is not None else None
        if ptype is None:
            ptype = _infer_type(default) if computed is None else ParamType(ANY)
        if annotation is not None and ptype.kind == ANY and not ptype.declared:
            ptype = ParamType(ANY, declared=ast.unparse(annotation).strip("'\""))
        default = _plain(default)
        if computed is None and not _matches(ptype, default):
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
        if name in seen:  # assigned again: the last assignment is what the kernel sees
            notes.append(f"line {node.lineno}: {name} is assigned again (line {params[seen[name]].line} too)")
            params[seen[name]] = Parameter(name, ptype, default, help_text, node.lineno, computed)
            continue
        seen[name] = len(params)
        params.append(Parameter(name, ptype, default, help_text, node.lineno, computed))
    return params


def _infer_type(default: Any) -> ParamType:
    """The type papermill would give a value on the command line, from the default; else ``any``."""
    if isinstance(default, bool):
        return ParamType("bool")
    for kind, typ in (("int", int), ("float", float), ("str", str)):
        if isinstance(default, typ):
            return ParamType(kind)
    if isinstance(default, list | tuple) and default and all(isinstance(v, str) for v in default):
        return ParamType("list[str]")
    return ParamType(ANY)


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


def _parse_type(node: ast.expr) -> ParamType:
    """The checked type of an annotation; ``any`` (with the annotation kept) for one the runner cannot check."""
    unknown = ParamType(ANY, declared=ast.unparse(node).strip("'\""))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "list[str]" in quotes
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return unknown
        if not (isinstance(inner, ast.Constant) and isinstance(inner.value, str)):
            return _parse_type(inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        if _is_none(node.right):
            inner_type = _parse_type(node.left)
        elif _is_none(node.left):
            inner_type = _parse_type(node.right)
        else:
            return unknown
        if inner_type.kind == ANY:
            return unknown
        return ParamType(inner_type.kind, True, inner_type.choices)
    if isinstance(node, ast.Subscript):
        base = _attr_name(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional" and len(args) == 1:
            inner_type = _parse_type(args[0])
            return unknown if inner_type.kind == ANY else ParamType(inner_type.kind, True, inner_type.choices)
        if base in ("list", "List") and len(args) == 1 and _attr_name(args[0]) == "str":
            return ParamType("list[str]")
        if base == "Literal":
            try:
                choices = tuple(ast.literal_eval(a) for a in args)
            except ValueError:
                return unknown
            if not choices or not all(isinstance(c, str | int) and not isinstance(c, bool) for c in choices):
                return unknown
            return ParamType("literal", False, choices)
        return unknown
    base = _attr_name(node)
    if base in SCALARS:
        return ParamType(base)
    if base in ("Any", "object"):
        return ParamType(ANY)
    return unknown


def _matches(ptype: ParamType, value: Any) -> bool:
    """Whether an already typed value fits ``ptype``."""
    if ptype.kind == ANY:
        return _jsonable(value)
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


def read_literal(text: str) -> Any:
    """Text from the command line read as papermill and YAML read it: ``None``, numbers, booleans, lists.

    ``None``/``null``/``~`` give None, ``True``/``false`` booleans, ``3`` and ``2.5`` numbers, ``[1, 2]`` and
    ``{a: 1}`` lists and mappings; anything else (or a YAML value JSON cannot hold, like a date) stays text.
    """
    stripped = text.strip()
    if stripped in ("None", "none", "null", "Null", "NULL", "~", ""):
        return None
    if stripped in ("True", "False"):  # papermill's spelling
        return stripped == "True"
    import yaml

    try:
        value = yaml.safe_load(stripped)
    except yaml.YAMLError:
        return text
    if isinstance(value, float) and not math.isfinite(value):
        return text
    return _plain(value) if _jsonable(value) else text


def coerce(param: Parameter, raw: Any, *, file: str | Path | None = None) -> Any:
    """``raw`` (text from the command line, or a value from YAML) converted to the parameter's type.

    Raises :class:`ParameterError` naming the parameter, the value and what is allowed.
    """
    ptype = param.type
    where = Path(file).name if file is not None else None

    def wrong(problem: str = "wrong type", hint: str = "") -> ParameterError:
        extra = hint
        if not extra and ptype.kind == "literal" and isinstance(raw, str):
            close = difflib.get_close_matches(raw, [str(c) for c in ptype.choices], n=1, cutoff=0.5)
            if close:
                extra = f" (did you mean '{close[0]}'?)"
        return ParameterError(
            problem + extra, file=where, field=param.name, value=str(raw), expected=ptype.describe()
        )

    if ptype.kind == ANY:
        if isinstance(raw, RawText):
            return str(raw)
        value = read_literal(raw) if isinstance(raw, str) else _plain(raw)
        if not _jsonable(value):
            raise wrong("not a value the notebook can be given (text, number, boolean, list or mapping)")
        return value
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
        return str(raw)
    if kind in ("int", "float") and _DECIMAL_COMMA.fullmatch(text):
        point = text.replace(",", ".")
        raise wrong("decimal comma", f": write the number with a decimal point, -p {param.name} {point}")
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
        folded = [c for c in ptype.choices if str(c).casefold() == text.casefold()]
        if len(folded) == 1:  # `-p sector n` for "N": case does not matter
            return folded[0]
        raise wrong("value not allowed")
    raise wrong()  # pragma: no cover - every kind is handled above


def resolve_values(schema: Schema, given: Mapping[str, Any], *, check_domains: bool = True) -> dict[str, Any]:
    """Defaults overlaid with ``given`` (coerced), every value checked against its domain and normalised.

    Unknown names, wrong types and values outside their domain raise :class:`ParameterError`. Parameters
    whose default the notebook computes appear only when given.
    """
    from ccresearch.runner.domains import check_all

    values = schema.defaults()
    for name, raw in given.items():
        param = schema.get(name)
        values[name] = coerce(param, raw, file=schema.notebook)
    if check_domains:
        values = check_all(values, notebook=schema.notebook, given=set(given))
    order = {n: i for i, n in enumerate(schema.names())}
    return dict(sorted(values.items(), key=lambda kv: order.get(kv[0], len(order))))


def overrides(schema: Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the defaults (or were given for a computed default), in declaration order."""
    return {
        p.name: values[p.name]
        for p in schema.parameters
        if p.name in values and (p.computed is not None or values[p.name] != p.default)
    }


def format_table(schema: Schema) -> str:
    """A plain-text table of the parameters: name, type, default, help; then notes on what was left out."""
    if not schema.parameters:
        text = f"{schema.notebook.name}: no parameters cell (tag a code cell 'parameters')"
        if schema.cell_index is not None:
            text = f"{schema.notebook.name}: the parameters cell declares no parameters"
        return "\n".join([text, *(f"note: {n}" for n in schema.notes)])
    rows = [("name", "type", "default", "help")]
    rows += [(p.name, str(p.type), p.default_text(), p.help) for p in schema.parameters]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])
        if j == 0:
            lines.append(
                "  ".join("-" * w for w in widths) + "  " + "-" * max(4, max(len(x[3]) for x in rows))
            )
    if any(p.type.kind == ANY for p in schema.parameters):
        lines.append("type any: the notebook does not say; a value is read as a YAML literal")
        lines.append("  (-p x 3 is a number, -p x '[1, 2]' a list); -r NAME VALUE passes text as written")
    if any(p.computed is not None for p in schema.parameters):
        lines.append("computed: the notebook computes the default; nothing is injected unless you set it")
    lines += [f"note: {n}" for n in schema.notes]
    return "\n".join(line.rstrip() for line in lines)
