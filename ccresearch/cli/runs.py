"""Sub-commands ``params``, ``run``, ``sweep`` and ``reports`` of the ``ccresearch`` command.

Parameters are validated before anything heavy is imported, so a mistyped name or value exits with status 2
within a fraction of a second and no kernel is started.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ccresearch.errors import ParameterError


def _add_param_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable); lists as A,B; booleans as true/false; none for an empty optional",
    )  # fmt: skip
    parser.add_argument("-f", "--parameters-file", metavar="YAML", help="parameters from a YAML mapping")
    parser.add_argument("--reports-dir", metavar="DIR", help="reports root (default: the project's reports/)")


def register(subparsers: Any) -> None:
    """Add ``params``, ``run``, ``sweep`` and ``reports`` to the ``ccresearch`` command."""
    p = subparsers.add_parser("params", help="list a notebook's parameters (name, type, default, help)")
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_params)

    r = subparsers.add_parser("run", help="run a notebook with parameters into reports/<notebook>/<slug>/")
    r.add_argument("notebook", help="the .ipynb file")
    _add_param_options(r)
    r.add_argument("--force", action="store_true", help="run even when an identical run is cached")
    r.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    r.set_defaults(func=cmd_run)

    s = subparsers.add_parser("sweep", help="run a notebook over a grid of parameter values, in parallel")
    s.add_argument("notebook", help="the .ipynb file")
    s.add_argument(
        "--grid", action="append", default=[], metavar="NAME=V1,V2,...",
        help="values of one parameter (repeatable; the cartesian product is run). Lists: NAME=A+B,C",
    )  # fmt: skip
    _add_param_options(s)
    s.add_argument("-j", "--jobs", type=int, default=2, help="parallel runs (default 2)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="send the runs to this Dask distributed scheduler")
    s.add_argument("--force", action="store_true", help="run even when an identical run is cached")
    s.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    s.add_argument("--json", action="store_true", help="print the runs as JSON instead of a table")
    s.set_defaults(func=cmd_sweep)

    a = subparsers.add_parser(
        "reports", help="build the data if stale, run every notebook, write reports/index.html"
    )
    a.add_argument("-j", "--jobs", type=int, default=2, help="parallel runs (default 2)")
    a.add_argument("--force", action="store_true", help="re-run every notebook")
    a.add_argument(
        "--notebooks-dir", metavar="DIR", help="folder of notebooks (default: the project's notebooks/)"
    )
    a.add_argument("--reports-dir", metavar="DIR", help="reports root (default: the project's reports/)")
    a.add_argument("--no-build", action="store_true", help="do not build the processed data first")
    a.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per cell")
    a.set_defaults(func=cmd_reports)


def read_parameters_file(path: str | Path) -> dict[str, Any]:
    """A YAML (or JSON) mapping of parameter names to values."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(
            "parameters file not found", file=path, expected="an existing YAML file"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            file=path, row=mark.line + 1 if mark else None, expected="a YAML mapping NAME: VALUE",
        ) from None  # fmt: skip
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            "not a mapping", file=path, value=type(data).__name__, expected="NAME: VALUE lines"
        )
    return {str(k): v for k, v in data.items()}


def given_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters from ``-f FILE`` overlaid with ``-p NAME VALUE`` (the command line wins)."""
    given: dict[str, Any] = {}
    if getattr(args, "parameters_file", None):
        given.update(read_parameters_file(args.parameters_file))
    for name, value in args.parameter:
        given[name] = value
    return given


def cmd_params(args: argparse.Namespace) -> int:
    """``ccresearch params NOTEBOOK``: the parameter table (or JSON)."""
    from ccresearch.runner.params import format_table, read_schema

    schema = read_schema(args.notebook)
    if args.json:
        print(json.dumps([p.as_dict() for p in schema.parameters], indent=2, ensure_ascii=False))
    else:
        print(format_table(schema))
    return 0


def _status_line(result: Any) -> str:
    return f"{result.notebook} [{result.slug}]: {result.status} ({result.duration_s:.1f} s)"


def cmd_run(args: argparse.Namespace) -> int:
    """``ccresearch run NOTEBOOK -p NAME VALUE``: one run; the last stdout line is the report path."""
    from ccresearch.runner.execute import execute, plan_run

    plan = plan_run(args.notebook, given_parameters(args), reports_root=args.reports_dir)
    result = execute(plan, force=args.force, timeout=args.timeout)
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
    from ccresearch.runner.sweep import format_runs, parse_grid, plan_sweep, run_plans

    grid = parse_grid(args.grid)
    plans = plan_sweep(args.notebook, grid, given_parameters(args), reports_root=args.reports_dir)
    results = run_plans(
        plans, jobs=args.jobs, force=args.force, scheduler=args.scheduler, timeout=args.timeout
    )
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        print(format_runs(results))
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
    )
    if results:
        print(format_runs(results), file=sys.stderr)
    print(index)
    return 1 if any(r.status == "failed" for r in results) else 0
