"""Sub-commands ``params``, ``regions``, ``run``, ``sweep`` and ``reports`` of the ``ccresearch`` command.

Parameters are validated before anything heavy is imported, so a mistyped name or value exits with status 2
within a fraction of a second and no kernel is started. The parameter options work as papermill's:
``-p NAME VALUE`` (the value read for the parameter's type), ``-r NAME VALUE`` (text as written),
``-y YAML``, ``-b BASE64-YAML`` and ``-f FILE`` (repeatable); later options win, ``-f``/``-y``/``-b`` first.
A notebook is named by path, by stem or by its number (``03``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ccresearch.errors import ParameterError

PARAMETER_HINT = (
    "{opt} needs a name and a value, e.g. {opt} region CR39 (text with spaces in quotes; "
    "none empties an optional parameter; `ccresearch params NOTEBOOK` lists them)"
)


class _NameValue(argparse.Action):
    """``-p``/``-r NAME VALUE``: kept in command-line order with how the value is to be read."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: str | None = None) -> None:
        items = list(getattr(namespace, "param_items", None) or [])
        items.append((self.const, values[0], values[1]))
        namespace.param_items = items


def _hinting_errors(parser: argparse.ArgumentParser) -> None:
    """argparse's "expected 2 arguments" for -p/-r becomes a one-line hint."""
    plain_error = parser.error

    def error(message: str) -> Any:
        for opt in ("-p", "-r"):
            if f"argument {opt}/" in message and "expected 2 arguments" in message:
                parser.exit(2, f"{parser.prog}: error: {PARAMETER_HINT.format(opt=opt)}\n")
        return plain_error(message)

    parser.error = error  # type: ignore[method-assign]


def _add_param_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(param_items=[])
    parser.add_argument(
        "-p", "--parameters", "--parameter", nargs=2, action=_NameValue, const="text", metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable); lists as A,B; booleans as true/false; none for an empty optional",
    )  # fmt: skip
    parser.add_argument(
        "-r", "--parameters-raw", nargs=2, action=_NameValue, const="raw", metavar=("NAME", "VALUE"),
        help="set a parameter to text as written (as papermill's -r)",
    )  # fmt: skip
    parser.add_argument("-y", "--parameters-yaml", action="append", default=[], metavar="YAML",
                        help="parameters as a YAML mapping, e.g. -y 'n: 3'")  # fmt: skip
    parser.add_argument("-b", "--parameters-base64", action="append", default=[], metavar="BASE64",
                        help="parameters as a base64-encoded YAML mapping")  # fmt: skip
    parser.add_argument("-f", "--parameters-file", action="append", default=[], metavar="YAML",
                        help="parameters from a YAML file (repeatable)")  # fmt: skip
    parser.add_argument("--reports-dir", metavar="DIR", help="reports root (default: the project's reports/)")
    _hinting_errors(parser)


NOTEBOOK_HELP = "the notebook: a path, or a project notebook's name or number (e.g. 03)"


def register(subparsers: Any) -> None:
    """Add ``params``, ``regions``, ``run``, ``sweep`` and ``reports`` to the ``ccresearch`` command."""
    p = subparsers.add_parser("params", help="list a notebook's parameters (name, type, default, help)")
    p.add_argument("notebook", help=NOTEBOOK_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--choices", metavar="NAME", help="list the values parameter NAME accepts (e.g. region)")
    p.set_defaults(func=cmd_params)

    g = subparsers.add_parser(
        "regions", help="list the regions a region parameter accepts, with years of data"
    )
    g.add_argument("--all", action="store_true", help="every known region, gemeenten and provincies too")
    g.add_argument("--json", action="store_true", help="print JSON instead of a table")
    g.set_defaults(func=cmd_regions)

    r = subparsers.add_parser("run", help="run a notebook with parameters into reports/<notebook>/<slug>/")
    r.add_argument("notebook", help=NOTEBOOK_HELP)
    _add_param_options(r)
    r.add_argument("--force", action="store_true", help="run even when an identical run is cached")
    r.add_argument("--pdf", action="store_true", help="also print report.pdf beside report.html (Chromium)")
    r.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    r.set_defaults(func=cmd_run)

    s = subparsers.add_parser("sweep", help="run a notebook over a grid of parameter values, in parallel")
    s.add_argument("notebook", help=NOTEBOOK_HELP)
    s.add_argument(
        "--grid", action="append", default=[], metavar="NAME=V1,V2,...",
        help="values of one parameter (repeatable; the cartesian product is run). Lists: NAME=A+B,C",
    )  # fmt: skip
    _add_param_options(s)
    s.add_argument("-j", "--jobs", type=int, default=2, help="parallel runs (default 2)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="send the runs to this Dask distributed scheduler")
    s.add_argument("--force", action="store_true", help="run even when an identical run is cached")
    s.add_argument("--pdf", action="store_true", help="also print report.pdf beside report.html (Chromium)")
    s.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    s.add_argument("--json", action="store_true", help="print the runs as JSON instead of a table")
    s.set_defaults(func=cmd_sweep)

    a = subparsers.add_parser(
        "reports", help="build the data if stale, run every notebook, write reports/index.html"
    )
    a.add_argument("-j", "--jobs", type=int, default=2, help="parallel runs (default 2)")
    a.add_argument("--force", action="store_true", help="re-run every notebook")
    a.add_argument("--pdf", action="store_true", help="also print report.pdf beside report.html (Chromium)")
    a.add_argument(
        "--notebooks-dir", metavar="DIR", help="folder of notebooks (default: the project's notebooks/)"
    )
    a.add_argument("--reports-dir", metavar="DIR", help="reports root (default: the project's reports/)")
    a.add_argument("--no-build", action="store_true", help="do not build the processed data first")
    a.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    a.set_defaults(func=cmd_reports)


def _yaml_mapping(text: str, *, source: str, file: str | Path | None = None) -> dict[str, Any]:
    import yaml

    from ccresearch.runner.params import RawText

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            file=file, field=None if file else source, row=mark.line + 1 if mark and file else None,
            expected="a YAML mapping NAME: VALUE",
        ) from None  # fmt: skip
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            "not a mapping", file=file, field=None if file else source, value=type(data).__name__,
            expected="NAME: VALUE lines",
        )  # fmt: skip

    def literal(value: Any) -> Any:  # YAML text stays text, also for a parameter of type any
        if isinstance(value, str):
            return RawText(value)
        if isinstance(value, list):
            return [literal(v) for v in value]
        return value

    return {str(k): literal(v) for k, v in data.items()}


def read_parameters_file(path: str | Path) -> dict[str, Any]:
    """A YAML (or JSON) mapping of parameter names to values."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError(
            "parameters file not found", file=path, expected="an existing YAML file"
        ) from None
    return _yaml_mapping(text, source="-f", file=path)


def given_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters from ``-f``, ``-y`` and ``-b``, overlaid with ``-p``/``-r`` in command-line order."""
    import base64
    import binascii

    from ccresearch.runner.params import RawText

    given: dict[str, Any] = {}
    files = getattr(args, "parameters_file", None) or []
    for name in [files] if isinstance(files, str) else files:
        given.update(read_parameters_file(name))
    for text in getattr(args, "parameters_yaml", None) or []:
        given.update(_yaml_mapping(text, source="-y"))
    for encoded in getattr(args, "parameters_base64", None) or []:
        try:
            text = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ParameterError(
                "not base64-encoded UTF-8 text",
                field="-b",
                value=encoded[:40],
                expected="base64 of a YAML mapping",
            ) from None
        given.update(_yaml_mapping(text, source="-b"))
    for name, value in getattr(args, "parameter", None) or []:  # NAME VALUE pairs built by hand (API use)
        given[name] = value
    for kind, name, value in getattr(args, "param_items", None) or []:
        given[name] = RawText(value) if kind == "raw" else value
    return given


def _notebook(args: argparse.Namespace) -> Path:
    from ccresearch.runner.params import resolve_notebook

    return resolve_notebook(args.notebook)


def _region_table(rows: list[dict[str, Any]]) -> str:
    out = [("code", "name", "level", "years of data", "lies in")]
    for row in rows:
        if row["first_year"] is None:
            years = "none"
        else:
            years = f"{row['first_year']}-{row['last_year']}"
            if row["missing_years"]:
                years += f" (missing {', '.join(str(y) for y in row['missing_years'])})"
        out.append((row["code"], row["name"], row["level"], years, row.get("in") or ""))
    widths = [max(len(r[i]) for r in out) for i in range(5)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(5)).rstrip() for r in out]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_regions(args: argparse.Namespace) -> int:
    """``ccresearch regions``: the regions a region parameter accepts, with code, name, level and years."""
    from ccresearch.runner.domains import region_rows

    rows = region_rows(all_levels=args.all)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(_region_table(rows))
    with_data = sum(r["first_year"] is not None for r in rows)
    print(f"{with_data} regions with regional jobs data; names work too (e.g. -p region Zuid-Limburg)")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """``ccresearch params NOTEBOOK``: the parameter table (or JSON)."""
    from ccresearch.runner.params import format_table, read_schema

    schema = read_schema(_notebook(args))
    if args.choices:
        return _print_choices(schema, args.choices, as_json=args.json)
    if args.json:
        print(json.dumps([p.as_dict() for p in schema.parameters], indent=2, ensure_ascii=False))
    else:
        print(format_table(schema))
    return 0


def _print_choices(schema: Any, name: str, *, as_json: bool) -> int:
    from ccresearch.runner import domains

    param = schema.get(name)
    if name in domains.REGION_NAMES or name in domains.REGION_LIST_NAMES:
        rows = domains.region_rows()
        print(json.dumps(rows, indent=2, ensure_ascii=False) if as_json else _region_table(rows))
        return 0
    if param.type.kind == "literal":
        choices = list(param.type.choices)
        print(json.dumps(choices, ensure_ascii=False) if as_json else "\n".join(str(c) for c in choices))
        return 0
    allowed = param.type.describe()
    if name in domains.DATA_YEAR_NAMES:
        first, last = domains.jobs_years()
        allowed = f"a year from {first} to {last}"
    elif domains.is_share(name):
        allowed = "a share from 0 to 1 (gross-to-net shares: below 1)"
    print(json.dumps({"name": name, "allowed": allowed}) if as_json else f"{name}: {allowed}")
    return 0


def _status_line(result: Any) -> str:
    return f"{result.notebook} [{result.slug}]: {result.status} ({result.duration_s:.1f} s)"


def cmd_run(args: argparse.Namespace) -> int:
    """``ccresearch run NOTEBOOK -p NAME VALUE``: one run; the last stdout line is the report path."""
    from ccresearch.runner.execute import execute, plan_run
    from ccresearch.runner.index import write_index

    plan = plan_run(_notebook(args), given_parameters(args), reports_root=args.reports_dir)
    plan.pdf = args.pdf
    result = execute(plan, force=args.force, timeout=args.timeout)
    write_index(plan.reports_root)
    if result.status == "failed":
        print(f"ccresearch run: error: {result.error}", file=sys.stderr)
        print(f"ccresearch run: partial notebook kept in {result.folder}", file=sys.stderr)
        if (plan.folder / "report.html").is_file():
            print(
                f"ccresearch run: the previous report is unchanged: {plan.folder / 'report.html'}",
                file=sys.stderr,
            )
        return 1
    note = " (cached: nothing changed; --force to re-run)" if result.status == "cached" else ""
    print(_status_line(result) + note, file=sys.stderr)
    print(result.report)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """``ccresearch sweep NOTEBOOK --grid NAME=V1,V2``: every combination, in parallel; a table at the end."""
    from ccresearch.runner.index import write_index
    from ccresearch.runner.summary import write_sweep_summary
    from ccresearch.runner.sweep import format_runs, parse_grid, plan_sweep, run_plans

    grid = parse_grid(args.grid)
    given = given_parameters(args)
    plans = plan_sweep(_notebook(args), grid, given, reports_root=args.reports_dir)
    for plan in plans:
        plan.pdf = args.pdf
    results = run_plans(
        plans, jobs=args.jobs, force=args.force, scheduler=args.scheduler, timeout=args.timeout
    )
    if plans:
        page = write_sweep_summary(plans, results, grid)
        write_index(plans[0].reports_root)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        print(format_runs(results))
        if plans:
            print(f"comparison: {page}", file=sys.stderr)
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_reports(args: argparse.Namespace) -> int:
    """``ccresearch reports``: build if stale, run every notebook with its defaults, write the index page."""
    from ccresearch.runner.sweep import format_runs, run_all_notebooks

    results, index = run_all_notebooks(
        notebooks_dir=args.notebooks_dir,
        reports_root=args.reports_dir,
        jobs=args.jobs,
        force=args.force,
        build=not args.no_build,
        timeout=args.timeout,
        pdf=args.pdf,
    )
    if results:
        print(format_runs(results), file=sys.stderr)
    print(index)
    return 1 if any(r.status == "failed" for r in results) else 0
